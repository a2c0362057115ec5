import { watch } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { type Answer, type AnswerOptions, answer, searchPassages } from './answer/answer.ts';
import { ARTICLE_EXTENSIONS, type LoadedCorpus, loadCorpus } from './corpus/load.ts';
import { type Article, type ArticleMeta, articleMeta, type FileProblem } from './corpus/types.ts';
import { buildIndex, type SearchIndex } from './search/build.ts';
import { corpusHash, loadSnapshot, saveSnapshot } from './search/snapshot.ts';
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

/** Options for {@link Library.open}. */
export interface LibraryOptions {
  /** The corpus folder. */
  seedsDir: string;
  /** Least time between two refreshes, in ms. Default 30 s. */
  refreshCooldownMs?: number;
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
  /** Reads the corpus folder; tests pass a slow or failing one. Default {@link loadCorpus}. */
  loadCorpus?: (dir: string) => Promise<LoadedCorpus>;
}

/** One article as `/sources` lists it: its metadata and how many paragraphs answer. */
export interface SourceSummary extends ArticleMeta {
  paragraphs: number;
}

/** What a refresh changed, or why it changed nothing. */
export interface RefreshReport {
  /** `done`: the new corpus serves; `failed`: the old one still does; `busy`/`cooldown`: not run. */
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

/** An article served from its last good version, and the problem with its files now. */
export interface KeptArticle extends FileProblem {
  /** The article id. */
  id: string;
}

/** Options for {@link Library.refresh}. */
export interface RefreshOptions {
  /** Who asked (a Discord user id, `console`, `SIGHUP`…), for the audit log. */
  requestedBy?: string;
  /** The Discord server it was asked from, for the audit log. */
  guildId?: string | null;
  /** Run even within the cooldown. Default false. */
  ignoreCooldown?: boolean;
  /** When a refresh is running: `busy` answers so at once, `wait` runs after it. Default `busy`. */
  whenBusy?: 'busy' | 'wait';
  /** Fetch the sources list's URLs before reading the files. Default true. */
  fetchSources?: boolean;
}

/** Who asks to add a source, for {@link Library.addSource}. */
export interface AddSourceRequest {
  /** The asker's id (a Discord user id). */
  requestedBy: string;
  /** Ids allowed to add sources (config `OWNER_IDS`); nobody can when empty. */
  ownerIds: readonly string[];
  /** The Discord server it was asked from, for the audit log. */
  guildId?: string | null;
}

/** What {@link Library.addSource} did. */
export interface AddSourceResult {
  /**
   * `added`: listed, saved and loaded; `refused`: the asker is not an owner;
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
const DEFAULT_REFRESH_COOLDOWN_MS = 30_000;
/**
 * Entries an audit line names per list (sources, articles, problems): a list
 * of 10 000 URLs must not write megabytes per refresh. The line says how many
 * it left out; the reply to the moderator has the counts too.
 */
export const AUDIT_LIST_LIMIT = 20;
/** Longest text (URL, reason, file name) an audit line quotes. */
const AUDIT_TEXT_LIMIT = 300;

/** The corpus and its index, always swapped together. */
interface Edition {
  index: SearchIndex;
  loadedAt: Date;
  /** The {@link corpusHash} of the files it was built from, when a snapshot is configured. */
  hash: string | null;
}

interface Settings {
  seedsDir: string;
  refreshCooldownMs: number;
  snapshotPath: string | null;
  sourceFetch: SourcesFetchOptions;
  log: (event: LibraryEvent) => void;
  now: () => number;
  loadCorpus: (dir: string) => Promise<LoadedCorpus>;
}

/**
 * The one piece of live state: the articles the bot knows and their index.
 * A refresh builds a new index beside the serving one and swaps it in with one
 * assignment, so questions asked meanwhile are answered from the old one.
 *
 * @example
 * const library = await Library.open({ seedsDir: 'seeds' });
 * library.answer('Who led Ukraine’s delegation?').results[0]?.source.paragraph // => 22
 */
export class Library {
  #edition: Edition;
  #refreshing: Promise<RefreshReport> | null = null;
  /** When each guild (or `local`: the console, signals, tests) last started a refresh. */
  readonly #lastRefreshAt = new Map<string, number>();
  /** Edits of the sources list, chained so that two additions never overwrite each other. */
  #listEdits: Promise<unknown> = Promise.resolve();
  /** Snapshot reloads, chained so that an older one never swaps in after a newer one. */
  #reloads: Promise<unknown> = Promise.resolve();
  readonly #snapshotListeners = new Set<() => void>();
  readonly #settings: Settings;

