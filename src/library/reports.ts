/**
 * What the library tells its callers it did: a refresh's report and an added
 * source's result, plain data for the commands and the console to show.
 */
import type { FileProblem } from '../corpus/types.ts';
import { noSources, type SourcesReport } from '../sources/refresh-sources.ts';
import type { EditionSummary } from '../workers/engine.ts';
import type { KeptArticle } from '../workers/prepare.ts';

/** What a refresh changed, or why it changed nothing. */
export interface RefreshReport {
  /**
   * `done`: the new corpus serves; `failed`: the old one still does; `busy`: not run.
   * `cooldown` (not run) is never the library's answer: `/refresh` reports its own cooldown so.
   */
  status: 'done' | 'failed' | 'busy' | 'cooldown';
  /** A sentence for the moderator. */
  message: string;
  articles: { added: string[]; removed: string[]; changed: string[] };
  paragraphs: { added: number; removed: number };
  /** Files that were skipped, with why; the others still loaded. */
  problems: FileProblem[];
  /**
   * Articles whose file or sidecar became unusable since they were loaded:
   * their last good version keeps serving (until a restart), and the reason is
   * said, so a typo never silently drops an article.
   */
  kept: KeptArticle[];
  /** What fetching the sources list did; empty when no URL is listed or fetching was not asked for. */
  sources: SourcesReport;
  durationMs: number;
  /** When a refresh may run again (epoch ms), for `cooldown`. */
  retryAt?: number;
}

/** Options for `Library.refresh`. */
export interface RefreshOptions {
  /** Who asked (a Discord user id, `console`, `SIGHUP`…), for the audit log. */
  requestedBy?: string;
  /** The Discord server it was asked from, for the audit log. */
  guildId?: string | null;
  /** When a refresh is running: `busy` answers so at once, `wait` runs after it. Default `busy`. */
  whenBusy?: 'busy' | 'wait';
  /** Fetch the sources list's URLs before reading the files. Default true. */
  fetchSources?: boolean;
}

/** Who asks to add a source, for `Library.addSource`. */
export interface AddSourceRequest {
  /** The asker's id (a Discord user id, `console`), for the audit log; who may add is the caller's check. */
  requestedBy: string;
  /** The Discord server it was asked from, for the audit log. */
  guildId?: string | null;
}

/** What `Library.addSource` did. */
export interface AddSourceResult {
  /**
   * `added`: listed, saved and loaded; `refused`: the asker may not add (a
   * caller's answer, e.g. `/sources add` to a non-owner, never the library's);
   * `invalid`: not a fetchable URL; `duplicate`: already listed; `failed`: the fetch failed, nothing was added.
   */
  status: 'added' | 'refused' | 'invalid' | 'duplicate' | 'failed';
  /** A sentence for the asker. */
  message: string;
  /** The URL as listed (normalized), or as given when it is invalid. */
  url: string;
  /** The article id the URL is saved under, once the URL is valid. */
  id?: string;
  /** The refresh that loaded the new article, for `added`. */
  refresh?: RefreshReport;
}

/**
 * The report of a refresh that did not run, saying why: `busy` (the library's)
 * or `cooldown` (a caller's policy, e.g. `/refresh`'s).
 *
 * @example
 * notRunReport('busy', 'A refresh is already running.').articles.added // => []
 */
export function notRunReport(status: 'busy' | 'cooldown', message: string): RefreshReport {
  return {
    status,
    message,
    articles: { added: [], removed: [], changed: [] },
    paragraphs: { added: 0, removed: 0 },
    problems: [],
    kept: [],
    sources: noSources(),
    durationMs: 0,
  };
}

/**
 * The report of a refresh that ran and failed: the old corpus still serves.
 *
 * @example
 * failedReport('no article in the new content could be loaded', problems, noSources(), 120).status // => 'failed'
 */
export function failedReport(
  why: string,
  problems: FileProblem[],
  sources: SourcesReport,
  durationMs: number,
): RefreshReport {
  return {
    status: 'failed',
    message: `Nothing changed: ${why}. The previous content is still being served.`,
    articles: { added: [], removed: [], changed: [] },
    paragraphs: { added: 0, removed: 0 },
    problems,
    kept: [],
    sources,
    durationMs,
  };
}

/**
 * The report of a refresh whose new edition now serves.
 *
 * @example
 * doneReport(edition, noSources(), 850).message // => 'Refreshed: 2 articles, 57 passages.'
 */
export function doneReport(
  edition: EditionSummary,
  sources: SourcesReport,
  durationMs: number,
): RefreshReport {
  return {
    status: 'done',
    message: doneMessage(edition, sources),
    ...edition.changes,
    problems: edition.problems,
    kept: edition.kept,
    sources,
    durationMs,
  };
}

function doneMessage(edition: EditionSummary, sources: SourcesReport): string {
  const parts = [
    `Refreshed: ${plural(edition.catalog.length, 'article')}, ${plural(edition.passages, 'passage')}.`,
  ];
  for (const article of edition.kept) {
    parts.push(`Kept the last good version of ${article.id}: ${whatIsWrong(article)}.`);
  }
  if (edition.problems.length > 0)
    parts.push(`${plural(edition.problems.length, 'file')} skipped.`);
  if (sources.kept.length > 0) {
    parts.push(
      `${plural(sources.kept.length, 'source')} could not be fetched; the last saved copy is still used.`,
    );
  }
  if (sources.failed.length > 0) {
    parts.push(
      `${plural(sources.failed.length, 'source')} could not be fetched and had no saved copy.`,
    );
  }
  if (sources.skipped.length > 0) {
    parts.push(
      `${plural(sources.skipped.length, 'source')} skipped: the refresh ran out of time; any saved copy is still used.`,
    );
  }
  return parts.join(' ');
}

/**
 * The loader's reasons read after the file's name ("lighthouse.txt is a binary
 * file, not text"), except a sidecar's, which names its own file ("its metadata
 * lighthouse.json: …").
 */
function whatIsWrong({ file, reason }: FileProblem): string {
  return reason.startsWith('its ') ? reason : `${file} ${reason}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
