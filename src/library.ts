import { watch } from 'node:fs';
import { extname } from 'node:path';
import type { Answer, AnswerOptions } from './answer/answer.ts';
import type { CompletionOptions } from './answer/autocomplete.ts';
import { ARTICLE_EXTENSIONS, type LoadedCorpus } from './corpus/load.ts';
import type { Article, ArticleMeta, FileProblem } from './corpus/types.ts';
import type { SearchIndex } from './search/build.ts';
import { redactCredentials, withoutCredentials } from './sources/credentials.ts';
import { addressPolicy } from './sources/fetch-article.ts';
import {
  fetchSource,
  fetchSources,
  noSources,
  type SourcesFetchOptions,
  type SourcesReport,
} from './sources/refresh-sources.ts';
import {
  appendSource,
  listsSource,
  normalizeSourceUrl,
  readSourcesList,
  sourceArticleId,
} from './sources/sources-list.ts';
import {
  BuilderStoppedError,
  type EditionSummary,
  type EngineOutcome,
  type IndexEngine,
  InlineEngine,
} from './workers/engine.ts';
import { readLoadTiming, writeLoadTiming } from './workers/load-timing.ts';
import type { KeptArticle, PrepareRequest, SourceSummary } from './workers/prepare.ts';
import type { IndexQuery, QueryResult } from './workers/queries.ts';

export { keepLastGood } from './workers/prepare.ts';
export type { KeptArticle, SourceSummary };

