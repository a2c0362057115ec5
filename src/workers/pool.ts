/**
 * The one way talkbot starts worker threads: a piscina pool over one of the
 * task modules in this folder. Workers run TypeScript: under `tsx` (`npm
 * start`), `node --import tsx` (`npm run bench`) and vitest alike, tsx's
 * loader is registered in each worker (see {@link workerExecArgv}).
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';

/**
 * The lower priority of background work (building an index, reading a fetched
 * page): it may take longer on a busy machine, but members' interactions and
 * answers go first.
 */
export const BACKGROUND_NICENESS = 10;

/** Options for {@link createPool}. */
export interface PoolOptions {
  /** The task module, as a URL beside this file (`new URL('./answer-worker.ts', import.meta.url)`). */
  module: URL;
  /** Most threads. */
  maxThreads: number;
  /** Threads kept running while idle. Default 0. */
  minThreads?: number;
  /**
   * How long a thread beyond `minThreads` stays idle before it ends, giving its
   * memory back. Default: it stays (starting one costs the TypeScript loader).
   */
  idleTimeoutMs?: number;
  /**
   * How much lower the threads' scheduling priority is than the process's
   * (Linux `nice`), so that background work yields the CPU to the thread that
   * talks to Discord. Default 0.
   */
  niceIncrement?: number;
  /** Tasks a thread runs at once (its asynchronous ones interleave). Default 1. */
  concurrentTasksPerWorker?: number;
  /** Heap limits of each thread; a thread over them ends, and its task fails. */
  resourceLimits?: { maxOldGenerationSizeMb?: number };
}

/**
 * A pool of worker threads running `options.module`'s default export.
 *
 * @example
 * const pool = createPool<AnswerTask, unknown>({ module: new URL('./answer-worker.ts', import.meta.url), maxThreads: 2 });
 * await pool.run(task);
 */
export function createPool<Task, Result>(options: PoolOptions): Piscina<Task, Result> {
  return new Piscina<Task, Result>({
    filename: options.module.href,
    maxThreads: options.maxThreads,
    minThreads: options.minThreads ?? 0,
    idleTimeout: options.idleTimeoutMs ?? Number.POSITIVE_INFINITY,
    execArgv: workerExecArgv(),
    niceIncrement: options.niceIncrement ?? 0,
    concurrentTasksPerWorker: options.concurrentTasksPerWorker ?? 1,
    ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
  });
}

/**
 * Registers tsx's loader in a worker, through its API: tsx's own flags, which
 * a worker inherits from a process started with `tsx`, do not load a worker's
 * TypeScript modules (their ESM hooks are not registered in worker threads).
 */
const REGISTER_TSX = `data:text/javascript,import{register}from${JSON.stringify(import.meta.resolve('tsx/esm/api'))};register();`;

/**
 * The Node flags a worker starts with: only tsx's loader, so it runs
 * TypeScript under `tsx` (`npm start`), `node --import tsx` (bench) and
 * vitest alike. The process's own flags are not passed on: some are refused
 * in a worker (`--expose-gc`, `--max-old-space-size`; a worker's heap is set
 * by `resourceLimits`), and tsx's do not work there.
 *
 * @example
 * workerExecArgv() // => ['--import', 'data:text/javascript,import{register}…']
 */
export function workerExecArgv(): string[] {
  return ['--import', REGISTER_TSX];
}

/**
 * The default size of the answer pool: one thread per core.
 *
 * @example
 * defaultAnswerWorkers() // => 2 on a two-core machine
 */
export function defaultAnswerWorkers(): number {
  return availableParallelism();
}