  private constructor(edition: Edition, settings: Settings) {
    this.#edition = edition;
    this.#settings = settings;
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
    const settings: Settings = {
      seedsDir: options.seedsDir,
      refreshCooldownMs: options.refreshCooldownMs ?? DEFAULT_REFRESH_COOLDOWN_MS,
      snapshotPath: options.snapshotPath || null,
      sourceFetch: options.sourceFetch ?? {},
      log: safeLogger(options.log),
      now: options.now ?? Date.now,
      loadCorpus: options.loadCorpus ?? loadCorpus,
    };
    const { articles, problems } = await settings.loadCorpus(settings.seedsDir);
    if (articles.length === 0) {
      const details = problems.map((p) => `${p.file}: ${p.reason}`).join('; ');
      throw new Error(
        `No article could be loaded from ${settings.seedsDir}${details ? ` (${details})` : ''}; add a .txt file there.`,
      );
    }
    const hash = settings.snapshotPath ? corpusHash(articles) : null;
    const snapshot = hash === null ? null : await readSnapshot(settings, hash);
    const index = snapshot ?? buildIndex(articles);
    if (!snapshot && hash !== null) await writeSnapshot(settings, index, hash);
    const leftOut: Record<string, number> = {};
    settings.log({
      event: 'open',
      at: timestamp(settings),
      seedsDir: settings.seedsDir,
      articles: index.articles.length,
      passages: index.passages.length,
      problems: auditList('problems', problems, leftOut),
      leftOut,
      index: snapshot ? 'snapshot' : 'built',
    });
    return new Library({ index, loadedAt: new Date(settings.now()), hash }, settings);
  }

  /** The index now serving. */
  get index(): SearchIndex {
    return this.#edition.index;
  }

  /** When the serving corpus was loaded. */
  get loadedAt(): Date {
    return this.#edition.loadedAt;
  }

  /** The corpus folder. */
  get seedsDir(): string {
    return this.#settings.seedsDir;
  }

  /** Answers a question from the serving index (see {@link answer}). */
  answer(question: string, options?: AnswerOptions): Answer {
    return answer(this.#edition.index, question, options);
  }

  /** Looks passages up in the serving index (see {@link searchPassages}). */
  search(query: string, options?: AnswerOptions): Answer {
    return searchPassages(this.#edition.index, query, options);
  }

  /** The articles the bot knows, for `/sources`. */
  sources(): SourceSummary[] {
    return this.#edition.index.articles.map((article) => ({
      ...articleMeta(article),
      paragraphs: article.paragraphs.filter((p) => !p.boilerplate).length,
    }));
  }

