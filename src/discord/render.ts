/**
 * Turns core results into Discord messages (embeds and buttons as plain API
 * objects) that always fit Discord's limits: every text is cut in code points
 * and escaped, and the embed as a whole is kept under 6000 code points.
 */
import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type APIEmbedField,
  ButtonStyle,
  ComponentType,
  TimestampStyles,
  time,
} from 'discord.js';
import { type Answer, type AnswerPassage, citeParagraph } from '../answer/answer.ts';
import { formatPublished } from '../corpus/metadata.ts';
import type { Article } from '../corpus/types.ts';
import type { AddSourceResult, RefreshReport } from '../library/reports.ts';
import { addSourceSentence, refreshSentence } from '../replies/library-reports.ts';
import { cleanText } from '../text/clean.ts';
import { cleanInput } from '../text/normalize.ts';
import type { SourceSummary } from '../workers/prepare.ts';
import { Colors, Emoji, Limits, MAX_SUGGESTION_BUTTONS } from './constants.ts';
import type { CustomIdCodec, QueryMode } from './custom-id.ts';
import {
  codePointLength,
  escapePieces,
  fitEscaped,
  fitPieces,
  markdownLink,
  plainText,
  splitsJoinedEmoji,
  truncate,
} from './text.ts';

/** A message as the bot sends it; pass to `reply`, `editReply`, `followUp` or `update`. */
export interface ReplyPayload {
  content?: string;
  embeds: APIEmbed[];
  components: Array<APIActionRowComponent<APIButtonComponent>>;
  /** Always empty: the bot never pings. */
  allowedMentions: { parse: [] };
}

/** A query as the user made it, to render its page and the buttons for the next. */
export interface QueryRequest {
  mode: QueryMode;
  query: string;
  /** Article id the query is limited to, or null for all. */
  article: string | null;
  /** Passages skipped: 0 for the first page. */
  offset: number;
}

/** What renderers need besides their data. */
export interface RenderContext {
  customIds: CustomIdCodec;
}

/** Longest title and publisher shown in a source line. */
const SOURCE_TITLE_LENGTH = 120;
const SOURCE_PUBLISHER_LENGTH = 80;
/** Space kept for the text of each paragraph in "Show context": the passage, and its neighbours. */
const CONTEXT_PASSAGE_LENGTH = 1500;
const CONTEXT_NEIGHBOUR_LENGTH = 600;
/** Paragraphs shown on each side of a passage in "Show context". */
const CONTEXT_RADIUS = 2;
/** Ids listed per kind of change in a refresh report, and the longest message and line in it. */
const REFRESH_IDS_SHOWN = 10;
const REFRESH_MESSAGE_LENGTH = 1000;
const REFRESH_LINE_LENGTH = 300;
/** Skipped files listed in a refresh report; the audit log has them all. */
const REFRESH_PROBLEMS_SHOWN = 8;
/** Source URLs listed per outcome (fetched, kept, failed) in a refresh report, and the longest URL. */
const REFRESH_SOURCES_SHOWN = 5;
const REFRESH_URL_LENGTH = 200;
/** Longest library message shown for `/sources add`; it may quote a long URL. */
const ADD_SOURCE_MESSAGE_LENGTH = 3000;

/**
 * A text-only message, such as a refusal or an error.
 *
 * @example
 * await interaction.reply({ ...notice('That button expired.'), flags: MessageFlags.Ephemeral });
 */
export function notice(text: string): ReplyPayload {
  return {
    content: truncate(text, Limits.content),
    embeds: [],
    components: [],
    allowedMentions: { parse: [] },
  };
}

/**
 * The page of an answer: the best passage with its answering sentence in
 * bold and its source, further passages as fields, and buttons for the next
 * page and for the context of the best passage. A miss renders with
 * {@link renderMiss}.
 *
 * @example
 * await interaction.reply(renderAnswer(library.answer(question), { mode: 'ask', query: question, article: null, offset: 0 }, context));
 */
