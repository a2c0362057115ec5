/**
 * Fetching the sources list: each URL is fetched again and saved as article
 * files; a URL that fails keeps the copy saved last time.
 */

import { withoutCredentials } from './credentials.ts';
import {
  addressPolicy,
  FetchArticleError,
  type FetchArticleOptions,
  type FetchedArticle,
  fetchArticle,
} from './fetch-article.ts';
import {
  hasSavedCopy,
  normalizeSourceUrl,
  parseSourcesList,
  readSourcesList,
  saveSourceArticle,
  sourceArticleId,
} from './sources-list.ts';

/** What fetching the sources list did, URL by URL. */
export interface SourcesReport {
  /** Fetched and saved (`changed`: the saved files differ from last time). */
  fetched: { url: string; id: string; title: string; changed: boolean }[];
  /** Could not be fetched; the copy saved last time is still used. */
  kept: { url: string; id: string; reason: string }[];
  /** Could not be fetched and no earlier copy exists (`id` is null for a line that is no URL). */
  failed: { url: string; id: string | null; reason: string }[];
  /** Not fetched, or not finished, when the refresh's time budget ran out; any saved copy is still used. */
  skipped: { url: string; id: string | null; reason: string }[];
}

/** The outcome for one source URL. */
export type SourceOutcome =
  | { status: 'fetched'; url: string; id: string; title: string; changed: boolean }
  | { status: 'kept'; url: string; id: string; reason: string }
  | { status: 'failed'; url: string; id: string | null; reason: string }
  | { status: 'skipped'; url: string; id: string | null; reason: string };

/** How the sources list is fetched: each article as {@link fetchArticle} does, within a budget. */
export interface SourcesFetchOptions extends FetchArticleOptions {
  /**
   * Time a refresh may spend fetching the whole list, in ms. Sources not
   * finished when it runs out are skipped (and reported), keeping their
   * saved copies. Default {@link DEFAULT_REFRESH_BUDGET_MS}.
   */
  refreshBudgetMs?: number;
  /** Sources fetched at once. Default {@link DEFAULT_FETCH_CONCURRENCY}. */
  concurrency?: number;
  /** Fetches one article; tests pass a fake. Default {@link fetchArticle}. */
  fetchArticle?: (url: string, options: FetchArticleOptions) => Promise<FetchedArticle>;
}

/** Sources fetched at once; a long list should not open dozens of connections. */
export const DEFAULT_FETCH_CONCURRENCY = 4;
/** Time a refresh may spend on the sources list: two minutes, well within Discord's 15-minute reply window. */
export const DEFAULT_REFRESH_BUDGET_MS = 120_000;

/**
 * An empty sources report, for refreshes that fetched nothing.
 *
 * @example
 * noSources().fetched // => []
 */
export function noSources(): SourcesReport {
  return { fetched: [], kept: [], failed: [], skipped: [] };
}

/**
 * Fetches every URL of `seeds/sources.list` and saves each article beside it,
 * a few at a time and within a total time budget: when the budget runs out,
 * fetches under way are stopped and the URLs not yet fetched are skipped, each
 * reported in `skipped`. Never throws: an unreadable list is reported as one
 * failed entry.
 *
 * @example
 * const report = await fetchSources('seeds', { timeoutMs: 10_000, refreshBudgetMs: 60_000 });
 * report.kept // => [{ url, id, reason: '… timed out …' }] when a site was down
 */
export async function fetchSources(
  seedsDir: string,
  options: SourcesFetchOptions = {},
): Promise<SourcesReport> {
  let lines: string[];
  try {
    lines = parseSourcesList(await readSourcesList(seedsDir)).map((line) => line.text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return {
      ...noSources(),
      failed: [{ url: 'sources.list', id: null, reason: `the list could not be read (${code})` }],
    };
  }
  const budgetMs = options.refreshBudgetMs ?? DEFAULT_REFRESH_BUDGET_MS;
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(), budgetMs);
  const skip = (line: string): SourceOutcome => ({
    status: 'skipped',
    ...identify(line, options),
    reason: budgetReason(budgetMs),
  });
  let outcomes: SourceOutcome[];
  try {
    outcomes = await mapConcurrently(
      lines,
      options.concurrency ?? DEFAULT_FETCH_CONCURRENCY,
      async (line) => {
        if (budget.signal.aborted) return skip(line);
        const outcome = await fetchSource(seedsDir, line, { ...options, signal: budget.signal });
        return budget.signal.aborted && outcome.status !== 'fetched' ? skip(line) : outcome;
      },
    );
  } finally {
    clearTimeout(timer);
  }
  const report = noSources();
  for (const outcome of outcomes) {
    switch (outcome.status) {
      case 'fetched': {
        const { url, id, title, changed } = outcome;
        report.fetched.push({ url, id, title, changed });
        break;
      }
      case 'kept':
        report.kept.push({ url: outcome.url, id: outcome.id, reason: outcome.reason });
        break;
      case 'failed':
        report.failed.push({ url: outcome.url, id: outcome.id, reason: outcome.reason });
        break;
      case 'skipped':
        report.skipped.push({ url: outcome.url, id: outcome.id, reason: outcome.reason });
        break;
    }
  }
  return report;
}

/**
 * Fetches one source URL and saves it as `<id>.txt` + `<id>.json`. On failure
 * the files saved last time are left as they are. Never throws.
 *
 * @example
 * await fetchSource('seeds', 'https://news.example/a')
 * // => { status: 'fetched', url: 'https://news.example/a', id: 'url-news.example-…', title: '…', changed: true }
 */
export async function fetchSource(
  seedsDir: string,
  input: string,
  options: SourcesFetchOptions = {},
): Promise<SourceOutcome> {
  let url: string;
  try {
    url = normalizeSourceUrl(input, addressPolicy(options));
  } catch (error) {
    return {
      status: 'failed',
      url: withoutCredentials(input),
      id: null,
      reason: (error as Error).message,
    };
  }
  const id = sourceArticleId(url);
  let article: FetchedArticle;
  let changed: boolean;
  try {
    article = await (options.fetchArticle ?? fetchArticle)(url, options);
    changed = await saveSourceArticle(seedsDir, id, article);
  } catch (error) {
    const reason = describeFailure(error);
    return (await hasSavedCopy(seedsDir, id))
      ? { status: 'kept', url, id, reason }
      : { status: 'failed', url, id, reason };
  }
  return { status: 'fetched', url, id, title: article.title, changed };
}

/** A list line as reports name it: its normalized URL and article id, or the line without credentials. */
function identify(line: string, options: FetchArticleOptions): { url: string; id: string | null } {
  try {
    const url = normalizeSourceUrl(line, addressPolicy(options));
    return { url, id: sourceArticleId(url) };
  } catch {
    return { url: withoutCredentials(line), id: null };
  }
}

function budgetReason(budgetMs: number): string {
  return `the refresh's time budget (${Math.round(budgetMs / 1000)} s) ran out before this source was fetched; its last saved copy, if any, is still used`;
}

function describeFailure(error: unknown): string {
  if (error instanceof FetchArticleError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  return `the article could not be saved (${code ?? (error as Error).message})`;
}

async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  map: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const position = next++;
      results[position] = await map(items[position] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
