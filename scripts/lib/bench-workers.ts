/**
 * The bot's index work on worker threads, as `npm run bench` measures it:
 * the delay of the main thread's event loop while a refresh rebuilds a large
 * corpus in the build worker, the time of a first (cold) build and of
 * refreshes beside raw MiniSearch building the same paragraphs, and what one
 * answer worker holding the index costs in memory.
 */
import { appendFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout } from 'node:timers/promises';
import MiniSearch from 'minisearch';
import type { Article } from '../../src/corpus/types.ts';
import { Library } from '../../src/library/library.ts';
import { refreshSentence } from '../../src/replies/library-reports.ts';
import { WorkerEngine } from '../../src/workers/worker-engine.ts';
import { countPassages, plainDocuments } from './bench-corpus.ts';

/** What {@link measureWorkers} found. */
export interface WorkerFigures {
  /** The corpus refreshed while the event loop was watched. */
  delayPassages: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** The same measure over 10 s with no refresh: what the machine itself adds (other processes, GC). */
  idleLoopDelayP99Ms: number;
  idleLoopDelayMaxMs: number;
  /** That refresh, start to swap. */
  delayRefreshMs: number;
  /** Resident memory one answer worker adds once it holds that corpus's index. */
  answerWorkerRssBytes: number;
  /** The corpus of the refresh-time comparison. */
  ratioPassages: number;
  /** The first build of that corpus, start to serving: every passage analysed (no snapshot). */
  coldBuildMs: number;
  /** A refresh with no file changed: every analysis reused. */
  refreshMs: number;
  /** A refresh after a moderator changed one article (a paragraph added): one passage analysed. */
  refreshChangedMs: number;
  /** Raw MiniSearch building the same paragraphs, the mean of {@link rawBuildRunsMs}. */
  rawBuildMs: number;
  /** Raw MiniSearch's build, just before the bot's first build and just after its refreshes. */
  rawBuildRunsMs: number[];
  /** The one-minute load average at the start and end of the comparison: the machine is shared. */
  loadAverages: number[];
}

/** How long the event loop is watched with no refresh, for comparison. */
const IDLE_SPAN_MS = 10_000;

/** The targets of issue 14: event-loop max ≤ 100 ms, refresh ≤ 1.5× raw MiniSearch. */
export const WORKER_TARGETS = { loopDelayMaxMs: 100, refreshRatio: 1.5 };

/**
 * Measures refreshes on worker threads at two corpus sizes (written as files,
 * as a bot reads them); the event loop is not watched when `delayCorpus` is null. Each corpus is made, written and let go before its
 * library starts, so this thread holds what a bot's would: the article list,
 * not the articles (a heap of them would time its own garbage collection).
 *
 * @example
 * const figures = await measureWorkers(() => corpusOf(100_000), () => corpusOf(60_000), log);
 * figures.loopDelayMaxMs // => a few ms
 */
export async function measureWorkers(
  delayCorpus: (() => Article[]) | null,
  ratioCorpus: () => Article[],
  progress: (line: string) => void,
): Promise<WorkerFigures> {
  const delay = delayCorpus
    ? await measureDelay(delayCorpus, progress)
    : { passages: 0, startMs: Number.NaN, result: NOT_MEASURED };
  const loadAverages = [loadavg()[0] ?? 0];
  progress('workers: raw MiniSearch on the same paragraphs');
  const rawBefore = rawBuild(ratioCorpus);
  const ratio = await withLibrary(ratioCorpus, progress, async (library, _engine, seedsDir) => {
    const unchanged = await refreshed(library);
    await changeArticles(seedsDir, 1);
    const changed = await refreshed(library);
    return { unchanged, changed };
  });
  progress('workers: raw MiniSearch on the same paragraphs, again');
  const rawAfter = rawBuild(ratioCorpus);
  loadAverages.push(loadavg()[0] ?? 0);
  return {
    delayPassages: delay.passages,
    ...delay.result,
    ratioPassages: ratio.passages,
    coldBuildMs: ratio.startMs,
    refreshMs: ratio.result.unchanged,
    refreshChangedMs: ratio.result.changed,
    rawBuildMs: (rawBefore + rawAfter) / 2,
    rawBuildRunsMs: [rawBefore, rawAfter],
    loadAverages,
  };
}

