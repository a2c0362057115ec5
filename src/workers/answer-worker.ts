/**
 * An answer worker: holds a copy of the serving index, loaded from the file
 * the build worker wrote, and runs queries on it. While a refresh readies the
 * next edition it holds that one too, so questions asked before the swap are
 * answered from the old one and questions after it from the new one; the old
 * copy is let go once a question says the new one serves.
 */
import type { SearchIndex } from '../search/build.ts';
import { loadSnapshot } from '../search/snapshot.ts';
import { type IndexQuery, type QueryResult, runQuery } from './queries.ts';

/** An edition of the index, by its file. */
export interface EditionFile {
  generation: number;
  path: string;
  hash: string;
}

/** One query for an answer worker. */
export interface AnswerTask<Q extends IndexQuery = IndexQuery> {
  kind: 'query';
  edition: EditionFile;
  /** The generation the library serves now: older copies can go. */
  serving: number;
  query: Q;
  /**
   * Tests only: each query counts itself in slot 1, then waits while slot 0 is 0,
   * so a test can hold a query in a worker and end that worker.
   */
  gate: Int32Array | null;
}

/**
 * Loads an edition before the library swaps it in. The loading reads the file
 * in batches, so questions this worker takes meanwhile (it runs two tasks at
 * once) are answered between them, from the serving copy.
 */
export interface PreloadTask {
  kind: 'preload';
  edition: EditionFile;
  serving: number;
}

/** The copies held, by generation: the serving one, and the next while a refresh readies it. */
const held = new Map<number, { hash: string; index: SearchIndex }>();
/** Copies being loaded, so that two tasks needing the same one load it once. */
const loading = new Map<number, Promise<SearchIndex>>();

/**
 * Runs one {@link AnswerTask} or {@link PreloadTask}.
 *
 * @throws when the edition's file cannot be loaded (removed, damaged).
 * @example
 * const answer = await pool.run({ kind: 'query', edition, serving, query: { kind: 'answer', question, options: {} }, gate: null });
 */
export default async function answerQuery<Q extends IndexQuery>(
  task: AnswerTask<Q> | PreloadTask,
): Promise<QueryResult<Q> | null> {
  if (task.kind === 'preload') {
    // The first question also loads the synonym tables: not while a member waits.
    runQuery(await editionIndex(task.edition, task.serving), warmUp);
    return null;
  }
  const index = await editionIndex(task.edition, task.serving);
  if (task.gate) {
    Atomics.add(task.gate, 1, 1);
    Atomics.notify(task.gate, 1);
    Atomics.wait(task.gate, 0, 0);
  }
  return runQuery(index, task.query);
}

const warmUp = { kind: 'answer', question: 'warm up', options: {} } as const;

/**
 * The index of `edition`, loaded if this worker does not hold it; copies older
 * than both it and the serving one are let go first. A query for an edition
 * already let go (the library swapped twice meanwhile) gets the newest held.
 */
async function editionIndex(edition: EditionFile, serving: number): Promise<SearchIndex> {
  const oldest = Math.min(edition.generation, serving);
  for (const generation of held.keys()) if (generation < oldest) held.delete(generation);
  const copy = held.get(edition.generation);
  if (copy) return copy.index;
  const newest = Math.max(-1, ...held.keys());
  const newestCopy = held.get(newest);
  if (newestCopy && newest > edition.generation) return newestCopy.index;
  let load = loading.get(edition.generation);
  if (!load) {
    load = loadEdition(edition).finally(() => loading.delete(edition.generation));
    loading.set(edition.generation, load);
  }
  return load;
}

async function loadEdition(edition: EditionFile): Promise<SearchIndex> {
  // A refresh that changed nothing readies the same index again: the copy held answers for it.
  const same = [...held.values()].find((copy) => copy.hash === edition.hash);
  const index = same?.index ?? (await loadSnapshot(edition.path, edition.hash));
  if (!index) throw new Error(`The index of edition ${edition.generation} could not be loaded.`);
  held.set(edition.generation, { hash: edition.hash, index });
  return index;
}
