/**
 * Where the index work of a {@link Library} runs. The library keeps only what
 * it must answer at once (the article list, counts, a digest of the corpus);
 * the index itself lives in the engine: on the calling thread for the console,
 * the CLI and unit tests ({@link InlineEngine}), in worker threads for the bot
 * (`WorkerEngine` in `worker-engine.ts`).
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type LoadedCorpus, loadCorpus } from '../corpus/load.ts';
import type { FileProblem } from '../corpus/types.ts';
import { analysesByKey, type SearchIndex } from '../search/build.ts';
import { loadAnalyses, saveSnapshot } from '../search/snapshot.ts';
import {
  type CorpusChanges,
  catalogOf,
  compareDigests,
  corpusDigest,
  errorCode,
  type KeptArticle,
  type Prepared,
  type PrepareRequest,
  type PrepareSteps,
  prepareIndex,
  type SourceSummary,
} from './prepare.ts';
import { type IndexQuery, type QueryResult, runQuery } from './queries.ts';

/** Which index an edition is, for the engine that holds it. */
export interface EditionHandle {
  /** Counts up with every edition an engine readies. */
  generation: number;
  /** The corpus hash, when known. */
  hash: string | null;
  /** The index itself, when it lives on this thread. */
  index?: SearchIndex;
  /** The snapshot file the workers load it from, when it lives in workers. */
  path?: string;
}

/** A readied index as the library keeps it. */
export interface EditionSummary {
  handle: EditionHandle;
  /** The articles, for `/sources` and source names. */
  catalog: SourceSummary[];
  passages: number;
  /** See {@link corpusDigest}. */
  digest: string;
  from: 'snapshot' | 'built' | 'updated';
  problems: FileProblem[];
  /** Articles whose files became unusable, served from their last good version. */
  kept: KeptArticle[];
  /** What changed since the serving edition given to {@link IndexEngine.prepare} (everything, without one). */
  changes: CorpusChanges;
  /** Whether a snapshot was saved for other starts and shards. */
  saved: boolean;
  /** Why the snapshot could not be saved, when it could not. */
  saveError: string | null;
}

/** The edition serving when another is prepared: what changed is told against it, and its articles are kept when their files break. */
export interface ServingEdition {
  handle: EditionHandle;
  digest: string;
}

/** What {@link IndexEngine.prepare} yields. */
export type EngineOutcome =
  | { status: 'ready'; edition: EditionSummary }
  | Exclude<Prepared, { status: 'ready' }>;

/** Where indexes are readied and asked. */
export interface IndexEngine {
  /**
   * Readies an index as `request` says (see {@link prepareIndex}).
   *
   * @throws when the work itself failed (a worker that died); the serving edition is untouched.
   */
  prepare(
    request: Omit<PrepareRequest, 'alwaysHash'>,
    serving: ServingEdition | null,
  ): Promise<EngineOutcome>;
  /** Asks an edition's index. */
  query<Q extends IndexQuery>(handle: EditionHandle, query: Q): Promise<QueryResult<Q>>;
  /** The library now serves `handle`: editions older than the one before it may be let go. */
  serving(handle: EditionHandle): void;
  /** Stops the engine's threads and removes its files. */
  close(): Promise<void>;
}

/**
 * The library's summary of a prepared index, computed where the index is.
 *
 * @example
 * const edition = summarize(prepared, handle, previousDigest, { saved: false, saveError: null });
 */
export function summarize(
  prepared: Extract<Prepared, { status: 'ready' }>,
  handle: EditionHandle,
  previousDigest: string | null,
  snapshot: { saved: boolean; saveError: string | null },
): EditionSummary {
  const digest = corpusDigest(prepared.index.articles);
  return {
    handle,
    catalog: catalogOf(prepared.index),
    passages: prepared.index.passages.length,
    digest,
    from: prepared.from,
    problems: prepared.problems,
    kept: prepared.kept,
    changes: compareDigests(previousDigest ?? '', digest),
    ...snapshot,
  };
}

/** The build worker stopped before it finished (killed, out of memory, crashed); its message says so. */
export class BuilderStoppedError extends Error {}

/** Options for {@link InlineEngine}. */
export interface InlineEngineOptions {
  /** Reads the corpus folder; tests pass a slow or failing one. Default {@link loadCorpus}. */
  loadCorpus?: (dir: string) => Promise<LoadedCorpus>;
  /** Reads a passage whose analysis cannot be reused; tests count the calls. Default `analysePassage`. */
  analyse?: PrepareSteps['analyse'];
}

/**
 * Index work on the calling thread: for the console, the CLI and tests, where
 * nothing else waits on the thread.
 *
 * @example
 * const library = await Library.open({ seedsDir: 'seeds', engine: new InlineEngine() });
 */
export class InlineEngine implements IndexEngine {
  readonly #loadCorpus: (dir: string) => Promise<LoadedCorpus>;
  readonly #analyse: PrepareSteps['analyse'];
  #generation = 0;

  constructor(options: InlineEngineOptions = {}) {
    this.#loadCorpus = options.loadCorpus ?? loadCorpus;
    this.#analyse = options.analyse;
  }

  async prepare(
    request: Omit<PrepareRequest, 'alwaysHash'>,
    serving: ServingEdition | null,
  ): Promise<EngineOutcome> {
    const servingIndex = serving?.handle.index;
    const servingArticles = servingIndex?.articles ?? [];
    const { snapshotPath } = request;
    const prepared = await prepareIndex(
      { ...request, alwaysHash: false },
      {
        loadCorpus: this.#loadCorpus,
        lastGood: async (ids) => servingArticles.filter((article) => ids.includes(article.id)),
        // The serving index keeps its analyses (it was built, or loaded with them), else the snapshot's.
        reuse: async () =>
          servingIndex?.analyses
            ? analysesByKey(servingIndex.analyses)
            : snapshotPath
              ? await loadAnalyses(snapshotPath)
              : new Map(),
        ...(this.#analyse ? { analyse: this.#analyse } : {}),
      },
    );
    if (prepared.status !== 'ready') return prepared;
    const snapshot =
      prepared.from !== 'snapshot' && request.snapshotPath && prepared.hash !== null
        ? await writeSnapshot(request.snapshotPath, prepared.index, prepared.hash)
        : { saved: false, saveError: null };
    this.#generation += 1;
    const handle = { generation: this.#generation, hash: prepared.hash, index: prepared.index };
    return {
      status: 'ready',
      edition: summarize(prepared, handle, serving?.digest ?? null, snapshot),
    };
  }

  async query<Q extends IndexQuery>(handle: EditionHandle, query: Q): Promise<QueryResult<Q>> {
    if (!handle.index) throw new Error('This edition is not held on this thread.');
    return runQuery(handle.index, query);
  }

  serving(): void {
    // The library holds the only reference to an index; an old one goes with it.
  }

  async close(): Promise<void> {
    // Nothing runs beside the calling thread.
  }
}

/**
 * Saves a snapshot, creating its folder; a failure is returned, never thrown
 * (the next start rebuilds).
 *
 * @example
 * await writeSnapshot('.cache/index.snapshot', index, hash) // => { saved: true, saveError: null }
 */
export async function writeSnapshot(
  path: string,
  index: SearchIndex,
  hash: string,
): Promise<{ saved: boolean; saveError: string | null }> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await saveSnapshot(path, index, hash);
    return { saved: true, saveError: null };
  } catch (error) {
    return { saved: false, saveError: (error as Error).message ?? errorCode(error) };
  }
}
