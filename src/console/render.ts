import {
  type Answer,
  type AnswerPassage,
  citeParagraph,
  type PassageSource,
} from '../answer/answer.ts';
import { formatPublished } from '../corpus/metadata.ts';
import type { RefreshReport } from '../library/reports.ts';
import { refreshSentence } from '../replies/library-reports.ts';
import type { SourceSummary } from '../workers/prepare.ts';

/** How to emphasise text: ANSI bold on a terminal, Markdown-style stars elsewhere. */
export interface TextStyle {
  bold: (text: string) => string;
  dim: (text: string) => string;
}

/** Styles for a terminal that understands ANSI escapes. */
export const ANSI_STYLE: TextStyle = {
  bold: (text) => `\u001b[1m${text}\u001b[22m`,
  dim: (text) => `\u001b[2m${text}\u001b[22m`,
};

/** Styles for pipes and files. */
export const PLAIN_STYLE: TextStyle = { bold: (text) => `**${text}**`, dim: (text) => text };

/**
 * A source as one line: publisher · title · date · ¶N ("¶N, part 2" for a part
 * of a long paragraph). A derived title is
 * marked so nobody takes it for the headline.
 *
 * @example
 * formatSource({ publisher: 'Sky News', title: 'Talks', titleDerived: false, published: '2025-05-16', paragraph: 6, … })
 * // => 'Sky News · Talks · 16 May 2025 · ¶6'
 */
export function formatSource(source: PassageSource): string {
  const title = source.titleDerived
    ? `“${source.title}” (untitled; from its first line)`
    : source.title;
  return [
    source.publisher,
    title,
    source.published && formatPublished(source.published),
    citeParagraph(source),
    source.url,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Options for {@link renderAnswer}. */
export interface RenderAnswerOptions {
  /** How many passages came before these (they are numbered on from it). Default 0. */
  offset?: number;
  /** How to see the passages not shown, said after their count (the console's "/more"). */
  moreHint?: string;
}

/**
 * An answer for a terminal: each passage with its best sentence emphasised and
 * its source underneath, or the reason there is none and what to try instead.
 *
 * @example
 * renderAnswer(library.answer('Who led the talks?'), PLAIN_STYLE, { moreHint: 'type /more to see more' })
 * // => '1. **…**\n   — Sky News · … · ¶22\n…\n(4 more passages match; type /more to see more)'
 */
export function renderAnswer(
  answer: Answer,
  style: TextStyle,
  options: RenderAnswerOptions = {},
): string {
  const offset = options.offset ?? 0;
  if (!answer.answered) {
    const lines = [answer.reason ?? 'No answer.'];
    if (answer.suggestions?.length)
      lines.push(`Did you mean: ${answer.suggestions.map((s) => `“${s}”`).join(', ')}?`);
    return lines.join('\n');
  }
  const lines: string[] = [];
  if (answer.corrections?.length) {
    lines.push(
      style.dim(`(read ${answer.corrections.map((c) => `“${c.from}” as “${c.to}”`).join(', ')})`),
    );
  }
  answer.results.forEach((passage, i) => {
    lines.push(
      `${offset + i + 1}. ${emphasise(passage, style)}`,
      style.dim(`   — ${formatSource(passage.source)}`),
    );
  });
  const more = answer.total - offset - answer.results.length;
  if (more > 0) {
    const count = more === 1 ? '1 more passage matches' : `${more} more passages match`;
    lines.push(style.dim(`(${count}${options.moreHint ? `; ${options.moreHint}` : ''})`));
  }
  return lines.join('\n');
}

function emphasise(passage: AnswerPassage, style: TextStyle): string {
  const at = passage.text.indexOf(passage.highlight);
  if (at < 0) return passage.text;
  const end = at + passage.highlight.length;
  return `${passage.text.slice(0, at)}${style.bold(passage.highlight)}${passage.text.slice(end)}`;
}

/** The articles the bot knows, one per line, and when they were loaded. */
export function renderSources(sources: SourceSummary[], loadedAt: Date): string {
  const lines = sources.map((source) => {
    const title = source.titleDerived ? `“${source.title}” (untitled)` : source.title;
    const date = source.published ? formatPublished(source.published) : 'undated';
    const paragraphs = `${source.paragraphs} paragraph${source.paragraphs === 1 ? '' : 's'}`;
    return `- ${title} — ${source.publisher ?? 'unknown publisher'}, ${date}, ${paragraphs} [${source.id}]`;
  });
  lines.push(`Loaded ${loadedAt.toISOString()}.`);
  return lines.join('\n');
}

/** A refresh report for a terminal. */
export function renderRefresh(report: RefreshReport): string {
  const lines = [refreshSentence(report)];
  if (report.status === 'done') {
    const { added, removed, changed } = report.articles;
    lines.push(
      `Articles: ${added.length} added, ${removed.length} removed, ${changed.length} changed. ` +
        `Paragraphs: ${report.paragraphs.added} added, ${report.paragraphs.removed} removed. Took ${report.durationMs} ms.`,
    );
  }
  const { fetched, kept, failed, skipped } = report.sources;
  if (fetched.length + kept.length + failed.length + skipped.length > 0) {
    const changed = fetched.filter((source) => source.changed).length;
    lines.push(
      `Sources list: ${fetched.length} fetched (${changed} changed), ${kept.length} kept from the last good copy, ${failed.length} failed${skipped.length > 0 ? `, ${skipped.length} skipped (time budget)` : ''}.`,
    );
  }
  for (const source of fetched) {
    lines.push(`Fetched ${source.url}${source.changed ? ' (changed)' : ''}`);
  }
  for (const source of kept) {
    lines.push(`Kept the last good copy of ${source.url}: ${source.reason}`);
  }
  for (const source of failed) lines.push(`Failed ${source.url}: ${source.reason}`);
  for (const source of skipped) lines.push(`Skipped ${source.url}: ${source.reason}`);
  for (const problem of report.problems) lines.push(`Skipped ${problem.file}: ${problem.reason}`);
  return lines.join('\n');
}