export function renderAnswer(
  answer: Answer,
  request: QueryRequest,
  context: RenderContext,
): ReplyPayload {
  const [best, ...others] = answer.results;
  if (!answer.answered || !best) return renderMiss(answer, request, context);
  const icon = request.mode === 'ask' ? Emoji.answer : Emoji.search;
  const title = headline(icon, answer.question);
  const fields: APIEmbedField[] = others.map((passage, i) => ({
    name: `Result ${request.offset + i + 2}`,
    value: passageBlock(passage, Limits.fieldValue),
  }));
  const shownTo = request.offset + answer.results.length;
  const footerParts = [
    `Results ${request.offset + 1}–${shownTo} of ${answer.total}`,
    ...(answer.corrections ?? []).map(({ from, to }) => `read “${from}” as “${to}”`),
  ];
  const footer = { text: plainFooter(footerParts.join(' · ')) };
  const sized = () => codePointLength(title) + fieldsLength(fields) + codePointLength(footer.text);
  // Fields give way to the best passage when the embed would exceed 6000 in all.
  while (fields.length > 0 && Limits.embedsTotal - sized() < Limits.fieldValue) fields.pop();
  const description = passageBlock(
    best,
    Math.min(Limits.embedDescription, Limits.embedsTotal - sized()),
  );
  const buttons: APIButtonComponent[] = [];
  const query = cleanInput(request.query);
  if (shownTo < answer.total && query) {
    buttons.push(
      button(
        `${Emoji.more} More results`,
        context.customIds.encode({ kind: 'more', ...request, query, offset: shownTo }),
      ),
    );
  }
  buttons.push(
    button(
      `${Emoji.context} Show context`,
      context.customIds.encode({
        kind: 'context',
        article: best.source.article,
        paragraph: best.source.paragraph,
      }),
      ButtonStyle.Secondary,
    ),
  );
  return {
    embeds: [{ title, description, fields, footer, color: Colors.answer }],
    components: [row(buttons)],
    allowedMentions: { parse: [] },
  };
}

/**
 * Why nothing was found, with did-you-mean buttons that run each suggestion.
 *
 * @example
 * renderMiss(library.answer('What did China say?'), request, context).embeds[0]?.description // => 'No article mentions China.'
 */
export function renderMiss(
  answer: Answer,
  request: QueryRequest,
  context: RenderContext,
): ReplyPayload {
  const reason = answer.reason ?? 'I found nothing about that in the articles.';
  const suggestions = [...new Set((answer.suggestions ?? []).map(cleanInput))]
    .filter(Boolean)
    .slice(0, MAX_SUGGESTION_BUTTONS);
  const hint = suggestions.length > 0 ? `\n\n${Emoji.suggestion} Did you mean one of these?` : '';
  const question = answer.question || request.query;
  return {
    embeds: [
      {
        title: headline(Emoji.miss, question),
        description: `${fitEscaped(reason, Limits.embedDescription - hint.length)}${hint}`,
        color: Colors.miss,
      },
    ],
    components:
      suggestions.length > 0
        ? [
            row(
              suggestions.map((suggestion) =>
                button(
                  suggestion,
                  context.customIds.encode({
                    kind: 'retry',
                    mode: request.mode,
                    query: suggestion,
                    article: request.article,
                  }),
                  ButtonStyle.Secondary,
                ),
              ),
            ),
          ]
        : [],
    allowedMentions: { parse: [] },
  };
}

/**
 * An `/ask` page, answer or refusal, with 👍 and 👎 buttons on a row of their
 * own (a 👎 on a refusal says the articles should have answered). The token
 * (see `Insights.recordAnswer`) tells a click which answer it is about; it is
 * empty for an answer that was not recorded.
 *
 * @example
 * await interaction.reply(withFeedback(page, insights.recordAnswer(asked), context));
 */
export function withFeedback(
  page: ReplyPayload,
  token: string,
  context: RenderContext,
): ReplyPayload {
  if (page.embeds.length === 0 || page.components.length >= Limits.rowsPerMessage) return page;
  const vote = (kind: 'up' | 'down', label: string) =>
    button(
      label,
      context.customIds.encode({ kind: 'vote', vote: kind, token }),
      ButtonStyle.Secondary,
    );
  return {
    ...page,
    components: [
      ...page.components,
      row([vote('up', `${Emoji.up} Helpful`), vote('down', `${Emoji.down} Not helpful`)]),
    ],
  };
}