/** Options for {@link Library.open}. */
export interface LibraryOptions {
  /** The corpus folder. */
  seedsDir: string;
  /**
   * Where the built index is kept between starts (see {@link DEFAULT_SNAPSHOT_PATH}).
   * A snapshot that is missing, corrupt or of other content is rebuilt. Default: no snapshot.
   */
  snapshotPath?: string;
  /**
   * How sources-list URLs are fetched: `timeoutMs`, `maxBytes`, `userAgent`,
   * `allowedPorts`, `refreshBudgetMs`, `allowLoopback` (tests only).
   * Default: {@link fetchSources}' defaults.
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

/** What a refresh changed, or why it changed nothing. */
export interface RefreshReport {
  /**
   * `done`: the new corpus serves; `failed`: the old one still does; `busy`: not run.
   * `cooldown` (not run) is never the library's answer: `/refresh` reports its own cooldown so.
   */
  status: 'done' | 'failed' | 'busy' | 'cooldown';
  /** A sentence for the moderator. */
  message: string;
  articles: { added: string[]; removed: string[]; changed: string[] };
  paragraphs: { added: number; removed: number };
  /** Files that were skipped, with why; the others still loaded. */
  problems: FileProblem[];
  /**
   * Articles whose file or sidecar became unusable since they were loaded:
   * their last good version keeps serving (until a restart), and the reason is
   * said, so a typo never silently drops an article.
   */
  kept: KeptArticle[];
  /** What fetching the sources list did; empty when no URL is listed or fetching was not asked for. */
  sources: SourcesReport;
  durationMs: number;
  /** When a refresh may run again (epoch ms), for `cooldown`. */
  retryAt?: number;
}

/** Options for {@link Library.refresh}. */
export interface RefreshOptions {
  /** Who asked (a Discord user id, `console`, `SIGHUP`…), for the audit log. */
  requestedBy?: string;
  /** The Discord server it was asked from, for the audit log. */
  guildId?: string | null;
  /** When a refresh is running: `busy` answers so at once, `wait` runs after it. Default `busy`. */
  whenBusy?: 'busy' | 'wait';
  /** Fetch the sources list's URLs before reading the files. Default true. */
  fetchSources?: boolean;
}

/** Who asks to add a source, for {@link Library.addSource}. */
export interface AddSourceRequest {
  /** The asker's id (a Discord user id, `console`), for the audit log; who may add is the caller's check. */
  requestedBy: string;
  /** The Discord server it was asked from, for the audit log. */
  guildId?: string | null;
}

/** What {@link Library.addSource} did. */
export interface AddSourceResult {
  /**
   * `added`: listed, saved and loaded; `refused`: the asker may not add (a
   * caller's answer, e.g. `/sources add` to a non-owner, never the library's);
   * `invalid`: not a fetchable URL; `duplicate`: already listed; `failed`: the fetch failed, nothing was added.
   */
  status: 'added' | 'refused' | 'invalid' | 'duplicate' | 'failed';
  /** A sentence for the asker. */
  message: string;
  /** The URL as listed (normalized), or as given when it is invalid. */
  url: string;
  /** The article id the URL is saved under, once the URL is valid. */
  id?: string;
  /** The refresh that loaded the new article, for `added`. */
  refresh?: RefreshReport;
}

/** The audit trail, one object per event; `at` is an ISO time. */
export type LibraryEvent =
  | {
      event: 'open';
      at: string;
      seedsDir: string;
      articles: number;
      passages: number;
      /** The first {@link AUDIT_LIST_LIMIT} problems; `leftOut` counts the rest. */
      problems: FileProblem[];
      leftOut: Record<string, number>;
      /** Whether the index came from the snapshot or was built. */
      index: 'snapshot' | 'built';
    }
  | ({
      event: 'refresh';
      at: string;
      requestedBy: string | null;
      guildId: string | null;
      /** How many entries each list lost to {@link AUDIT_LIST_LIMIT}, by list (`sources.kept`…). */
      leftOut: Record<string, number>;
    } & RefreshReport)
  | {
      event: 'source-add';
      at: string;
      requestedBy: string;
      guildId: string | null;
      url: string;
      status: AddSourceResult['status'];
      message: string;
    }
  | { event: 'snapshot-error'; at: string; path: string; action: 'load' | 'save'; error: string }
  | {
      event: 'snapshot-reload';
      at: string;
      path: string;
      articles: number;
      passages: number;
    }
  | { event: 'signal'; at: string; signal: string }
  | { event: 'watch-error'; at: string; seedsDir: string; error: string };

/** The snapshot location config uses when `SNAPSHOT_PATH` is unset. */
export const DEFAULT_SNAPSHOT_PATH = '.cache/index.snapshot';
/** Quiet time after the last file change before {@link watchSeeds} refreshes. */
export const DEFAULT_WATCH_DEBOUNCE_MS = 500;
/**
 * Entries an audit line names per list (sources, articles, problems): a list
 * of 10 000 URLs must not write megabytes per refresh. The line says how many
 * it left out; the reply to the moderator has the counts too.
 */
export const AUDIT_LIST_LIMIT = 20;
/** Longest text (URL, reason, file name) an audit line quotes. */
const AUDIT_TEXT_LIMIT = 300;

/** The corpus and its index, always swapped together. */
interface Edition extends EditionSummary {
  loadedAt: Date;
}

/** Whether the library serves yet: {@link Library.start} returns before its index is ready. */
export type LibraryState =
  | {
      state: 'loading';
      since: Date;
      /** When it should be ready, from how long the last start took; null when unknown. */
      readyBy: Date | null;
    }
  | { state: 'ready' }
  | { state: 'failed'; error: string };

interface Settings {
  seedsDir: string;
  snapshotPath: string | null;
  sourceFetch: SourcesFetchOptions;
  log: (event: LibraryEvent) => void;
  now: () => number;
  engine: IndexEngine;
}

/**
 * The one piece of live state: the articles the bot knows and their index.
 * A refresh readies a new index beside the serving one and swaps it in with one
 * assignment, so questions asked meanwhile are answered from the old one. The
 * index itself lives in the {@link IndexEngine} (worker threads for the bot);
 * the library keeps the article list and counts, and asks the engine the rest.
 *
 * @example
 * const library = await Library.open({ seedsDir: 'seeds' });
 * (await library.answer('Who led Ukraine’s delegation?')).results[0]?.source.paragraph // => 22
 */
export class Library {
  #edition: Edition | null = null;
  #state: LibraryState;
  /** Resolves when the first index serves; rejects when there is none to serve. */
  readonly ready: Promise<void>;
  #refreshing: Promise<RefreshReport> | null = null;
  /** Edits of the sources list, chained so that two additions never overwrite each other. */
  #listEdits: Promise<unknown> = Promise.resolve();
  /** Snapshot reloads, chained so that an older one never swaps in after a newer one. */
  #reloads: Promise<unknown> = Promise.resolve();
  readonly #snapshotListeners = new Set<() => void>();
  readonly #settings: Settings;