/** The delay figures when the event loop was not watched (`--workers refresh`). */
const NOT_MEASURED = {
  loopDelayP99Ms: Number.NaN,
  loopDelayMaxMs: Number.NaN,
  idleLoopDelayP99Ms: Number.NaN,
  idleLoopDelayMaxMs: Number.NaN,
  delayRefreshMs: Number.NaN,
  answerWorkerRssBytes: Number.NaN,
};

/** The main thread's event-loop delay during a refresh of a large corpus, and an answer worker's memory. */
function measureDelay(delayCorpus: () => Article[], progress: (line: string) => void) {
  return withLibrary(delayCorpus, progress, async (library, engine, seedsDir) => {
    const idle = monitorEventLoopDelay({ resolution: 1 });
    idle.enable();
    await setTimeout(IDLE_SPAN_MS);
    idle.disable();
    // Every article changed: the build worker cannot update the index it holds, and builds it whole.
    await changeArticles(seedsDir, Number.POSITIVE_INFINITY);
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const report = await library.refresh();
    loop.disable();
    if (report.status !== 'done')
      throw new Error(`refresh ${report.status}: ${refreshSentence(report)}`);
    const memory = await answerWorkerRss(library, engine);
    return {
      loopDelayP99Ms: loop.percentile(99) / 1e6,
      loopDelayMaxMs: loop.max / 1e6,
      idleLoopDelayP99Ms: idle.percentile(99) / 1e6,
      idleLoopDelayMaxMs: idle.max / 1e6,
      delayRefreshMs: report.durationMs,
      answerWorkerRssBytes: memory,
    };
  });
}

/** Raw MiniSearch building a corpus's paragraphs, in ms; the corpus is made first and let go after. */
function rawBuild(corpus: () => Article[]): number {
  const documents = plainDocuments(corpus());
  collectGarbage();
  const started = performance.now();
  new MiniSearch<{ id: number; text: string }>({ fields: ['text'] }).addAll(documents);
  return performance.now() - started;
}

/** A refresh's time, start to swap; it must succeed. */
async function refreshed(library: Library): Promise<number> {
  const report = await library.refresh();
  if (report.status !== 'done') {
    throw new Error(`refresh ${report.status}: ${refreshSentence(report)}`);
  }
  return report.durationMs;
}

/** What a moderator's edit does to an article, here to the first `count` after the first: a paragraph added at its end. */
async function changeArticles(seedsDir: string, count: number): Promise<void> {
  const files = (await readdir(seedsDir))
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .slice(1, 1 + count);
  if (files.length === 0) throw new Error('the bench corpus has no second article');
  for (const file of files) {
    await appendFile(
      join(seedsDir, file),
      '\nA moderator added this paragraph about the harbour tolls paid in 1921.',
    );
  }
}

/**
 * The figures as Markdown lines, with the targets.
 *
 * @example
 * process.stdout.write(formatWorkers(figures).join('\n'));
 */
export function formatWorkers(figures: WorkerFigures): string[] {
  const limit = figures.rawBuildMs * WORKER_TARGETS.refreshRatio;
  const times = (ms: number) => `${(ms / figures.rawBuildMs).toFixed(2)}×`;
  const verdict = (met: boolean) => (met ? 'met' : '**missed**');
  return [
    '## Index work on worker threads',
    '',
    '| figure | measured | target | |',
    '|---|---|---|---|',
    ...(figures.delayPassages > 0 ? delayRows(figures, verdict) : []),
    `| raw MiniSearch building the same ${figures.ratioPassages} paragraphs (before; after) | ${figures.rawBuildRunsMs.map(Math.round).join('; ')} ms | | |`,
    `| first build, start to serving (read, analyse all, build, save, answer worker loaded) | ${Math.round(figures.coldBuildMs)} ms: ${times(figures.coldBuildMs)} raw | | |`,
    `| refresh, nothing changed (read, hash; the build worker's index and the answer worker's copy serve on) | ${Math.round(figures.refreshMs)} ms: ${times(figures.refreshMs)} raw | ≤ ${WORKER_TARGETS.refreshRatio}× | ${verdict(figures.refreshMs <= limit)} |`,
    `| refresh, one article changed (read, hash, the build worker's index updated, save, answer worker loaded) | ${Math.round(figures.refreshChangedMs)} ms: ${times(figures.refreshChangedMs)} raw | ≤ ${WORKER_TARGETS.refreshRatio}× | ${verdict(figures.refreshChangedMs <= limit)} |`,
    `| load average (1 min) at the start and end of these | ${figures.loadAverages.map((load) => load.toFixed(1)).join(', ')} | | |`,
    '',
  ];
}

