/**
 * The library's audit trail: one event per start, refresh, source added and
 * snapshot problem, with lists bounded and credentials cut, so that a log line
 * stays small and safe whatever a refresh met.
 */
import type { FileProblem } from '../corpus/types.ts';
import { redactCredentials, withoutCredentials } from '../sources/credentials.ts';
import type { EditionSummary } from '../workers/engine.ts';
import type {
  AddSourceRequest,
  AddSourceResult,
  RefreshOptions,
  RefreshReport,
} from './reports.ts';

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
      index: 'snapshot' | 'built' | 'updated';
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
      /** Why it was not added, for `invalid`, `failed` and `refused` (see {@link AddSourceResult}). */
      reason: string | null;
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

/**
 * Entries an audit line names per list (sources, articles, problems): a list
 * of 10 000 URLs must not write megabytes per refresh. The line says how many
 * it left out; the reply to the moderator has the counts too.
 */
export const AUDIT_LIST_LIMIT = 20;
/** Longest text (URL, reason, file name) an audit line quotes. */
const AUDIT_TEXT_LIMIT = 300;

/** Where {@link AuditTrail} writes, and its clock. */
export interface AuditTrailOptions {
  /** Receives each event; what it throws is dropped. Default: none. */
  log?: (event: LibraryEvent) => void;
  now: () => number;
  /** The snapshot file, named by snapshot events. */
  snapshotPath: string | null;
}

/**
 * Writes the library's audit events. A logger that throws cannot break the
 * library: an audit line lost is better than a refresh reported as failed.
 *
 * @example
 * const audit = new AuditTrail({ log: (event) => logger.info({ audit: event }), now: Date.now, snapshotPath: null });
 * audit.snapshotError('load', 'ENOENT');
 */
export class AuditTrail {
  readonly #log: (event: LibraryEvent) => void;
  readonly #now: () => number;
  readonly #snapshotPath: string;

  constructor(options: AuditTrailOptions) {
    const { log } = options;
    this.#log = (event) => {
      try {
        log?.(event);
      } catch {
        // An audit line lost is better than a refresh reported as failed.
      }
    };
    this.#now = options.now;
    this.#snapshotPath = options.snapshotPath ?? '';
  }

  /**
   * The first edition serves.
   *
   * @example
   * audit.opened('seeds', edition);
   */
  opened(seedsDir: string, edition: EditionSummary): void {
    const leftOut: Record<string, number> = {};
    this.#log({
      event: 'open',
      at: this.#at(),
      seedsDir,
      articles: edition.catalog.length,
      passages: edition.passages,
      problems: auditList('problems', edition.problems, leftOut),
      leftOut,
      index: edition.from,
    });
  }

  /**
   * A refresh was asked for: what it did, or why it did not run.
   *
   * @returns the report, unchanged
   * @example
   * return audit.refreshed({ requestedBy: 'console' }, report);
   */
  refreshed(options: RefreshOptions, report: RefreshReport): RefreshReport {
    const leftOut: Record<string, number> = {};
    const { articles, sources } = report;
    this.#log({
      event: 'refresh',
      at: this.#at(),
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

  /**
   * A source was asked to be added.
   *
   * @example
   * audit.sourceAdded({ requestedBy: 'console' }, result);
   */
  sourceAdded(request: AddSourceRequest, result: AddSourceResult): void {
    // The URL and reason name no credentials already; redacting again guards what may be added later.
    this.#log({
      event: 'source-add',
      at: this.#at(),
      requestedBy: request.requestedBy,
      guildId: request.guildId ?? null,
      url: clip(withoutCredentials(result.url)),
      status: result.status,
      reason: 'reason' in result ? clip(redactCredentials(result.reason)) : null,
    });
  }

  /**
   * The snapshot could not be loaded or saved; the index serves all the same.
   *
   * @example
   * audit.snapshotError('save', 'EACCES');
   */
  snapshotError(action: 'load' | 'save', error: string): void {
    this.#log({ event: 'snapshot-error', at: this.#at(), path: this.#snapshotPath, action, error });
  }

  /**
   * Another process's snapshot now serves.
   *
   * @example
   * audit.snapshotReloaded(edition);
   */
  snapshotReloaded(edition: EditionSummary): void {
    this.#log({
      event: 'snapshot-reload',
      at: this.#at(),
      path: this.#snapshotPath,
      articles: edition.catalog.length,
      passages: edition.passages,
    });
  }

  #at(): string {
    return new Date(this.#now()).toISOString();
  }
}

/**
 * The first {@link AUDIT_LIST_LIMIT} items of a list for an audit line, their
 * texts clipped; how many were left out is recorded in `leftOut` under `name`.
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