/**
 * The paragraphs around a passage (boilerplate left out), the passage marked.
 * Returns null when the article or paragraph is no longer in the corpus.
 *
 * @example
 * renderContext(article, 22)?.embeds[0]?.description // starts '¶20 NATO secretary-general …', then '**▶ ¶22** Ukraine’s delegation …'
 */
export function renderContext(article: Article, paragraph: number): ReplyPayload | null {
  const content = article.paragraphs.filter((p) => !p.boilerplate);
  const position = content.findIndex((p) => p.number === paragraph);
  if (position < 0) return null;
  const shown = content.slice(
    Math.max(0, position - CONTEXT_RADIUS),
    position + CONTEXT_RADIUS + 1,
  );
  const blocks = shown.map((p) =>
    p.number === paragraph
      ? `**▶ ¶${p.number}** ${fitEscaped(p.text, CONTEXT_PASSAGE_LENGTH)}`
      : `¶${p.number} ${fitEscaped(p.text, CONTEXT_NEIGHBOUR_LENGTH)}`,
  );
  const source = sourceLine(article, null);
  const description = truncate(`${blocks.join('\n\n')}\n\n${source}`, Limits.embedDescription);
  return {
    embeds: [
      {
        title: truncate(`${Emoji.context} Context of ¶${paragraph}`, Limits.embedTitle),
        description,
        color: Colors.info,
      },
    ],
    components: [],
    allowedMentions: { parse: [] },
  };
}

/**
 * The articles the bot knows, with when they were last loaded.
 *
 * @example
 * await interaction.reply(renderSources(library.sources(), library.loadedAt));
 */
export function renderSources(sources: ReadonlyArray<SourceSummary>, loadedAt: Date): ReplyPayload {
  const header = `${Emoji.refresh} Last refreshed ${time(loadedAt, TimestampStyles.RelativeTime)}\n\n`;
  const lines = sources.map((source, i) => {
    const paragraphs = `${source.paragraphs} paragraph${source.paragraphs === 1 ? '' : 's'}`;
    return `**${i + 1}.** ${sourceLine(source, null)} · ${paragraphs}`;
  });
  let description = header;
  for (const [i, line] of lines.entries()) {
    const more = `\n…and ${lines.length - i} more`;
    if (codePointLength(description + line) + more.length + 1 > Limits.embedDescription) {
      description += more;
      break;
    }
    description += `${line}\n`;
  }
  return {
    embeds: [
      {
        title: `${Emoji.source} Sources (${sources.length})`,
        description: description.trimEnd(),
        color: Colors.info,
      },
    ],
    components: [],
    allowedMentions: { parse: [] },
  };
}

/**
 * A moderator's report of a refresh: what changed and what was skipped, or
 * why nothing ran.
 *
 * @example
 * await interaction.editReply(renderRefresh(await library.refresh()));
 */
export function renderRefresh(report: RefreshReport): ReplyPayload {
  const { articles, paragraphs } = report;
  const heading = {
    done: { title: `${Emoji.success} Refreshed`, color: Colors.success },
    failed: { title: `${Emoji.error} Refresh failed`, color: Colors.error },
    busy: {
      title:
        report.status === 'busy' && report.busy === 'loading'
          ? `${Emoji.wait} The articles are still loading`
          : `${Emoji.wait} A refresh is already running`,
      color: Colors.miss,
    },
    cooldown: { title: `${Emoji.wait} Refreshed moments ago`, color: Colors.miss },
  }[report.status];
  const lines = [fitEscaped(refreshSentence(report), REFRESH_MESSAGE_LENGTH)];
  if (report.status === 'cooldown') {
    lines.push(
      `You can refresh again ${time(new Date(report.retryAt), TimestampStyles.RelativeTime)}.`,
    );
  }
  if (report.status === 'done') {
    lines.push(
      '',
      `**Articles:** ${articles.added.length} added, ${articles.removed.length} removed, ${articles.changed.length} changed`,
      ...idList('Added', articles.added),
      ...idList('Removed', articles.removed),
      ...idList('Changed', articles.changed),
      `**Paragraphs:** ${paragraphs.added} added, ${paragraphs.removed} removed`,
      `**Took:** ${report.durationMs} ms`,
    );
  }
  lines.push(...sourcesSection(report.sources));
  if (report.problems.length > 0) {
    lines.push(
      '',
      ...bulletList(
        `**Skipped files (${report.problems.length}):**`,
        report.problems,
        REFRESH_PROBLEMS_SHOWN,
        (problem) => fitEscaped(`${problem.file}: ${problem.reason}`, REFRESH_LINE_LENGTH),
      ),
    );
  }
  return {
    embeds: [
      {
        title: heading.title,
        description: truncate(lines.join('\n'), Limits.embedDescription),
        color: heading.color,
      },
    ],
    components: [],
    allowedMentions: { parse: [] },
  };
}

