/**
 * What the library tells its callers it did: a refresh's report and an added
 * source's result, plain data for the commands and the console to show.
 */
import type { FileProblem } from '../corpus/types.ts';
import { noSources, type SourcesReport } from '../sources/refresh-sources.ts';
import type { EditionSummary } from '../workers/engine.ts';
import type { KeptArticle } from '../workers/prepare.ts';

/** What every refresh report holds, run or not. */
interface RefreshParts {
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
}

/** Why a refresh that ran changed nothing; the old corpus still serves. */
export type RefreshFailure =
  /** The build worker died (`error`: what it said). */
  | { code: 'builder-stopped'; error: string }
  /** The seeds folder `dir` could not be read (`error`: the errno code). */
  | { code: 'unreadable'; dir: string; error: string }
  /** No article in the new content could be loaded (the report's `problems` say why). */
  | { code: 'no-articles' }
  /** Anything else (`error`: its message). */
  | { code: 'unexpected'; error: string };

/** Why a refresh did not run. */
export type NotRun =
  /** `loading`: the first index is not ready; `running`: another refresh is. */
  | { status: 'busy'; busy: 'loading' | 'running' }
  /** A caller's policy, never the library's answer: `/refresh`'s cooldown, until `retryAt` (epoch ms). */
  | { status: 'cooldown'; retryAt: number };

/**
 * What a refresh changed, or why it changed nothing: plain data, which the
 * commands and the console put into words. `done`: the new corpus serves,
 * `serving` counts it; `failed`: the old one still does; `busy`, `cooldown`: not run.
 */
export type RefreshReport = RefreshParts &
  (
    | { status: 'done'; serving: { articles: number; passages: number } }
    | { status: 'failed'; failure: RefreshFailure }
    | NotRun
  );

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

/**
 * What `Library.addSource` did, with the URL as listed (normalized), or as
 * given when it is invalid. `added`: listed, saved and loaded (`refresh`
 * loaded it); `duplicate`: already listed; `invalid`: not a fetchable URL
 * (`reason`: why); `failed`: nothing was added, because the fetch failed
 * (`reason`: why) or the list could not be written (`reason`: the errno
 * code); `refused`: the asker may not add, a caller's answer (e.g. `/sources
 * add` to a non-owner, or to anyone when no owner is configured), never the library's.
 */
export type AddSourceResult =
  | { status: 'added'; url: string; id: string; title: string; refresh: RefreshReport }
  | { status: 'duplicate'; url: string; id: string }
  | { status: 'invalid'; url: string; reason: string }
  | { status: 'failed'; url: string; id: string; failure: 'fetch' | 'list'; reason: string }
  | { status: 'refused'; url: string; reason: 'not-owner' | 'no-owners' };

/**
 * The report of a refresh that did not run.
 *
 * @example
 * notRunReport({ status: 'busy', busy: 'running' }).articles.added // => []
 */
export function notRunReport(why: NotRun): RefreshReport {
  return { ...why, ...nothingChanged([], noSources(), 0) };
}

/**
 * The report of a refresh that ran and failed: the old corpus still serves.
 *
 * @example
 * failedReport({ code: 'no-articles' }, problems, noSources(), 120).status // => 'failed'
 */
export function failedReport(
  failure: RefreshFailure,
  problems: FileProblem[],
  sources: SourcesReport,
  durationMs: number,
): RefreshReport {
  return { status: 'failed', failure, ...nothingChanged(problems, sources, durationMs) };
}

/**
 * The report of a refresh whose new edition now serves.
 *
 * @example
 * doneReport(edition, noSources(), 850).serving // => { articles: 2, passages: 57 }
 */
export function doneReport(
  edition: EditionSummary,
  sources: SourcesReport,
  durationMs: number,
): RefreshReport {
  return {
    status: 'done',
    serving: { articles: edition.catalog.length, passages: edition.passages },
    ...edition.changes,
    problems: edition.problems,
    kept: edition.kept,
    sources,
    durationMs,
  };
}

function nothingChanged(
  problems: FileProblem[],
  sources: SourcesReport,
  durationMs: number,
): RefreshParts {
  return {
    articles: { added: [], removed: [], changed: [] },
    paragraphs: { added: 0, removed: 0 },
    problems,
    kept: [],
    sources,
    durationMs,
  };
}
