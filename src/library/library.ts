import type { Answer, AnswerOptions } from '../answer/answer.ts';
import type { CompletionOptions } from '../answer/autocomplete.ts';
import type { LoadedCorpus } from '../corpus/load.ts';
import type { Article, ArticleMeta } from '../corpus/types.ts';
import type { SearchIndex } from '../search/build.ts';
import type { SourcesFetchOptions } from '../sources/refresh-sources.ts';
import { type IndexEngine, InlineEngine } from '../workers/engine.ts';
import type { SourceSummary } from '../workers/prepare.ts';
import { AuditTrail, type LibraryEvent } from './audit.ts';
import { EditionStore, type LibraryState } from './edition-store.ts';
import { Refresher } from './refresher.ts';
import type {
  AddSourceRequest,
  AddSourceResult,
  RefreshOptions,
  RefreshReport,
} from './reports.ts';
import { SourceAdder } from './source-adder.ts';

/** Options for {@link Library.open}. */
export interface LibraryOptions {
  /** The corpus folder. */
  seedsDir: string;
  /**
   * Where the built index is kept between starts (config's `SNAPSHOT_PATH`).
   * A snapshot that is missing, corrupt or of other content is rebuilt. Default: no snapshot.
   */
  snapshotPath?: string;
  /**
   * How sources-list URLs are fetched: `timeoutMs`, `maxBytes`, `userAgent`,
   * `allowedPorts`, `refreshBudgetMs`, `allowLoopback` (tests only).
   * Default: `fetchSources`' defaults.
   */
  sourceFetch?: SourcesFetchOptions;
  /** Receives the audit trail: one event per start, refresh, source added, snapshot problem. Default: none. */
  log?: (event: LibraryEvent) => void;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
  /**
   * Where the index work runs: `WorkerEngine` for the bot (off the thread that
   * talks to Discord). Default an {@link InlineEngine} on this thread, reading
   * the corpus with `loadCorpus`.
   */
  engine?: IndexEngine;
  /** Reads the corpus folder, for the default engine; tests pass a slow or failing one. */
  loadCorpus?: (dir: string) => Promise<LoadedCorpus>;
}

/**
 * The one piece of live state: the articles the bot knows and their index.
 * A refresh readies a new index beside the serving one and swaps it in with one
 * assignment, so questions asked meanwhile are answered from the old one. The
 * index itself lives in the {@link IndexEngine} (worker threads for the bot);
 * the library keeps the article list and counts ({@link EditionStore}), readies
 * editions one at a time ({@link Refresher}) and adds sources ({@link SourceAdder}).
 *
 * @example
 * const library = await Library.open({ seedsDir: 'seeds' });
 * (await library.answer('Who led Ukraine’s delegation?')).results[0]?.source.paragraph // => 22
 */
export class Library {
  /** Resolves when the first index serves; rejects when there is none to serve. */
  readonly ready: Promise<void>;
  readonly #seedsDir: string;
  readonly #engine: IndexEngine;
  readonly #store: EditionStore;
  readonly #refresher: Refresher;
  readonly #sources: SourceAdder;

  private constructor(options: LibraryOptions) {
    const now = options.now ?? Date.now;
    const snapshotPath = options.snapshotPath || null;
    const sourceFetch = options.sourceFetch ?? {};
    this.#seedsDir = options.seedsDir;
    this.#engine =
      options.engine ??
      new InlineEngine(options.loadCorpus ? { loadCorpus: options.loadCorpus } : {});
    const audit = new AuditTrail({ log: options.log, now, snapshotPath });
    this.#store = new EditionStore(this.#engine, now);
    this.#refresher = new Refresher(
      { seedsDir: this.#seedsDir, snapshotPath, sourceFetch, now, engine: this.#engine },
      this.#store,
      audit,
    );
    this.#sources = new SourceAdder(
      { seedsDir: this.#seedsDir, sourceFetch, refresh: (refresh) => this.refresh(refresh) },
      audit,
    );
    this.ready = this.#refresher.ready;
  }

  /**
   * Starts loading the corpus and its index, and returns at once: until
   * {@link ready}, {@link state} is `loading` and questions are refused (see
   * {@link Library.open} for what is loaded).
   *
   * @example
   * const library = Library.start({ seedsDir: 'seeds', engine: new WorkerEngine({ answerWorkers: 2 }) });
   * library.state.state // => 'loading'
   */
  static start(options: LibraryOptions): Library {
    return new Library(options);
  }

  /**
   * Loads the corpus and its index: from the snapshot when it matches the
   * files, else built (and the snapshot saved). Does not fetch the sources
   * list; their last saved copies load like any article.
   *
   * @throws when the folder cannot be read or holds no usable article: a bot with nothing to say should not start.
   * @example
   * const library = await Library.open({ seedsDir: 'seeds', snapshotPath: '.cache/index.snapshot' });
   */
  static async open(options: LibraryOptions): Promise<Library> {
    const library = Library.start(options);
    try {
      await library.ready;
    } catch (error) {
      await library.close();
      throw error;
    }
    return library;
  }

  /** Whether the library serves yet (see {@link start}). */
  get state(): LibraryState {
    return this.#store.state;
  }