/**
 * What `/sources add` did with a URL, for the asker: its sentence,
 * escaped, in an embed so the URL in it is not unfurled into a preview.
 *
 * @example
 * await interaction.editReply(renderAddSource(await library.addSource(url, request)));
 */
export function renderAddSource(result: AddSourceResult): ReplyPayload {
  const heading = {
    added: { title: `${Emoji.success} Source added`, color: Colors.success },
    duplicate: { title: `${Emoji.source} Already a source`, color: Colors.info },
    refused: { title: `${Emoji.warning} Not added`, color: Colors.miss },
    invalid: { title: `${Emoji.warning} Not a link I can fetch`, color: Colors.miss },
    failed: { title: `${Emoji.error} Could not add the source`, color: Colors.error },
  }[result.status];
  const lines = [fitEscaped(addSourceSentence(result), ADD_SOURCE_MESSAGE_LENGTH)];
  if (result.status === 'added') {
    lines.push('', 'Ask about it with /ask; /sources list shows every article.');
  }
  return {
    embeds: [{ title: heading.title, description: lines.join('\n'), color: heading.color }],
    components: [],
    allowedMentions: { parse: [] },
  };
}

/**
 * What the bot does and how to ask it.
 *
 * @example
 * await interaction.reply({ ...renderHelp(), flags: MessageFlags.Ephemeral });
 */
export function renderHelp(): ReplyPayload {
  const description = [
    'I answer questions about the news articles I have read, with the passages that answer them and where each came from.',
    '',
    '**/ask** `question` — the passage that best answers a question, its source, and up to two more. Set `private` to see the answer alone.',
    '**/search** `query` — passages matching keywords; `source` limits it to one article.',
    '**/sources list** — the articles I know and when they were last refreshed.',
    '**/sources add** `url` — add a news article by its link (bot owners only).',
    '**/refresh** — reload the articles (needs Manage Server).',
    '**Ask about this message** — right-click a message › Apps, to ask about its text.',
    '',
    `Buttons: ${Emoji.more} **More results** pages on, ${Emoji.context} **Show context** shows the paragraphs around a passage. Anyone may click them; what they show is sent only to whoever clicked.`,
    '',
    `**/insights** — what members ask that the articles do not answer, and the answers voted ${Emoji.down} (needs Manage Server).`,
    `**What is recorded:** for /ask in a server, the question, when, whether it was answered (or why not), the passages cited and ${Emoji.up}/${Emoji.down} votes, for 30 days by default (INSIGHTS_RETENTION_DAYS). No user ids; private questions and DMs are never recorded. The bot's operator turns it off with INSIGHTS_DB=off; /insights clear deletes this server's records.`,
  ].join('\n');
  return {
    embeds: [{ title: `${Emoji.help} How to use talkbot`, description, color: Colors.info }],
    components: [],
    allowedMentions: { parse: [] },
  };
}

/**
 * Autocomplete choices from suggestion texts: at most 25, each name and value
 * 1–100 code points; a text too long to be a value is left out rather than
 * cut, since the value is what gets submitted.
 *
 * @example
 * toChoices(['Who led Ukraine', '']) // => [{ name: 'Who led Ukraine', value: 'Who led Ukraine' }]
 */