  private constructor(settings: Settings) {
    this.#settings = settings;
    this.#state = { state: 'loading', since: new Date(settings.now()), readyBy: null };
    this.ready = this.#open();
    // Whoever awaits `ready` sees the failure; `state` tells everyone else.
    this.ready.catch(() => {});
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
    return new Library({
      seedsDir: options.seedsDir,
      snapshotPath: options.snapshotPath || null,
      sourceFetch: options.sourceFetch ?? {},
      log: safeLogger(options.log),
      now: options.now ?? Date.now,
      engine:
        options.engine ??
        new InlineEngine(options.loadCorpus ? { loadCorpus: options.loadCorpus } : {}),
    });
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

  async #open(): Promise<void> {
    const settings = this.#settings;
    const started = settings.now();
    if (settings.snapshotPath) void this.#estimateReady(settings.snapshotPath, started);
    let outcome: EngineOutcome;
    try {
      outcome = await settings.engine.prepare(this.#request('open'), null);
      if (outcome.status !== 'ready') throw new Error(openFailure(settings.seedsDir, outcome));
    } catch (error) {
      this.#state = { state: 'failed', error: (error as Error).message };
      throw error;
    }
    const edition = outcome.edition;
    if (edition.saveError !== null) logSnapshotError(settings, 'save', edition.saveError);
    this.#serve(edition);
    if (settings.snapshotPath)
      void writeLoadTiming(settings.snapshotPath, settings.now() - started);
    const leftOut: Record<string, number> = {};
    settings.log({
      event: 'open',
      at: timestamp(settings),
      seedsDir: settings.seedsDir,
      articles: edition.catalog.length,
      passages: edition.passages,
      problems: auditList('problems', edition.problems, leftOut),
      leftOut,
      index: edition.from,
    });
  }

  /** Sets when loading should end, from the last start's time, if it is still loading then. */
  async #estimateReady(snapshotPath: string, started: number): Promise<void> {
    const lastMs = await readLoadTiming(snapshotPath);
    const state = this.#state;
    if (lastMs === null || state.state !== 'loading') return;
    this.#state = { ...state, readyBy: new Date(started + lastMs) };
  }

  /** Whether the library serves yet (see {@link start}). */
  get state(): LibraryState {
    return this.#state;
  }

  /**
   * The index now serving, when it is held on this thread (the default engine);
   * with worker threads, ask through {@link answer} and the other queries.
   *
   * @throws when the index is held elsewhere, or none is ready yet.
   */
  get index(): SearchIndex {
    const index = this.#serving().handle.index;
    if (!index) throw new Error('The index is held by worker threads; ask the library instead.');
    return index;
  }

  /** When the serving corpus was loaded. */
  get loadedAt(): Date {
    return this.#serving().loadedAt;
  }

  /** The corpus folder. */
  get seedsDir(): string {
    return this.#settings.seedsDir;
  }

  /** Answers a question from the serving index (see `answer()` in `src/answer`). */
  answer(question: string, options: AnswerOptions = {}): Promise<Answer> {
    return this.#query({ kind: 'answer', question, options });
  }

  /** Looks passages up in the serving index (see `searchPassages()` in `src/answer`). */
  search(query: string, options: AnswerOptions = {}): Promise<Answer> {
    return this.#query({ kind: 'search', query, options });
  }

  /** Suggestions for a partly typed question (see `completeQuery()` in `src/answer`). */
  completeQuery(typed: string, options: CompletionOptions = {}): Promise<string[]> {
    return this.#query({ kind: 'complete-query', typed, options });
  }

  /** Articles whose title matches what is typed (see `completeSource()` in `src/answer`). */
  completeSource(typed: string, limit: number): Promise<ArticleMeta[]> {
    return this.#query({ kind: 'complete-source', typed, limit });
  }