  /**
   * Fetches the sources list's URLs (saving each article as files; a URL that
   * fails keeps its last good copy), reads the corpus again and swaps the new
   * index in when it is ready, then saves the snapshot. Only one refresh runs
   * at a time (a second call gets `busy`, or waits with `whenBusy: 'wait'`),
   * and refreshes from one guild are at least `refreshCooldownMs` apart unless
   * `ignoreCooldown`. Never throws: a failure leaves the old index serving and
   * says why. Every call is logged as a `refresh` audit event.
   *
   * @example
   * const report = await library.refresh({ requestedBy: interaction.user.id, guildId: interaction.guildId });
   * report.status // => 'done'
   */
  refresh(options: RefreshOptions = {}): Promise<RefreshReport> {
    const running = this.#refreshing;
    if (running) {
      if (options.whenBusy === 'wait') return running.then(() => this.refresh(options));
      return Promise.resolve(
        this.#audit(
          options,
          skipped('busy', 'A refresh is already running; its result will be posted when it ends.'),
        ),
      );
    }
    const started = this.#settings.now();
    // The cooldown is per guild: one server's moderators cannot lock out another's.
    const requester = options.guildId ?? 'local';
    const retryAt =
      (this.#lastRefreshAt.get(requester) ?? Number.NEGATIVE_INFINITY) +
      this.#settings.refreshCooldownMs;
    if (!options.ignoreCooldown && started < retryAt) {
      return Promise.resolve(
        this.#audit(options, {
          ...skipped('cooldown', 'The content was refreshed moments ago; try again shortly.'),
          retryAt,
        }),
      );
    }
    this.#lastRefreshAt.set(requester, started);
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
    await this.idle();
    const serving = this.#edition;
    let hash: string;
    try {
      const { articles } = await settings.loadCorpus(settings.seedsDir);
      if (articles.length === 0) return false;
      hash = corpusHash(articles);
    } catch (error) {
      logSnapshotError(settings, 'load', error);
      return false;
    }
    if (hash === serving.hash) return false;
    const index = await readSnapshot(settings, hash);
    if (!index || this.#edition !== serving || this.#refreshing) return false;
    this.#edition = { index, loadedAt: new Date(settings.now()), hash };
    settings.log({
      event: 'snapshot-reload',
      at: timestamp(settings),
      path: settings.snapshotPath,
      articles: index.articles.length,
      passages: index.passages.length,
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
   * Adds an article URL to `seeds/sources.list`, for owners only: checks the
   * URL (http(s), not an internal address), fetches and saves the article,
   * lists the URL, and refreshes (after a running refresh, regardless of the
   * cooldown, without fetching the other URLs again). A URL whose fetch fails is
   * not listed. Never throws; every call is logged as a `source-add` audit event.
   *
   * @example
   * const result = await library.addSource('https://news.example/talks', {
   *   requestedBy: interaction.user.id,
   *   ownerIds: config.ownerIds,
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
    if (!request.ownerIds.includes(request.requestedBy)) {
      const message =
        request.ownerIds.length === 0
          ? 'Adding sources is turned off: no bot owner is configured (OWNER_IDS).'
          : 'Only the bot’s owners can add sources; ask one of them to add this link.';
      return { status: 'refused', message, url: withoutCredentials(input.trim()) };
    }
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
      ignoreCooldown: true,
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
    let loaded: LoadedCorpus;
    try {
      loaded = await this.#settings.loadCorpus(seedsDir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      return failed(`could not read ${seedsDir} (${code})`, [], sources, elapsed());
    }
    const previous = this.#edition.index.articles;
    const { articles, problems, kept } = keepLastGood(previous, loaded);
    if (articles.length === 0) {
      return failed('no article in the new content could be loaded', problems, sources, elapsed());
    }
    const index = buildIndex(articles);
    const hash = this.#settings.snapshotPath ? corpusHash(articles) : null;
    this.#edition = { index, loadedAt: new Date(this.#settings.now()), hash };
    if (hash !== null && (await writeSnapshot(this.#settings, index, hash))) {
      this.#snapshotSaved();
    }
    return {
      status: 'done',
      message: doneMessage(index, problems, kept, sources),
      ...compareCorpora(previous, articles),
      problems,
      kept,
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

/** The snapshot's index when one is configured and matches `hash`; null (and a logged error) otherwise. */
async function readSnapshot(settings: Settings, hash: string): Promise<SearchIndex | null> {
  if (!settings.snapshotPath) return null;
  try {
    return await loadSnapshot(settings.snapshotPath, hash);
  } catch (error) {
    logSnapshotError(settings, 'load', error);
    return null;
  }
}

/**
 * Saves the snapshot when one is configured; a failure is logged, never fatal (the next start rebuilds).
 *
 * @returns whether it was saved
 */
async function writeSnapshot(
  settings: Settings,
  index: SearchIndex,
  hash: string,
): Promise<boolean> {
  if (!settings.snapshotPath) return false;
  try {
    await mkdir(dirname(settings.snapshotPath), { recursive: true });
    await saveSnapshot(settings.snapshotPath, index, hash);
    return true;
  } catch (error) {
    logSnapshotError(settings, 'save', error);
    return false;
  }
}

function logSnapshotError(settings: Settings, action: 'load' | 'save', error: unknown): void {
  settings.log({
    event: 'snapshot-error',
    at: timestamp(settings),
    path: settings.snapshotPath ?? '',
    action,
    error: (error as Error).message,
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
 * can reload with `kill -HUP <pid>`. The operator is trusted, so the cooldown
 * does not apply; a signal during a refresh runs another one after it (the
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
  const trigger = refreshTrigger(library, { requestedBy: signal, ignoreCooldown: true });
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
 * `WATCH_SEEDS=true`). Changes are debounced; the cooldown does not apply;
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
    ignoreCooldown: true,
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

/**
 * Keeps the served version of each article whose text or sidecar can no longer
 * be used (a typo in the JSON, the text replaced by a binary file), instead of
 * dropping it. An article whose files are gone is removed, as asked.
 *
 * @example
 * keepLastGood([istanbul], { articles: [], problems: [{ file: 'istanbul.txt', reason: 'is a binary file, not text' }] })
 * // => { articles: [istanbul], problems: [], kept: [{ id: 'istanbul', file: 'istanbul.txt', reason: 'is a binary file, not text' }] }
 */
export function keepLastGood(
  serving: ReadonlyArray<Article>,
  loaded: LoadedCorpus,
): LoadedCorpus & { kept: KeptArticle[] } {
  const servingById = new Map(serving.map((article) => [article.id, article]));
  const loadedIds = new Set(loaded.articles.map((article) => article.id));
  const articles = [...loaded.articles];
  const problems: FileProblem[] = [];
  const kept: KeptArticle[] = [];
  for (const problem of loaded.problems) {
    const id = problem.file.slice(0, -extname(problem.file).length);
    const lastGood = servingById.get(id);
    if (lastGood && !loadedIds.has(id)) {
      articles.push(lastGood);
      loadedIds.add(id);
      kept.push({ id, ...problem });
    } else {
      problems.push(problem);
    }
  }
  articles.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { articles, problems, kept };
}

function doneMessage(
  index: SearchIndex,
  problems: FileProblem[],
  kept: KeptArticle[],
  sources: SourcesReport,
): string {
  const parts = [
    `Refreshed: ${plural(index.articles.length, 'article')}, ${plural(index.passages.length, 'passage')}.`,
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

function skipped(status: 'busy' | 'cooldown', message: string): RefreshReport {
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

/**
 * What changed between two corpora: articles by id, paragraphs by id and text.
 *
 * @example
 * compareCorpora([a], [a, b]).articles.added // => ['b']
 */
export function compareCorpora(
  before: ReadonlyArray<Article>,
  after: ReadonlyArray<Article>,
): Pick<RefreshReport, 'articles' | 'paragraphs'> {
  const paragraphKeys = (articles: ReadonlyArray<Article>) =>
    new Set(
      articles.flatMap((a) =>
        a.paragraphs.filter((p) => !p.boilerplate).map((p) => `${a.id}#${p.number}\n${p.text}`),
      ),
    );
  const oldById = new Map(before.map((a) => [a.id, a]));
  const newIds = new Set(after.map((a) => a.id));
  const oldKeys = paragraphKeys(before);
  const newKeys = paragraphKeys(after);
  return {
    articles: {
      added: after.filter((a) => !oldById.has(a.id)).map((a) => a.id),
      removed: before.filter((a) => !newIds.has(a.id)).map((a) => a.id),
      changed: after
        .filter((a) => {
          const old = oldById.get(a.id);
          return old !== undefined && JSON.stringify(old) !== JSON.stringify(a);
        })
        .map((a) => a.id),
    },
    paragraphs: {
      added: [...newKeys].filter((key) => !oldKeys.has(key)).length,
      removed: [...oldKeys].filter((key) => !newKeys.has(key)).length,
    },
  };
}
