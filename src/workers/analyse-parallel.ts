/**
 * A cold build's analysis spread over the cores: the build worker hands
 * batches of passages to analysis worker threads and reads batches itself,
 * each taking the next batch when done, so a slow thread holds up no one.
 */
import { setImmediate } from 'node:timers/promises';
import { analysePassage, type PassageAnalysis } from '../search/analysis.ts';
import { BACKGROUND_NICENESS, createPool } from './pool.ts';

/** Options for {@link analyseInParallel}. */
export interface ParallelOptions {
  /** Worker threads beside this one. */
  helpers: number;
  /** Fewer texts than this are read on this thread alone: starting a thread and its model costs about a second. */
  from: number;
  /** Texts per batch. */
  batch: number;
}

/** From 2,000 passages to read (a cold build, or most of the corpus changed), in batches of 250. */
export const PARALLEL_DEFAULTS = { from: 2_000, batch: 250 } as const;

/**
 * The analyses of `texts`, in order, read by this thread and `options.helpers`
 * worker threads.
 *
 * @throws when a helper thread fails (killed, out of memory): the build fails, and the serving index stays.
 *
 * @example
 * const analyses = await analyseInParallel(texts, { helpers: 1, ...PARALLEL_DEFAULTS });
 */
export async function analyseInParallel(
  texts: ReadonlyArray<string>,
  options: ParallelOptions,
): Promise<PassageAnalysis[]> {
  if (options.helpers < 1 || texts.length < options.from) return texts.map(analysePassage);
  const batches: string[][] = [];
  for (let i = 0; i < texts.length; i += options.batch) {
    batches.push(texts.slice(i, i + options.batch));
  }
  const results: PassageAnalysis[][] = new Array(batches.length);
  let next = 0;
  let failed = false;
  const pool = createPool<string[], PassageAnalysis[]>({
    module: new URL('./analysis-worker.ts', import.meta.url),
    maxThreads: options.helpers,
    niceIncrement: BACKGROUND_NICENESS,
  });
  const helper = async () => {
    for (let at = next++; at < batches.length; at = next++) {
      results[at] = await pool.run(batches[at] as string[]).catch((error: unknown) => {
        failed = true;
        throw error;
      });
    }
  };
  const here = async () => {
    for (let at = next++; at < batches.length && !failed; at = next++) {
      results[at] = (batches[at] as string[]).map(analysePassage);
      // Lets the helpers' results in, and their next batches out.
      await setImmediate();
    }
  };
  try {
    await Promise.all([...Array.from({ length: options.helpers }, helper), here()]);
  } finally {
    await pool.destroy();
  }
  return results.flat();
}