export function toChoices(
  suggestions: Iterable<string | { name: string; value: string }>,
): Array<{ name: string; value: string }> {
  const choices: Array<{ name: string; value: string }> = [];
  const seen = new Set<string>();
  for (const suggestion of suggestions) {
    const choice =
      typeof suggestion === 'string' ? { name: suggestion, value: suggestion } : suggestion;
    const value = cleanText(choice.value);
    const label = truncate(plainText(choice.name).trim(), Limits.choiceName);
    const length = codePointLength(value);
    if (label === '' || length === 0 || length > Limits.choiceValue || seen.has(value)) continue;
    seen.add(value);
    choices.push({ name: label, value });
    if (choices.length === Limits.choices) break;
  }
  return choices;
}

function fieldsLength(fields: ReadonlyArray<APIEmbedField>): number {
  return fields.reduce(
    (sum, field) => sum + codePointLength(field.name) + codePointLength(field.value),
    0,
  );
}

/** A passage with its answering sentence in bold, then its source line, within `max`. */
function passageBlock(passage: AnswerPassage, max: number): string {
  const source = truncate(sourceLine(passage.source, citeParagraph(passage.source)), max);
  const room = max - codePointLength(source) - 2;
  if (room <= 1) return source;
  return `${highlightedExcerpt(passage.text, passage.highlight, room)}\n\n${source}`;
}

/**
 * Markdown for a passage with its highlight in bold, at most `max` code points.
 * When the passage is too long, the highlight is kept with as much text on
 * each side as fits; when the highlight alone is too long, it is cut.
 *
 * @example
 * highlightedExcerpt('Talks ended. Umerov led it. More.', 'Umerov led it.', 100) // => 'Talks ended. **Umerov led it.** More.'
 */
export function highlightedExcerpt(text: string, highlight: string, max: number): string {
  const mark = highlight.trim();
  const start = mark ? text.indexOf(mark) : -1;
  const pieces = escapePieces(text);
  if (start < 0) return fitPieces(pieces, max);
  // The bold never starts or ends inside an emoji joined with U+200D.
  let from = codePointLength(text.slice(0, start));
  while (from > 0 && splitsJoinedEmoji(pieces, from)) from -= 1;
  let to = codePointLength(text.slice(0, start + mark.length));
  while (to < pieces.length && splitsJoinedEmoji(pieces, to)) to += 1;
  const marked = pieces.slice(from, to).join('');
  const bold = marked ? `**${marked}**` : '';
  const whole = `${pieces.slice(0, from).join('')}${bold}${pieces.slice(to).join('')}`;
  if (codePointLength(whole) <= max) return whole;
  const ellipses = (from > 0 ? 1 : 0) + (to < pieces.length ? 1 : 0);
  const room = max - ellipses - codePointLength(bold);
  const cut = (left: number, right: number, middle: string) =>
    `${left > 0 ? '…' : ''}${pieces.slice(left, from).join('')}${middle}${pieces.slice(to, right).join('')}${right < pieces.length ? '…' : ''}`;
  if (room < 0) {
    const boldRoom = max - ellipses - 4;
    return boldRoom > 0 ? cut(from, to, `**${fitPieces(pieces.slice(from, to), boldRoom)}**`) : '';
  }
  // Grow the context one character at a time on each side, while it fits.
  let left = from;
  let right = to;
  let used = 0;
  for (let grew = true; grew; ) {
    grew = false;
    const after = pieces[right];
    if (after !== undefined && used + codePointLength(after) <= room) {
      used += codePointLength(after);
      right += 1;
      grew = true;
    }
    const before = pieces[left - 1];
    if (before !== undefined && used + codePointLength(before) <= room) {
      used += codePointLength(before);
      left -= 1;
      grew = true;
    }
  }
  while (left < from && splitsJoinedEmoji(pieces, left)) left += 1;
  while (right > to && splitsJoinedEmoji(pieces, right)) right -= 1;
  return cut(left, right, bold);
}

/** `icon text` as an embed title: the text escaped and cut to fit. */
function headline(icon: string, text: string): string {
  return `${icon} ${fitEscaped(text, Limits.embedTitle - codePointLength(icon) - 1)}`;
}

/**
 * `📰 publisher · title · date · ¶N` (or `¶N, part 2`, see `citeParagraph`): the
 * title links to the article when its URL is known, and is in italics when it
 * was derived from the text.
 */