  /**
   * The index now serving, when it is held on this thread (the default engine);
   * with worker threads, ask through {@link answer} and the other queries.
   *
   * @throws when the index is held elsewhere, or none is ready yet.
   */
  get index(): SearchIndex {
    const index = this.#store.serving().handle.index;
    if (!index) throw new Error('The index is held by worker threads; ask the library instead.');
    return index;
  }

  /** When the serving corpus was loaded. */
  get loadedAt(): Date {
    return this.#store.serving().loadedAt;
  }

  /** The corpus folder. */
  get seedsDir(): string {
    return this.#seedsDir;
  }

  /** Answers a question from the serving index (see `answer()` in `src/answer`). */
  answer(question: string, options: AnswerOptions = {}): Promise<Answer> {
    return this.#store.query({ kind: 'answer', question, options });
  }

  /** Looks passages up in the serving index (see `searchPassages()` in `src/answer`). */
  search(query: string, options: AnswerOptions = {}): Promise<Answer> {
    return this.#store.query({ kind: 'search', query, options });
  }

  /** Suggestions for a partly typed question (see `completeQuery()` in `src/answer`). */
  completeQuery(typed: string, options: CompletionOptions = {}): Promise<string[]> {
    return this.#store.query({ kind: 'complete-query', typed, options });
  }

  /** Articles whose title matches what is typed (see `completeSource()` in `src/answer`). */
  completeSource(typed: string, limit: number): Promise<ArticleMeta[]> {
    return this.#store.query({ kind: 'complete-source', typed, limit });
  }

  /** The article an option value names, by id or exact title (see `findArticle()` in `src/answer`). */
  async findArticle(input: string): Promise<ArticleMeta | undefined> {
    return (await this.#store.query({ kind: 'find-article', input })) ?? undefined;
  }

  /** One article with its paragraphs, when the serving corpus has it. */
  async article(id: string): Promise<Article | undefined> {
    return (await this.#store.query({ kind: 'article', id })) ?? undefined;
  }

  /** The articles the bot knows, for `/sources`; none while loading. */
  sources(): SourceSummary[] {
    return this.#store.sources();
  }

  /**
   * Stops the engine's threads. The library answers nothing afterwards.
   *
   * @example
   * await library.close();
   */
  async close(): Promise<void> {
    await this.#engine.close();
  }

  /**
   * Fetches the sources list's URLs (saving each article as files; a URL that
   * fails keeps its last good copy), reads the corpus again and swaps the new
   * index in when it is ready, then saves the snapshot. Only one refresh runs
   * at a time (a second call gets `busy`, or waits with `whenBusy: 'wait'`);
   * how often one may be asked for is the caller's policy. Never throws: a failure leaves the old index serving and
   * says why. While the first index loads, it answers `busy`. Every call is
   * logged as a `refresh` audit event.
   *
   * @example
   * const report = await library.refresh({ requestedBy: interaction.user.id, guildId: interaction.guildId });
   * report.status // => 'done'
   */
  refresh(options: RefreshOptions = {}): Promise<RefreshReport> {
    return this.#refresher.refresh(options);
  }

  /**
   * Resolves once no refresh is running (at once when none is), e.g. to let one
   * finish before the process exits.
   *
   * @example
   * await library.idle();
   */
  idle(): Promise<void> {
    return this.#refresher.idle();
  }

  /**
   * Calls `listener` each time a refresh has saved a new snapshot, so that
   * other processes serving the same files (the bot's shards) can
   * {@link reloadSnapshot}. What the listener throws is dropped.
   *
   * @returns a function that stops calling it
   * @example
   * const stop = library.onSnapshotSaved(() => shard.send({ type: 'snapshot-saved' }));
   */
  onSnapshotSaved(listener: () => void): () => void {
    return this.#refresher.onSnapshotSaved(listener);
  }

  /**
   * Serves the snapshot that another process saved after its refresh, without
   * rebuilding. The files are read and hashed again rather than trusting the
   * snapshot, so only a snapshot of the files as they are now, indexed by this
   * code, is loaded; when their hash is the serving one, nothing is read. Runs
   * after a running refresh, one reload at a time; a refresh that starts while
   * it loads wins, since it reads the files later. Never throws; a new index is
   * logged as a `snapshot-reload` event.
   *
   * @returns whether a new index now serves (false without `snapshotPath`)
   * @example
   * process.on('message', () => void library.reloadSnapshot());
   */
  reloadSnapshot(): Promise<boolean> {
    return this.#refresher.reloadSnapshot();
  }

  /**
   * Adds an article URL to `seeds/sources.list` (who may is the caller's
   * check: `/sources add` lets only the bot's owners ask): checks the URL
   * (http(s), not an internal address), fetches and saves the article, lists
   * the URL, and refreshes (after a running refresh, without fetching the
   * other URLs again). A URL whose fetch fails is not listed. Never throws;
   * every call is logged as a `source-add` audit event.
   *
   * @example
   * const result = await library.addSource('https://news.example/talks', {
   *   requestedBy: interaction.user.id,
   * });
   * result.status // => 'added'
   */
  addSource(input: string, request: AddSourceRequest): Promise<AddSourceResult> {
    return this.#sources.add(input, request);
  }
}
