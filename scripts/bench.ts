/**
 * Speed and memory of the bot's index and answering next to raw MiniSearch,
 * on the same corpus and the same queries, at several corpus sizes (see
 * `scripts/lib/bench-corpus.ts`). Each size runs in its own process, so one
 * size's caches and heap do not colour the next, and a size that runs out of
 * memory is reported instead of ending the run.
 *
 *   npm run bench                        # seed, 1k, 10k, 100k, 1m
 *   npm run bench -- --quick             # seed, 1k, 10k
 *   npm run bench -- --sizes 10k,100k    # pick sizes (seed, 1k, 10k, 100k, 1m)
 *   npm run bench -- --json bench.json   # also write the figures as JSON
 *   npm run bench -- --check             # exit 1 when a target is missed or a size fails
 *   npm run bench -- --workers off       # skip the worker-thread refresh (default 100k beside 60k;
 *                                        # 10k beside 6k with --quick)
 *   npm run bench -- --sizes seed --workers refresh   # of those, only the refresh times beside
 *                                        # raw MiniSearch (60k; 6k with --quick), not the event loop at 100k
 *
 * Exit codes: 0 measured (and with --check, every target met), 1 a target
 * missed or a size not measured (with --check), 2 a wrong argument.
 * Needs `node --expose-gc` (the npm script passes it) to measure the heap.
 */
import { fork } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCorpus } from '../src/corpus/load.ts';
import { budgetsVerdict, formatBudgets, measureBudgets } from './lib/bench-budgets.ts';
import { benchCorpus, countPassages } from './lib/bench-corpus.ts';
import { measureSize, type SizeFigures } from './lib/bench-measure.ts';
import { checkTargets, formatReport, type SizeFailure } from './lib/bench-report.ts';
import {
  formatWorkers,
  measureWorkers,
  WORKER_TARGETS,
  type WorkerFigures,
} from './lib/bench-workers.ts';
import { loadSotuArticles } from './lib/sotu.ts';

/** Corpus sizes in passages; `seed` is the seeds folder alone, which every size includes. */
const SIZES: Readonly<Record<string, number | 'seed'>> = {
  seed: 'seed',
  '1k': 1_000,
  '10k': 10_000,
  '100k': 100_000,
  '1m': 1_000_000,
};
const QUICK_SIZES = ['seed', '1k', '10k'];
/**
 * The worker-thread refresh: the size whose refresh the event loop is watched
 * through, and the smaller one refreshed beside raw MiniSearch (issue 14's 100k and 60k).
 */
const WORKER_SIZES = { full: [100_000, 60_000], quick: [10_000, 6_000] } as const;

const USAGE =
  'Usage: npm run bench -- [--quick | --sizes seed,1k,10k,100k,1m] [--workers off|refresh] [--json file] [--check]\n';

let values: ReturnType<typeof readArguments>;
try {
  values = readArguments();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}

function readArguments() {
  return parseArgs({
    options: {
      sizes: { type: 'string' },
      quick: { type: 'boolean', default: false },
      json: { type: 'string' },
      check: { type: 'boolean', default: false },
      workers: { type: 'string' },
      child: { type: 'string' },
    },
  }).values;
}

if (values.child) {
  await runChild(values.child);
} else {
  await runAll();
}

async function runAll(): Promise<void> {
  const sizes = values.quick
    ? QUICK_SIZES
    : (values.sizes?.split(',').map((s) => s.trim().toLowerCase()) ?? Object.keys(SIZES));
  const unknown = sizes.filter((size) => !(size in SIZES));
  if (unknown.length > 0) {
    process.stderr.write(
      `Unknown size ${unknown.join(', ')}; use some of ${Object.keys(SIZES).join(', ')}.\n`,
    );
    process.exit(2);
  }
  if (values.workers !== undefined && values.workers !== 'off' && values.workers !== 'refresh') {
    process.stderr.write(`--workers takes "off" or "refresh", got "${values.workers}".\n${USAGE}`);
    process.exit(2);
  }
  const started = performance.now();
  const results: Array<SizeFigures | SizeFailure> = [];
  for (const size of sizes) results.push(await runSize(size));
  const workers = values.workers === 'off' ? null : await runWorkers();
  const budgets = await measureBudgets(fileURLToPath(new URL('../seeds', import.meta.url)));
  const header = [
    `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, flags: ${process.execArgv.join(' ') || 'none'}`,
    `whole run: ${((performance.now() - started) / 1000).toFixed(1)} s`,
    'raw MiniSearch: `new MiniSearch({ fields: ["text"] })`, `addAll` of `{ id, text }` paragraphs, ' +
      '`search(q)`, `autoSuggest(prefix)`; snapshot = `JSON.stringify` / `loadJSON` in memory',
    'bot: `buildIndex` + `answer`; autocomplete `completeQuery`; snapshot = `saveSnapshot` / ' +
      '`loadSnapshot` through a gzipped file',
    'queries: the dev question set plus keyword queries drawn from the corpus text',
  ];
  process.stdout.write(`${formatReport(results, header)}\n`);
  if (workers) {
    process.stdout.write(
      'error' in workers
        ? `## Index work on worker threads: not measured\n\n${workers.error}\n`
        : `${formatWorkers(workers).join('\n')}\n`,
    );
  }
  process.stdout.write(`\n${formatBudgets(budgets).join('\n')}\n`);
  if (values.json) {
    await writeFile(
      values.json,
      `${JSON.stringify({ header, results, workers, budgets }, null, 2)}\n`,
    );
  }
  if (values.check) {
    const verdicts = [checkVerdict(results), workersVerdict(workers), budgetsVerdict(budgets)];
    process.exitCode = Math.max(...verdicts);
  }
}