function sourceLine(
  source: Pick<SourceSummary, 'title' | 'titleDerived' | 'publisher' | 'published' | 'url'>,
  cited: string | null,
): string {
  const label = source.title.trim() ? fitEscaped(source.title, SOURCE_TITLE_LENGTH) : '(untitled)';
  const linked = markdownLink(label, source.url);
  const title = source.titleDerived || !source.title.trim() ? `*${linked}*` : linked;
  const parts = [
    source.publisher ? fitEscaped(source.publisher, SOURCE_PUBLISHER_LENGTH) : null,
    title,
    source.published ? fitEscaped(formatPublished(source.published), 40) : null,
    cited,
  ].filter((part): part is string => part !== null);
  return `${Emoji.source} ${parts.join(' · ')}`;
}

function idList(label: string, ids: ReadonlyArray<string>): string[] {
  if (ids.length === 0) return [];
  const shown = ids.slice(0, REFRESH_IDS_SHOWN).map((id) => fitEscaped(id, 100));
  const more = ids.length > REFRESH_IDS_SHOWN ? ` and ${ids.length - REFRESH_IDS_SHOWN} more` : '';
  return [`${label}: ${shown.join(', ')}${more}`];
}

/**
 * The sources-list part of a refresh report: counts, then the URLs fetched,
 * those whose last good copy is still used, those that failed, and those the
 * time budget left out, with why.
 */
function sourcesSection(sources: RefreshReport['sources']): string[] {
  const { fetched, kept, failed, skipped } = sources;
  if (fetched.length + kept.length + failed.length + skipped.length === 0) return [];
  const changed = fetched.filter((source) => source.changed).length;
  const withReason = (source: { url: string; reason: string }) =>
    fitEscaped(`${source.url}: ${source.reason}`, REFRESH_LINE_LENGTH);
  return [
    '',
    `**Sources list:** ${fetched.length} fetched (${changed} changed), ${kept.length} kept from the last good copy, ${failed.length} failed${skipped.length > 0 ? `, ${skipped.length} skipped (time budget)` : ''}`,
    ...bulletList(
      'Fetched:',
      fetched,
      REFRESH_SOURCES_SHOWN,
      (source) =>
        `${fitEscaped(source.url, REFRESH_URL_LENGTH)}${source.changed ? ' (changed)' : ''}`,
    ),
    ...bulletList(
      'Kept (could not fetch; the last good copy is still used):',
      kept,
      REFRESH_SOURCES_SHOWN,
      withReason,
    ),
    ...bulletList(
      'Failed (could not fetch, and there is no earlier copy):',
      failed,
      REFRESH_SOURCES_SHOWN,
      withReason,
    ),
    ...bulletList(
      'Skipped (the refresh ran out of time; any saved copy is still used):',
      skipped,
      REFRESH_SOURCES_SHOWN,
      (source) => fitEscaped(source.url, REFRESH_URL_LENGTH),
    ),
  ];
}

/** `heading`, then up to `shown` items as bullets, then how many were left out. */
function bulletList<T>(
  heading: string,
  items: ReadonlyArray<T>,
  shown: number,
  line: (item: T) => string,
): string[] {
  if (items.length === 0) return [];
  const lines = [heading, ...items.slice(0, shown).map((item) => `• ${line(item)}`)];
  const unlisted = items.length - shown;
  if (unlisted > 0) lines.push(`…and ${unlisted} more.`);
  return lines;
}

function plainFooter(text: string): string {
  return truncate(plainText(text), Limits.footer);
}

/**
 * A button within Discord's limits: the label plain and cut to 80 code points.
 *
 * @example
 * button('➕ More results', 'more:a:3::Who led?')
 */
export function button(
  label: string,
  customId: string,
  style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Danger = ButtonStyle.Primary,
): APIButtonComponent {
  return {
    type: ComponentType.Button,
    style,
    label: truncate(plainText(label).trim(), Limits.buttonLabel) || '…',
    custom_id: customId,
  };
}

/**
 * A row of at most five buttons.
 *
 * @example
 * row([button('Next', 'ins:30:1')])
 */
export function row(buttons: APIButtonComponent[]): APIActionRowComponent<APIButtonComponent> {
  return { type: ComponentType.ActionRow, components: buttons.slice(0, Limits.buttonsPerRow) };
}
