/**
 * The extraction worker: parses a fetched page and extracts its article, so a
 * page built to be slow (deep nesting, huge markup) costs a worker thread that
 * is ended at the time limit, never the thread that talks to Discord.
 */
import type { MessagePort } from 'node:worker_threads';
import {
  extractArticle,
  FetchArticleError,
  type FetchedArticle,
} from '../sources/fetch-article.ts';

/** One page to extract. */
export interface ExtractTask {
  html: string;
  url: string;
  /** Told `started` when the work begins, so the time limit leaves out waiting and start-up. */
  started: MessagePort;
}

/** What an extraction gave: the article, or the refusal the fetcher reports. */
export type ExtractOutcome =
  | { ok: true; article: Omit<FetchedArticle, 'url'> }
  | { ok: false; code: FetchArticleError['code']; message: string };

/**
 * Runs one {@link ExtractTask}. A refusal comes back as data: an error's own
 * fields do not survive the thread boundary.
 *
 * @example
 * const outcome = await pool.run(task, { transferList: [task.started] });
 */
export default function extract(task: ExtractTask): ExtractOutcome {
  task.started.postMessage('started');
  task.started.close();
  try {
    return { ok: true, article: extractArticle(task.html, task.url) };
  } catch (error) {
    if (error instanceof FetchArticleError) {
      return { ok: false, code: error.code, message: error.message };
    }
    throw error;
  }
}
