/**
 * Extracting fetched pages off the thread that talks to Discord, with a hard
 * time limit: the worker reading a page is ended when the limit passes.
 */
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import { FetchArticleError, type FetchedArticle } from '../sources/fetch-article.ts';
import type { ExtractOutcome, ExtractTask } from './extract-worker.ts';
import { BACKGROUND_NICENESS, createPool } from './pool.ts';

/** The time a page may take to read once its worker starts on it (`SOURCE_EXTRACT_TIMEOUT_MS`). */
export const DEFAULT_EXTRACT_TIMEOUT_MS = 5000;

let pool: Piscina<ExtractTask, ExtractOutcome> | null = null;

/** The pool, started on first use: most runs never fetch a page. Idle threads do not keep the process alive. */
function extractionPool(): Piscina<ExtractTask, ExtractOutcome> {
  pool ??= createPool<ExtractTask, ExtractOutcome>({
    module: new URL('./extract-worker.ts', import.meta.url),
    niceIncrement: BACKGROUND_NICENESS,
    idleTimeoutMs: 30_000,
    maxThreads: Math.max(1, Math.min(2, availableParallelism() - 1)),
  });
  return pool;
}

/**
 * Extracts an article from a page in a worker thread (see `extractArticle`).
 * The limit counts from when the worker starts on the page; past it, the
 * worker is ended and the page refused.
 *
 * @throws {FetchArticleError} `too-slow` past the limit, or the extraction's own refusal
 * @example
 * const article = await extractInWorker(html, 'https://news.example/a', { timeLimitMs: 5000 });
 */
export async function extractInWorker(
  html: string,
  url: string,
  { timeLimitMs = DEFAULT_EXTRACT_TIMEOUT_MS }: { timeLimitMs?: number } = {},
): Promise<Omit<FetchedArticle, 'url'>> {
  const { port1, port2 } = new MessageChannel();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  void once(port1, 'message').then(() => {
    timer = setTimeout(() => controller.abort(), timeLimitMs);
  });
  let outcome: ExtractOutcome;
  try {
    outcome = await extractionPool().run(
      { html, url, started: port2 },
      { transferList: [port2], signal: controller.signal },
    );
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    throw new FetchArticleError(
      'too-slow',
      `${url} took too long to read (more than ${formatSeconds(timeLimitMs)} of work)`,
    );
  } finally {
    clearTimeout(timer);
    port1.close();
  }
  if (!outcome.ok) throw new FetchArticleError(outcome.code, outcome.message);
  return outcome.article;
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