/**
 * For `--check`: 1, naming each, when a target is missed or a size could not
 * be measured; else 0.
 */
function checkVerdict(results: ReadonlyArray<SizeFigures | SizeFailure>): number {
  const missed = checkTargets(results).filter((check) => !check.met);
  const failed = results.filter((result) => 'error' in result);
  for (const check of missed) {
    process.stderr.write(
      `Target missed: ${check.size} ${check.name} is ${check.value}, the target ${check.limit}.\n`,
    );
  }
  for (const result of failed) process.stderr.write(`Not measured: ${result.size}.\n`);
  return missed.length + failed.length > 0 ? 1 : 0;
}

/** For `--check`: 1, naming each, when a worker-thread target is missed or was not measured. */
function workersVerdict(workers: WorkerFigures | SizeFailure | null): number {
  if (workers === null) return 0;
  if ('error' in workers) {
    process.stderr.write('Not measured: index work on worker threads.\n');
    return 1;
  }
  const missed = [
    workers.loopDelayMaxMs > WORKER_TARGETS.loopDelayMaxMs &&
      `main event-loop delay max ${workers.loopDelayMaxMs.toFixed(1)} ms > ${WORKER_TARGETS.loopDelayMaxMs} ms`,
    workers.refreshMs / workers.rawBuildMs > WORKER_TARGETS.refreshRatio &&
      `refresh ${(workers.refreshMs / workers.rawBuildMs).toFixed(2)}× raw MiniSearch > ${WORKER_TARGETS.refreshRatio}×`,
    workers.refreshChangedMs / workers.rawBuildMs > WORKER_TARGETS.refreshRatio &&
      `refresh of one changed article ${(workers.refreshChangedMs / workers.rawBuildMs).toFixed(2)}× raw MiniSearch > ${WORKER_TARGETS.refreshRatio}×`,
  ].filter((line): line is string => typeof line === 'string');
  for (const line of missed) process.stderr.write(`Target missed: ${line}.\n`);
  return missed.length > 0 ? 1 : 0;
}

/** Measures the worker-thread refresh in a child process, as a size is. */
function runWorkers(): Promise<WorkerFigures | SizeFailure> {
  return runChildProcess<WorkerFigures>(
    values.workers === 'refresh' ? 'workers-refresh' : 'workers',
  );
}

/** Measures one size in a child process with this process's node flags. */
function runSize(size: string): Promise<SizeFigures | SizeFailure> {
  return runChildProcess<SizeFigures>(size);
}

/** Runs `--child <name>` with this process's node flags, and returns what it sends. */
function runChildProcess<T>(size: string): Promise<T | SizeFailure> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = fork(
      fileURLToPath(import.meta.url),
      ['--child', size, ...(values.quick ? ['--quick'] : [])],
      {
        execArgv: process.execArgv,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    let figures: T | undefined;
    child.on('message', (message) => {
      figures = message as T;
    });
    child.on('exit', (code, signal) => {
      const totalMs = performance.now() - started;
      if (figures) resolve(figures);
      else
        resolve({
          size,
          error: `the measuring process ended (${signal ?? `exit code ${code}`}) without figures; see its output above (an out-of-memory crash ends with "heap out of memory")`,
          totalMs,
        });
    });
  });
}

async function runChild(size: string): Promise<void> {
  if (size === 'workers' || size === 'workers-refresh') {
    await runWorkersChild(size === 'workers');
    return;
  }
  const wanted = SIZES[size];
  if (wanted === undefined) throw new Error(`unknown size ${size}`);
  const started = performance.now();
  const seeds = (await loadCorpus(fileURLToPath(new URL('../seeds', import.meta.url)))).articles;
  const articles = wanted === 'seed' ? seeds : benchCorpus(seeds, loadSotuArticles(), wanted);
  const corpusMs = performance.now() - started;
  process.stderr.write(`[bench] ${size}: ${countPassages(articles)} passages ready\n`);
  const figures = await measureSize(size, articles, corpusMs);
  process.send?.(figures);
}

/** `withDelay` false: only the refresh times, not the event loop during the larger refresh. */
async function runWorkersChild(withDelay: boolean): Promise<void> {
  const [delaySize, ratioSize] = values.quick ? WORKER_SIZES.quick : WORKER_SIZES.full;
  const seeds = (await loadCorpus(fileURLToPath(new URL('../seeds', import.meta.url)))).articles;
  const speeches = loadSotuArticles();
  const figures = await measureWorkers(
    withDelay ? () => benchCorpus(seeds, speeches, delaySize) : null,
    () => benchCorpus(seeds, speeches, ratioSize),
    (line) => process.stderr.write(`[bench] ${line}\n`),
  );
  process.send?.(figures);
}