  /** The article an option value names, by id or exact title (see `findArticle()` in `src/answer`). */
  async findArticle(input: string): Promise<ArticleMeta | undefined> {
    return (await this.#query({ kind: 'find-article', input })) ?? undefined;
  }

  /** One article with its paragraphs, when the serving corpus has it. */
  async article(id: string): Promise<Article | undefined> {
    return (await this.#query({ kind: 'article', id })) ?? undefined;
  }

  /** The articles the bot knows, for `/sources`; none while loading. */
  sources(): SourceSummary[] {
    return this.#edition?.catalog ?? [];
  }

  /**
   * Stops the engine's threads. The library answers nothing afterwards.
   *
   * @example
   * await library.close();
   */
  async close(): Promise<void> {
    await this.#settings.engine.close();
  }

  #query<Q extends IndexQuery>(query: Q): Promise<QueryResult<Q>> {
    return this.#settings.engine.query(this.#serving().handle, query);
  }

  #serving(): Edition {
    if (!this.#edition) throw new Error('The articles are still loading.');
    return this.#edition;
  }

  #serve(edition: EditionSummary): void {
    this.#edition = { ...edition, loadedAt: new Date(this.#settings.now()) };
    this.#state = { state: 'ready' };
    this.#settings.engine.serving(edition.handle);
  }