/**
 * Writes a corpus as article files and lets it go, then runs `use` on a
 * library over them on worker threads (its first build done), and cleans up.
 */
async function withLibrary<T>(
  corpus: () => Article[],
  progress: (line: string) => void,
  use: (library: Library, engine: WorkerEngine, seedsDir: string) => Promise<T>,
): Promise<{ passages: number; startMs: number; result: T }> {
  const seedsDir = await mkdtemp(join(tmpdir(), 'talkbot-bench-workers-'));
  const passages = await writeCorpus(seedsDir, corpus);
  progress(`workers: ${passages} passages written; the library builds them, then refreshes`);
  collectGarbage();
  const started = performance.now();
  const engine = new WorkerEngine({ answerWorkers: 1 });
  const library = Library.start({ seedsDir, engine });
  try {
    await library.ready;
    const startMs = performance.now() - started;
    collectGarbage();
    return { passages, startMs, result: await use(library, engine, seedsDir) };
  } finally {
    await library.close();
    await rm(seedsDir, { recursive: true, force: true });
  }
}

/** The rows of the event-loop and memory figures, when they were measured. */
function delayRows(figures: WorkerFigures, verdict: (met: boolean) => string): string[] {
  return [
    `| main event-loop delay during a refresh of ${figures.delayPassages} passages that builds the index whole (every article but the first changed), p99 | ${figures.loopDelayP99Ms.toFixed(1)} ms | | |`,
    `| main event-loop delay during that refresh, max | ${figures.loopDelayMaxMs.toFixed(1)} ms | ≤ ${WORKER_TARGETS.loopDelayMaxMs} ms | ${verdict(figures.loopDelayMaxMs <= WORKER_TARGETS.loopDelayMaxMs)} |`,
    `| the same with no refresh, over ${IDLE_SPAN_MS / 1000} s: p99 / max | ${figures.idleLoopDelayP99Ms.toFixed(1)} / ${figures.idleLoopDelayMaxMs.toFixed(1)} ms | | |`,
    `| that refresh, start to swap | ${Math.round(figures.delayRefreshMs)} ms | | |`,
    `| resident memory of one answer worker holding that index | ${(figures.answerWorkerRssBytes / 2 ** 20).toFixed(0)} MiB | | |`,
  ];
}

/**
 * Writes articles as a corpus folder: `<id>.txt`, one paragraph a line, and a sidecar.
 *
 * @example
 * await writeArticleFiles(dir, benchCorpus(seeds, loadSotuArticles(), 60_000));
 */
export async function writeArticleFiles(
  dir: string,
  articles: ReadonlyArray<Article>,
): Promise<void> {
  for (const article of articles) {
    // Bench variants are named `id~n`; article file names allow letters, digits, `-`, `_`, `.`.
    const id = article.id.replaceAll('~', '-v');
    await writeFile(join(dir, `${id}.txt`), article.paragraphs.map((p) => p.text).join('\n'));
    const { title, publisher, published } = article;
    await writeFile(
      join(dir, `${id}.json`),
      JSON.stringify({ title: article.titleDerived ? undefined : title, publisher, published }),
    );
  }
}

/** Makes the corpus, writes it, and returns its passage count: the articles go out of scope here. */
async function writeCorpus(dir: string, corpus: () => Article[]): Promise<number> {
  const articles = corpus();
  await writeArticleFiles(dir, articles);
  return countPassages(articles);
}

function collectGarbage(): void {
  const gc = globalThis.gc;
  if (!gc) throw new Error('the bench needs node --expose-gc');
  gc();
}

/**
 * What one answer worker adds to the process's resident memory once it has
 * loaded the serving index: measured with the build worker ended and after
 * collecting the main thread's garbage, before and after the first question.
 */
async function answerWorkerRss(library: Library, engine: WorkerEngine): Promise<number> {
  await Promise.all(engine.threads.build.map((worker) => worker.terminate()));
  await Promise.all(engine.threads.answer.map((worker) => worker.terminate()));
  collectGarbage();
  const before = process.memoryUsage().rss;
  await library.answer('Who led Ukraine’s delegation?');
  collectGarbage();
  return process.memoryUsage().rss - before;
}
