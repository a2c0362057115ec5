/**
 * The edition now serving: its article list and counts, and the handle its
 * engine answers from. A new edition is swapped in whole with one assignment,
 * so a question asked meanwhile is answered from the old one.
 */
import type { EditionSummary, IndexEngine } from '../workers/engine.ts';
import type { SourceSummary } from '../workers/prepare.ts';
import type { IndexQuery, QueryResult } from '../workers/queries.ts';

/** An edition as it serves: the corpus and its index, always swapped together. */
export interface Edition extends EditionSummary {
  loadedAt: Date;
}

/** Whether the library serves yet: `Library.start` returns before its index is ready. */
export type LibraryState =
  | {
      state: 'loading';
      since: Date;
      /** When it should be ready, from how long the last start took; null when unknown. */
      readyBy: Date | null;
    }
  | { state: 'ready' }
  | { state: 'failed'; error: string };

/**
 * Holds the serving edition and asks its engine about it.
 *
 * @example
 * const store = new EditionStore(new InlineEngine(), Date.now);
 * store.serve(edition);
 * await store.query({ kind: 'answer', question: 'Who led the talks?', options: {} });
 */
export class EditionStore {
  #edition: Edition | null = null;
  #state: LibraryState;
  readonly #engine: IndexEngine;
  readonly #now: () => number;

  constructor(engine: IndexEngine, now: () => number) {
    this.#engine = engine;
    this.#now = now;
    this.#state = { state: 'loading', since: new Date(now()), readyBy: null };
  }

  /** Whether an edition serves yet. */
  get state(): LibraryState {
    return this.#state;
  }

  /** The serving edition, or null while the first one loads. */
  get current(): Edition | null {
    return this.#edition;
  }

  /**
   * The serving edition.
   *
   * @throws while the first one loads.
   * @example
   * store.serving().loadedAt
   */
  serving(): Edition {
    if (!this.#edition) throw new Error('The articles are still loading.');
    return this.#edition;
  }

  /**
   * Swaps `edition` in: questions asked from now on are answered from it.
   *
   * @example
   * store.serve(outcome.edition);
   */
  serve(edition: EditionSummary): void {
    this.#edition = { ...edition, loadedAt: new Date(this.#now()) };
    this.#state = { state: 'ready' };
    this.#engine.serving(edition.handle);
  }

  /**
   * Notes that the first edition could not be loaded: there is none to serve.
   *
   * @example
   * store.fail('Could not read seeds (ENOENT).');
   */
  fail(error: string): void {
    this.#state = { state: 'failed', error };
  }

  /**
   * Notes when loading should end, if it is still loading.
   *
   * @example
   * store.expectReadyBy(new Date(started + lastMs));
   */
  expectReadyBy(readyBy: Date): void {
    const state = this.#state;
    if (state.state === 'loading') this.#state = { ...state, readyBy };
  }

  /**
   * Asks the serving edition's engine.
   *
   * @throws while the first edition loads.
   * @example
   * await store.query({ kind: 'article', id: 'lighthouse' });
   */
  query<Q extends IndexQuery>(query: Q): Promise<QueryResult<Q>> {
    return this.#engine.query(this.serving().handle, query);
  }

  /**
   * The articles the serving edition holds; none while loading.
   *
   * @example
   * store.sources().length // => 2
   */
  sources(): SourceSummary[] {
    return this.#edition?.catalog ?? [];
  }
}
