/**
 * An answer worker: holds one copy of the serving index, loaded from the file
 * the build worker wrote, and runs queries on it. A query for a newer edition
 * loads that edition first; one for an older edition is answered from the
 * newer copy (the library swapped meanwhile).
 */
import type { SearchIndex } from '../search/build.ts';
import { loadSnapshot } from '../search/snapshot.ts';
import { type IndexQuery, type QueryResult, runQuery } from './queries.ts';

/** One query for an answer worker. */
export interface AnswerTask<Q extends IndexQuery = IndexQuery> {
  edition: { generation: number; path: string; hash: string };
  query: Q;
  /**
   * Tests only: each query counts itself in slot 1, then waits while slot 0 is 0,
   * so a test can hold a query in a worker and end that worker.
   */
  gate: Int32Array | null;
}

let held: { generation: number; index: SearchIndex } | null = null;

/**
 * Runs one {@link AnswerTask}.
 *
 * @throws when the edition's file cannot be loaded (removed, damaged).
 * @example
 * const answer = await pool.run({ edition, query: { kind: 'answer', question, options: {} }, gate: null });
 */
export default async function answerQuery<Q extends IndexQuery>(
  task: AnswerTask<Q>,
): Promise<QueryResult<Q>> {
  if (!held || held.generation < task.edition.generation) {
    const index = await loadSnapshot(task.edition.path, task.edition.hash);
    if (!index)
      throw new Error(`The index of edition ${task.edition.generation} could not be loaded.`);
    held = { generation: task.edition.generation, index };
  }
  if (task.gate) {
    Atomics.add(task.gate, 1, 1);
    Atomics.notify(task.gate, 1);
    Atomics.wait(task.gate, 0, 0);
  }
  return runQuery(held.index, task.query);
}
