/**
 * Index work in worker threads, for the bot: one build worker readies each
 * edition (corpus, snapshot, index) and writes it to a file of its own; a pool
 * of answer workers each load a copy and answer from it. The thread that talks
 * to Discord only sends tasks and receives plain results.
 */
import { mkdtempSync } from 'node:fs';
import { rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import type { AnswerTask, EditionFile, PreloadTask } from './answer-worker.ts';
import type { BuildTask } from './build-worker.ts';
import {
  BuilderStoppedError,
  type EditionHandle,
  type EngineOutcome,
  type IndexEngine,
  type ServingEdition,
} from './engine.ts';
import { BACKGROUND_NICENESS, createPool } from './pool.ts';
import type { PrepareRequest } from './prepare.ts';
import type { IndexQuery, QueryResult } from './queries.ts';

/** Options for {@link WorkerEngine}. */
export interface WorkerEngineOptions {
  /** Answer worker threads (config `ANSWER_WORKERS`). */
  answerWorkers: number;
  /** Tests only: pauses in the workers (see {@link BuildTask.gate} and {@link AnswerTask.gate}). */
  gates?: { build?: Int32Array; answer?: Int32Array };
}

/**
 * Index work in worker threads.
 *
 * @example
 * const library = Library.start({ seedsDir: 'seeds', engine: new WorkerEngine({ answerWorkers: 2 }) });
 */
export class WorkerEngine implements IndexEngine {
  readonly #build: Piscina<BuildTask, EngineOutcome>;
  readonly #answer: Piscina<AnswerTask | PreloadTask, unknown>;
  /** Where the editions' files are written; removed on {@link close}. */
  readonly #dir = mkdtempSync(join(tmpdir(), 'talkbot-index-'));
  readonly #gates: NonNullable<WorkerEngineOptions['gates']>;
  /** Files of editions readied and not yet let go, by generation. */
  readonly #files = new Map<number, string>();
  #generation = 0;
  /** The generation the library serves, told to the answer workers so they let older copies go. */
  #serving = 0;

  constructor(options: WorkerEngineOptions) {
    this.#gates = options.gates ?? {};
    this.#build = createPool({
      module: new URL('./build-worker.ts', import.meta.url),
      maxThreads: 1,
      niceIncrement: BACKGROUND_NICENESS,
      // The thread stays: it holds the serving edition's index for the next refresh to update.
    });
    this.#answer = createPool({
      module: new URL('./answer-worker.ts', import.meta.url),
      maxThreads: options.answerWorkers,
      minThreads: options.answerWorkers,
      // A question can be answered while the thread loads a new edition in batches.
      concurrentTasksPerWorker: 2,
    });
  }

  async prepare(
    request: Omit<PrepareRequest, 'alwaysHash'>,
    serving: ServingEdition | null,
  ): Promise<EngineOutcome> {
    this.#generation += 1;
    const generation = this.#generation;
    const file = join(this.#dir, `edition-${generation}.snapshot`);
    let outcome: EngineOutcome;
    try {
      outcome = await this.#build.run({
        request: { ...request, alwaysHash: true },
        serving:
          serving?.handle.path && serving.handle.hash !== null
            ? { path: serving.handle.path, hash: serving.handle.hash, digest: serving.digest }
            : null,
        file,
        generation,
        gate: this.#gates.build ?? null,
      });
    } catch (error) {
      await unlink(file).catch(() => {});
      throw new BuilderStoppedError(`the index builder stopped (${(error as Error).message})`);
    }
    if (outcome.status === 'ready') {
      this.#files.set(generation, file);
      await this.#preload(outcome.edition.handle);
    }
    return outcome;
  }

  /**
   * Has the answer workers load the edition (and warm up) before the library
   * swaps it in, so no member's question waits for that: one preload per
   * thread, sent together so each goes to a thread of its own. Each thread
   * answers questions between the batches it loads. A thread that missed its
   * preload, or failed it, loads the edition on its first question instead.
   */
  async #preload(handle: EditionHandle): Promise<void> {
    const edition = editionFile(handle);
    const task: PreloadTask = { kind: 'preload', edition, serving: this.#serving };
    const threads = this.#answer.maxThreads;
    await Promise.allSettled(Array.from({ length: threads }, () => this.#answer.run(task)));
  }

  async query<Q extends IndexQuery>(handle: EditionHandle, query: Q): Promise<QueryResult<Q>> {
    const task: AnswerTask = {
      kind: 'query',
      edition: editionFile(handle),
      serving: this.#serving,
      query,
      gate: this.#gates.answer ?? null,
    };
    return (await this.#answer.run(task)) as QueryResult<Q>;
  }

  serving(handle: EditionHandle): void {
    this.#serving = handle.generation;
    // The edition before stays: a worker started meanwhile may still be asked about it.
    for (const [generation, file] of this.#files) {
      if (generation >= handle.generation - 1) continue;
      this.#files.delete(generation);
      void unlink(file).catch(() => {});
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.#build.destroy(), this.#answer.destroy()]);
    await rm(this.#dir, { recursive: true, force: true });
  }

  /** Tests only: the threads now running, to end one as a crash would. */
  get threads(): { build: Worker[]; answer: Worker[] } {
    return { build: this.#build.threads, answer: this.#answer.threads };
  }
}

/** Where the answer workers load an edition from. */
function editionFile(handle: EditionHandle): EditionFile {
  if (!handle.path || handle.hash === null) {
    throw new Error('This edition is not held by the answer workers.');
  }
  return { generation: handle.generation, path: handle.path, hash: handle.hash };
}
