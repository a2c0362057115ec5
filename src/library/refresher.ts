/**
 * Readies each next edition through the engine and swaps it into the store:
 * the first one at start, one refresh at a time, another process's snapshot.
 * A failure leaves the serving edition serving.
 */
import { fetchSources, noSources, type SourcesFetchOptions } from '../sources/refresh-sources.ts';
import { BuilderStoppedError, type EngineOutcome, type IndexEngine } from '../workers/engine.ts';
import { readLoadTiming, writeLoadTiming } from '../workers/load-timing.ts';
import type { PrepareRequest } from '../workers/prepare.ts';
import type { AuditTrail } from './audit.ts';
import type { EditionStore } from './edition-store.ts';
import {
  doneReport,
  failedReport,
  notRunReport,
  type RefreshOptions,
  type RefreshReport,
} from './reports.ts';

/** Where the corpus and its snapshot are, and how to fetch the sources list. */
export interface RefresherSettings {
  seedsDir: string;
  snapshotPath: string | null;
  sourceFetch: SourcesFetchOptions;
  now: () => number;
  engine: IndexEngine;
}

/**
 * Prepares editions for an {@link EditionStore}. It starts loading the first
 * one when made; {@link ready} tells when it serves.
 *
 * @example
 * const refresher = new Refresher(settings, store, audit);
 * await refresher.ready;
 * (await refresher.refresh({ requestedBy: 'console' })).status // => 'done'
 */
export class Refresher {
  /** Resolves when the first edition serves; rejects when there is none to serve. */
  readonly ready: Promise<void>;
  #refreshing: Promise<RefreshReport> | null = null;
  /** Snapshot reloads, chained so that an older one never swaps in after a newer one. */
  #reloads: Promise<unknown> = Promise.resolve();
  readonly #snapshotListeners = new Set<() => void>();
  readonly #settings: RefresherSettings;
  readonly #store: EditionStore;
  readonly #audit: AuditTrail;

  constructor(settings: RefresherSettings, store: EditionStore, audit: AuditTrail) {
    this.#settings = settings;
    this.#store = store;
    this.#audit = audit;
    this.ready = this.#load();
    // Whoever awaits `ready` sees the failure; the store's state tells everyone else.
    this.ready.catch(() => {});
  }

  async #load(): Promise<void> {
    const settings = this.#settings;
    const started = settings.now();
    if (settings.snapshotPath) void this.#estimateReady(settings.snapshotPath, started);
    let outcome: EngineOutcome;
    try {
      outcome = await settings.engine.prepare(this.#request('open'), null);
      if (outcome.status !== 'ready') throw new Error(openFailure(settings.seedsDir, outcome));
    } catch (error) {
      this.#store.fail((error as Error).message);
      throw error;
    }
    const edition = outcome.edition;
    if (edition.saveError !== null) this.#audit.snapshotError('save', edition.saveError);
    this.#store.serve(edition);
    if (settings.snapshotPath)
      void writeLoadTiming(settings.snapshotPath, settings.now() - started);
    this.#audit.opened(settings.seedsDir, edition);
  }

  /** Sets when loading should end, from the last start's time. */
  async #estimateReady(snapshotPath: string, started: number): Promise<void> {
    const lastMs = await readLoadTiming(snapshotPath);
    if (lastMs !== null) this.#store.expectReadyBy(new Date(started + lastMs));
  }

  /** See `Library.refresh`. */
  refresh(options: RefreshOptions = {}): Promise<RefreshReport> {
    if (!this.#store.current) {
      return Promise.resolve(
        this.#audit.refreshed(options, notRunReport({ status: 'busy', busy: 'loading' })),
      );
    }
    const running = this.#refreshing;
    if (running) {
      if (options.whenBusy === 'wait') return running.then(() => this.refresh(options));
      return Promise.resolve(
        this.#audit.refreshed(options, notRunReport({ status: 'busy', busy: 'running' })),
      );
    }
    const started = this.#settings.now();
    this.#refreshing = this.#rebuild(started, options)
      .catch((error: Error) =>
        failedReport(
          { code: 'unexpected', error: error.message },
          [],
          noSources(),
          Math.round(this.#settings.now() - started),
        ),
      )
      .then((report) => this.#audit.refreshed(options, report))
      .finally(() => {
        this.#refreshing = null;
      });
    return this.#refreshing;
  }

  /** See `Library.idle`. */
  async idle(): Promise<void> {
    while (this.#refreshing) await this.#refreshing;
  }

  /** See `Library.onSnapshotSaved`. */
  onSnapshotSaved(listener: () => void): () => void {
    this.#snapshotListeners.add(listener);
    return () => {
      this.#snapshotListeners.delete(listener);
    };
  }

  /** See `Library.reloadSnapshot`. */
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
    const serving = this.#store.current;
    if (!serving) return false;
    let outcome: EngineOutcome;
    try {
      outcome = await settings.engine.prepare(this.#request('reload'), serving);
    } catch (error) {
      this.#audit.snapshotError('load', (error as Error).message);
      return false;
    }
    if (outcome.status === 'unreadable') this.#audit.snapshotError('load', outcome.code);
    if (outcome.status !== 'ready' || this.#store.current !== serving || this.#refreshing) {
      return false;
    }
    this.#store.serve(outcome.edition);
    this.#audit.snapshotReloaded(outcome.edition);
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

  async #rebuild(started: number, options: RefreshOptions): Promise<RefreshReport> {
    const { seedsDir, sourceFetch, engine } = this.#settings;
    const elapsed = () => Math.round(this.#settings.now() - started);
    const sources =
      options.fetchSources === false ? noSources() : await fetchSources(seedsDir, sourceFetch);
    const serving = this.#store.serving();
    let outcome: EngineOutcome;
    try {
      outcome = await engine.prepare(this.#request('build'), serving);
    } catch (error) {
      // A builder that died is a failure to report; anything else is unexpected (see `refresh`).
      if (!(error instanceof BuilderStoppedError)) throw error;
      return failedReport(
        { code: 'builder-stopped', error: error.message },
        [],
        sources,
        elapsed(),
      );
    }
    if (outcome.status === 'unreadable') {
      const failure = { code: 'unreadable', dir: seedsDir, error: outcome.code } as const;
      return failedReport(failure, [], sources, elapsed());
    }
    if (outcome.status !== 'ready') {
      const problems = outcome.status === 'empty' ? outcome.problems : [];
      return failedReport({ code: 'no-articles' }, problems, sources, elapsed());
    }
    const edition = outcome.edition;
    this.#store.serve(edition);
    if (edition.saveError !== null) this.#audit.snapshotError('save', edition.saveError);
    if (edition.saved) this.#snapshotSaved();
    return doneReport(edition, sources, elapsed());
  }

  #request(mode: PrepareRequest['mode']): Omit<PrepareRequest, 'alwaysHash'> {
    return {
      seedsDir: this.#settings.seedsDir,
      snapshotPath: this.#settings.snapshotPath,
      mode,
      servingHash: this.#store.current?.handle.hash ?? null,
    };
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
