/**
 * The build worker: reads the corpus, loads the snapshot or builds the index,
 * saves it, and returns what the library keeps, so none of that work runs on
 * the thread that talks to Discord. Its index is written to `task.file`, from
 * which the answer workers load their copies; the shared snapshot (for the next
 * start and the other shards) is a copy of it.
 *
 * The thread keeps the last index it readied, with its analyses: when the
 * next task's serving edition is that one, the refresh updates it in place
 * (`updateIndex`), so its cost follows what changed rather than the corpus's
 * size. Anything else (the first task, a thread started after one died, a
 * failed or unserved build, another process's snapshot) builds afresh.
 */
import { copyFile, mkdir, rename, unlink } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { loadCorpus } from '../corpus/load.ts';
import type { SearchIndex } from '../search/build.ts';
import { loadAnalyses, loadSnapshot, saveSnapshot } from '../search/snapshot.ts';
import { analyseInParallel, PARALLEL_DEFAULTS } from './analyse-parallel.ts';
import { type EngineOutcome, summarize } from './engine.ts';
import type { PrepareRequest } from './prepare.ts';
import { prepareIndex } from './prepare.ts';

/** One job for the build worker. */
export interface BuildTask {
  request: PrepareRequest;
  /** The edition serving now: its file (for last good versions) and digest (for what changed); null at the start. */
  serving: { path: string; hash: string; digest: string } | null;
  /** Where to write the index for the answer workers. */
  file: string;
  /** The edition number the library will give it. */
  generation: number;
  /**
   * Tests only: a build waits here after reading the corpus, with slot 1 set
   * to 1, until slot 0 is not 0 (see `Atomics.wait`).
   */
  gate: Int32Array | null;
}

/**
 * The index this thread readied last and the corpus hash it is of; null while
 * a task has taken it (an update changes it in place) and after a task failed.
 */
let held: { hash: string; index: SearchIndex } | null = null;

/**
 * Runs one {@link BuildTask}.
 *
 * @example
 * const outcome = await pool.run(task); // in the library's thread
 */
export default async function build(task: BuildTask): Promise<EngineOutcome> {
  const { gate, serving } = task;
  // Only an index of the serving edition may be updated: the answer workers hold that one.
  const current = serving && held?.hash === serving.hash ? held : null;
  held = null;
  const prepared = await prepareIndex(task.request, {
    loadCorpus,
    ...(current ? { held: current.index } : {}),
    snapshotAnalyses: true,
    lastGood: async (ids) => {
      const index = serving ? await loadSnapshot(serving.path, serving.hash) : null;
      return index?.articles.filter((article) => ids.includes(article.id)) ?? [];
    },
    // The serving edition's analyses, else the last snapshot's (a start after the files changed).
    reuse: async () => {
      const from = serving?.path ?? task.request.snapshotPath;
      return from ? await loadAnalyses(from) : new Map();
    },
    // A cold build reads on every core; a refresh's few new paragraphs are read here.
    analyseAll: (texts) =>
      analyseInParallel(texts, { helpers: availableParallelism() - 1, ...PARALLEL_DEFAULTS }),
    ...(gate ? { beforeIndexing: () => holdAt(gate) } : {}),
  });
  if (prepared.status !== 'ready') {
    // Nothing was built: the serving edition's index is as it was.
    held = current;
    return prepared;
  }
  if (prepared.hash === null) throw new Error('The build worker needs the corpus hash.');
  const { snapshotPath } = task.request;
  let snapshot = { saved: false, saveError: null as string | null };
  if (serving && prepared.index === current?.index && prepared.hash === serving.hash) {
    // Nothing changed: the serving edition's file is this one's.
    await copyFile(serving.path, task.file);
    if (snapshotPath) snapshot = await publish(task.file, snapshotPath);
  } else if (prepared.from !== 'snapshot') {
    await saveSnapshot(task.file, prepared.index, prepared.hash);
    if (snapshotPath) snapshot = await publish(task.file, snapshotPath);
  } else if (snapshotPath) {
    await copyFile(snapshotPath, task.file);
  }
  if (prepared.index.analyses) held = { hash: prepared.hash, index: prepared.index };
  const handle = { generation: task.generation, hash: prepared.hash, path: task.file };
  return {
    status: 'ready',
    edition: summarize(prepared, handle, serving?.digest ?? null, snapshot),
  };
}

/** Copies the worker's file over the shared snapshot atomically, as {@link saveSnapshot} writes. */
async function publish(
  file: string,
  snapshotPath: string,
): Promise<{ saved: boolean; saveError: string | null }> {
  const temporary = join(dirname(snapshotPath), `.${basename(snapshotPath)}.${process.pid}.copy`);
  try {
    await mkdir(dirname(snapshotPath), { recursive: true });
    await copyFile(file, temporary);
    await rename(temporary, snapshotPath);
    return { saved: true, saveError: null };
  } catch (error) {
    await unlink(temporary).catch(() => {});
    return { saved: false, saveError: (error as Error).message };
  }
}

/** Tests' pause: says it is here (slot 1), then blocks this worker until released (slot 0). */
function holdAt(gate: Int32Array): void {
  Atomics.store(gate, 1, 1);
  Atomics.notify(gate, 1);
  Atomics.wait(gate, 0, 0);
}