  #request(mode: PrepareRequest['mode']): Omit<PrepareRequest, 'alwaysHash'> {
    return {
      seedsDir: this.#settings.seedsDir,
      snapshotPath: this.#settings.snapshotPath,
      mode,
      servingHash: this.#edition?.handle.hash ?? null,
    };
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
    if (!this.#edition) {
      return Promise.resolve(
        this.#audit(
          options,
          notRunReport('busy', 'The articles are still loading; refresh once they are ready.'),
        ),
      );
    }
    const running = this.#refreshing;
    if (running) {
      if (options.whenBusy === 'wait') return running.then(() => this.refresh(options));
      return Promise.resolve(
        this.#audit(
          options,
          notRunReport(
            'busy',
            'A refresh is already running; its result will be posted when it ends.',
          ),
        ),
      );
    }
    const started = this.#settings.now();
    this.#refreshing = this.#rebuild(started, options)
      .catch((error: Error) =>
        failed(
          `the refresh stopped on an unexpected error (${error.message})`,
          [],
          noSources(),
          Math.round(this.#settings.now() - started),
        ),
      )
      .then((report) => this.#audit(options, report))
      .finally(() => {
        this.#refreshing = null;
      });
    return this.#refreshing;
  }

  /**
   * Resolves once no refresh is running (at once when none is), e.g. to let one
   * finish before the process exits.
   *
   * @example
   * await library.idle();
   */
  async idle(): Promise<void> {
    while (this.#refreshing) await this.#refreshing;
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
    this.#snapshotListeners.add(listener);
    return () => {
      this.#snapshotListeners.delete(listener);
    };
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
    const reload = this.#reloads.then(() => this.#reloadSnapshot());
    this.#reloads = reload;
    return reload;
  }

  async #reloadSnapshot(): Promise<boolean> {
    const settings = this.#settings;
    if (!settings.snapshotPath) return false;
    await this.ready.catch(() => {});
    await this.idle();
    const serving = this.#edition;
    if (!serving) return false;
    let outcome: EngineOutcome;
    try {
      outcome = await settings.engine.prepare(this.#request('reload'), serving);
    } catch (error) {
      logSnapshotError(settings, 'load', (error as Error).message);
      return false;
    }
    if (outcome.status === 'unreadable') logSnapshotError(settings, 'load', outcome.code);
    if (outcome.status !== 'ready' || this.#edition !== serving || this.#refreshing) return false;
    this.#serve(outcome.edition);
    settings.log({
      event: 'snapshot-reload',
      at: timestamp(settings),
      path: settings.snapshotPath,
      articles: outcome.edition.catalog.length,
      passages: outcome.edition.passages,
    });
    return true;
  }

  #snapshotSaved(): void {
    for (const listener of this.#snapshotListeners) {
      try {
        listener();
      } catch {
        // The refresh is done whatever a listener does; a failed notice is the listener's to report.
      }
    }
  }

  /**
   * Adds an article URL to `seeds/sources.list` (who may is the caller's
   * check: `/sources add` lets only the bot's owners ask): checks the URL (http(s), not an internal address), fetches and saves the article,
   * lists the URL, and refreshes (after a running refresh, without fetching
   * the other URLs again). A URL whose fetch fails is
   * not listed. Never throws; every call is logged as a `source-add` audit event.
   *
   * @example
   * const result = await library.addSource('https://news.example/talks', {
   *   requestedBy: interaction.user.id,
   * });
   * result.status // => 'added'
   */
  async addSource(input: string, request: AddSourceRequest): Promise<AddSourceResult> {
    const result = await this.#addSource(input, request);
    // The URL and message name no credentials already; redacting again guards what may be added later.
    this.#settings.log({
      event: 'source-add',
      at: timestamp(this.#settings),
      requestedBy: request.requestedBy,
      guildId: request.guildId ?? null,
      url: clip(withoutCredentials(result.url)),
      status: result.status,
      message: clip(redactCredentials(result.message)),
    });
    return result;
  }

  async #addSource(input: string, request: AddSourceRequest): Promise<AddSourceResult> {
    const { seedsDir, sourceFetch } = this.#settings;
    let url: string;
    try {
      url = normalizeSourceUrl(input, addressPolicy(sourceFetch));
    } catch (error) {
      return {
        status: 'invalid',
        message: (error as Error).message,
        url: withoutCredentials(input.trim()),
      };
    }
    const id = sourceArticleId(url);
    const duplicate: AddSourceResult = {
      status: 'duplicate',
      message: `${url} is already in the sources list (article ${id}); /refresh fetches it again.`,
      url,
      id,
    };
    try {
      if (listsSource(await readSourcesList(seedsDir), url)) return duplicate;
    } catch (error) {
      return { status: 'failed', message: listError(error), url, id };
    }
    const fetched = await fetchSource(seedsDir, url, sourceFetch);
    if (fetched.status !== 'fetched') {
      return {
        status: 'failed',
        message: `Not added: ${fetched.reason}`,
        url,
        id,
      };
    }
    const appended = this.#listEdits.then(() => appendSource(seedsDir, url));
    this.#listEdits = appended.catch(() => undefined);
    try {
      if (!(await appended)) return duplicate;
    } catch (error) {
      return { status: 'failed', message: listError(error), url, id };
    }
    const refresh = await this.refresh({
      requestedBy: request.requestedBy,
      guildId: request.guildId,
      whenBusy: 'wait',
      fetchSources: false,
    });
    return {
      status: 'added',
      message: `Added “${fetched.title}” as ${id}. ${refresh.message}`,
      url,
      id,
      refresh,
    };
  }

  async #rebuild(started: number, options: RefreshOptions): Promise<RefreshReport> {
    const { seedsDir, sourceFetch } = this.#settings;
    const elapsed = () => Math.round(this.#settings.now() - started);
    const sources =
      options.fetchSources === false ? noSources() : await fetchSources(seedsDir, sourceFetch);
    const serving = this.#serving();
    let outcome: EngineOutcome;
    try {
      outcome = await this.#settings.engine.prepare(this.#request('build'), serving);
    } catch (error) {
      // A builder that died is a failure to report; anything else is unexpected (see `refresh`).
      if (!(error instanceof BuilderStoppedError)) throw error;
      return failed(error.message, [], sources, elapsed());
    }
    if (outcome.status === 'unreadable') {
      return failed(`could not read ${seedsDir} (${outcome.code})`, [], sources, elapsed());
    }
    if (outcome.status !== 'ready') {
      const problems = outcome.status === 'empty' ? outcome.problems : [];
      return failed('no article in the new content could be loaded', problems, sources, elapsed());
    }
    const edition = outcome.edition;
    this.#serve(edition);
    if (edition.saveError !== null) logSnapshotError(this.#settings, 'save', edition.saveError);
    if (edition.saved) this.#snapshotSaved();
    return {
      status: 'done',
      message: doneMessage(edition, edition.problems, edition.kept, sources),
      ...edition.changes,
      problems: edition.problems,
      kept: edition.kept,
      sources,
      durationMs: elapsed(),
    };
  }

  #audit(options: RefreshOptions, report: RefreshReport): RefreshReport {
    const leftOut: Record<string, number> = {};
    const { articles, sources } = report;
    this.#settings.log({
      event: 'refresh',
      at: timestamp(this.#settings),
      requestedBy: options.requestedBy ?? null,
      guildId: options.guildId ?? null,
      ...report,
      articles: {
        added: auditList('articles.added', articles.added, leftOut),
        removed: auditList('articles.removed', articles.removed, leftOut),
        changed: auditList('articles.changed', articles.changed, leftOut),
      },
      problems: auditList('problems', report.problems, leftOut),
      kept: auditList('kept', report.kept, leftOut),
      sources: {
        fetched: auditList('sources.fetched', sources.fetched, leftOut),
        kept: auditList('sources.kept', sources.kept, leftOut),
        failed: auditList('sources.failed', sources.failed, leftOut),
        skipped: auditList('sources.skipped', sources.skipped, leftOut),
      },
      leftOut,
    });
    return report;
  }
}

/** Why the first load gave nothing to serve, for the operator. */
function openFailure(
  seedsDir: string,
  outcome: Exclude<EngineOutcome, { status: 'ready' }>,
): string {
  if (outcome.status === 'unreadable') return `Could not read ${seedsDir} (${outcome.code}).`;
  const problems = outcome.status === 'empty' ? outcome.problems : [];
  const details = problems.map((p) => `${p.file}: ${p.reason}`).join('; ');
  return `No article could be loaded from ${seedsDir}${details ? ` (${details})` : ''}; add a .txt file there.`;
}

function logSnapshotError(settings: Settings, action: 'load' | 'save', error: string): void {
  settings.log({
    event: 'snapshot-error',
    at: timestamp(settings),
    path: settings.snapshotPath ?? '',
    action,
    error,
  });
}

/**
 * The first {@link AUDIT_LIST_LIMIT} items of a list for an audit line, their
 * texts clipped; how many were left out is recorded in `leftOut` under `name`.
 *
 * @example
 * auditList('problems', problems, leftOut) // 20 problems; leftOut.problems === 9980 for 10 000
 */
function auditList<T extends string | object>(
  name: string,
  items: readonly T[],
  leftOut: Record<string, number>,
): T[] {
  if (items.length > AUDIT_LIST_LIMIT) leftOut[name] = items.length - AUDIT_LIST_LIMIT;
  return items.slice(0, AUDIT_LIST_LIMIT).map(clipTexts);
}

/** An audit entry with each of its texts clipped to {@link AUDIT_TEXT_LIMIT}. */
function clipTexts<T extends string | object>(item: T): T {
  if (typeof item === 'string') return clip(item) as T;
  const entries = Object.entries(item).map(([key, value]) => [
    key,
    typeof value === 'string' ? clip(value) : value,
  ]);
  return Object.fromEntries(entries) as T;
}

function clip(text: string): string {
  return text.length > AUDIT_TEXT_LIMIT ? `${text.slice(0, AUDIT_TEXT_LIMIT)}…` : text;
}

function timestamp(settings: Settings): string {
  return new Date(settings.now()).toISOString();
}

/**
 * Refreshes the library when the process receives `signal`, so an operator
 * can reload with `kill -HUP <pid>`. The operator is trusted, so no cooldown
 * applies (only `/refresh` has one); a signal during a refresh runs another one after it (the
 * running one may have read the files before the change), and signals arriving
 * meanwhile are merged into that one. Sources are fetched as for `/refresh`.
 *
 * @returns a function that stops listening
 * @example
 * const stop = reloadOnSignal(library, 'SIGHUP', (event) => logger.info(event));
 */
export function reloadOnSignal(
  library: Library,
  signal: NodeJS.Signals = 'SIGHUP',
  log: (event: LibraryEvent) => void = () => {},
): () => void {
  const trigger = refreshTrigger(library, { requestedBy: signal });
  const onSignal = () => {
    log({ event: 'signal', at: new Date().toISOString(), signal });
    void trigger();
  };
  process.on(signal, onSignal);
  return () => {
    process.off(signal, onSignal);
  };
}

/** Options for {@link watchSeeds}. */
export interface WatchSeedsOptions {
  /** Quiet time after the last change before refreshing, in ms. Default {@link DEFAULT_WATCH_DEBOUNCE_MS}. */
  debounceMs?: number;
  /** Receives `watch-error` events. Default: none. */
  log?: (event: LibraryEvent) => void;
}

/**
 * Refreshes the library when article files in its seeds folder change (for
 * `WATCH_SEEDS=true`). Changes are debounced; no cooldown applies;
 * sources are not fetched (a file edit should not hit the network, and the
 * files a fetch saves would otherwise trigger another round).
 *
 * @returns a function that stops watching
 * @example
 * const stop = watchSeeds(library, { debounceMs: 500 });
 */
export function watchSeeds(library: Library, options: WatchSeedsOptions = {}): () => void {
  const { debounceMs = DEFAULT_WATCH_DEBOUNCE_MS, log = () => {} } = options;
  const trigger = refreshTrigger(library, {
    requestedBy: 'seeds watcher',
    fetchSources: false,
  });
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(library.seedsDir, (_event, name) => {
    if (name !== null && !isCorpusFile(name)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void trigger(), debounceMs);
  });
  watcher.on('error', (error) => {
    log({
      event: 'watch-error',
      at: new Date().toISOString(),
      seedsDir: library.seedsDir,
      error: error.message,
    });
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}

/** Article texts and their sidecars; dot files are temporary files being written. */
function isCorpusFile(name: string): boolean {
  const extension = extname(name).toLowerCase();
  return (
    !name.startsWith('.') &&
    (extension === '.json' || (ARTICLE_EXTENSIONS as readonly string[]).includes(extension))
  );
}

/**
 * A trigger for refreshes that a running refresh may have missed: each call
 * runs one refresh once the library is idle, and calls made before that
 * refresh starts are merged into it.
 */
function refreshTrigger(library: Library, options: RefreshOptions): () => Promise<void> {
  let queued: Promise<void> | null = null;
  return () => {
    if (queued) return queued;
    const run = (async () => {
      await library.idle();
      queued = null;
      await library.refresh({ ...options, whenBusy: 'wait' });
    })();
    queued = run;
    return run;
  };
}

/** A logger that cannot break the library: what it throws is dropped. */
function safeLogger(
  log: ((event: LibraryEvent) => void) | undefined,
): (event: LibraryEvent) => void {
  if (!log) return () => {};
  return (event) => {
    try {
      log(event);
    } catch {
      // An audit line lost is better than a refresh reported as failed.
    }
  };
}

function listError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return `Not added: the sources list could not be updated (${code}); check that the seeds folder is writable.`;
}

function doneMessage(
  edition: EditionSummary,
  problems: FileProblem[],
  kept: KeptArticle[],
  sources: SourcesReport,
): string {
  const parts = [
    `Refreshed: ${plural(edition.catalog.length, 'article')}, ${plural(edition.passages, 'passage')}.`,
  ];
  for (const article of kept) {
    parts.push(`Kept the last good version of ${article.id}: ${whatIsWrong(article)}.`);
  }
  if (problems.length > 0) parts.push(`${plural(problems.length, 'file')} skipped.`);
  if (sources.kept.length > 0) {
    parts.push(
      `${plural(sources.kept.length, 'source')} could not be fetched; the last saved copy is still used.`,
    );
  }
  if (sources.failed.length > 0) {
    parts.push(
      `${plural(sources.failed.length, 'source')} could not be fetched and had no saved copy.`,
    );
  }
  if (sources.skipped.length > 0) {
    parts.push(
      `${plural(sources.skipped.length, 'source')} skipped: the refresh ran out of time; any saved copy is still used.`,
    );
  }
  return parts.join(' ');
}

/**
 * The loader's reasons read after the file's name ("lighthouse.txt is a binary
 * file, not text"), except a sidecar's, which names its own file ("its metadata
 * lighthouse.json: …").
 */
function whatIsWrong({ file, reason }: FileProblem): string {
  return reason.startsWith('its ') ? reason : `${file} ${reason}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * The report of a refresh that did not run, saying why: `busy` (the library's)
 * or `cooldown` (a caller's policy, e.g. `/refresh`'s).
 *
 * @example
 * notRunReport('busy', 'A refresh is already running.').articles.added // => []
 */
export function notRunReport(status: 'busy' | 'cooldown', message: string): RefreshReport {
  return {
    status,
    message,
    articles: { added: [], removed: [], changed: [] },
    paragraphs: { added: 0, removed: 0 },
    problems: [],
    kept: [],
    sources: noSources(),
    durationMs: 0,
  };
}

function failed(
  why: string,
  problems: FileProblem[],
  sources: SourcesReport,
  durationMs: number,
): RefreshReport {
  return {
    status: 'failed',
    message: `Nothing changed: ${why}. The previous content is still being served.`,
    articles: { added: [], removed: [], changed: [] },
    paragraphs: { added: 0, removed: 0 },
    problems,
    kept: [],
    sources,
    durationMs,
  };
}
