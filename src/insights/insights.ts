/**
 * What members ask that the articles do not answer, and which answers they
 * find wrong: questions asked in servers are queued as they are answered and
 * written together moments later, so recording never holds up a reply; votes
 * and reports read the store directly. Storage faults (a bad path, a damaged
 * file, a full disk) cost one warning and the records, never an answer.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { statSync } from 'node:fs';
import type { Answer } from '../answer/answer.ts';
import { groupRefused, type RefusedGroup } from './report.ts';
import { openSqliteStore } from './sqlite.ts';
import type {
  Citation,
  DownvotedAnswer,
  InsightsStore,
  InsightsTotals,
  QuestionRecord,
  VoteKind,
  VoteResult,
} from './store.ts';

export const DAY_MS = 86_400_000;
/** Questions wait this long to be written together with the next ones. */
const FLUSH_DELAY_MS = 200;
/** Questions held while the store cannot be written; more are dropped. */
const MAX_PENDING = 10_000;
/** After a write fails, the store is tried again after this long. */
const RETRY_AFTER_MS = 60_000;
/** Longest excerpt of a cited passage kept. */
const EXCERPT_LENGTH = 300;
/**
 * Refused questions read for one report; groups come from the most recent.
 * Grouping 5000 takes about 80 ms on a busy 2-core machine, most of it term processing.
 */
const REFUSED_READ_LIMIT = 5_000;
/** Groups and 👎 answers a report lists. */
const REPORT_REFUSED_GROUPS = 50;
const REPORT_DOWNVOTED = 25;
/** `days:` of a report. */
export const MIN_REPORT_DAYS = 1;
export const MAX_REPORT_DAYS = 365;
/** Length of a feedback token's two halves: the answer's id and its signature. */
const ID_LENGTH = 8;
const SIGNATURE_LENGTH = 10;

/** `off`: nothing recorded by choice; `unavailable`: the store failed. */
export type InsightsStatus = 'ok' | 'off' | 'unavailable';

/** A report of the last `days` days of one server, or of every server. */
export interface InsightsReport {
  days: number;
  totals: InsightsTotals;
  refused: RefusedGroup[];
  downvoted: DownvotedAnswer[];
}

/**
 * What a vote did: a {@link VoteResult}, or `forged` (a token the bot did not
 * sign for this server), `not-recorded` (a private or DM answer),
 * `unavailable` (storage off or failing).
 */
export type VoteOutcome = VoteResult | 'forged' | 'not-recorded' | 'unavailable';

/** An answer to record. */
export interface AskedQuestion {
  /** Null in DMs, which are not recorded. */
  guildId: string | null;
  userId: string;
  /** A `private:` question, which is not recorded. */
  private: boolean;
  answer: Answer;
}

/** A click on 👍 or 👎. */
export interface VoteClick {
  guildId: string | null;
  userId: string;
  /** The token from the button, empty for an answer that was not recorded. */
  token: string;
  vote: VoteKind;
}

/** Where warnings go: a pino logger fits. */
export interface InsightsLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

/** Options for {@link Insights.open}. */
export interface InsightsOptions {
  /** The SQLite file, or null to record nothing. */
  path: string | null;
  /** Records older than this many days are deleted, at start and daily. */
  retentionDays: number;
  logger: InsightsLogger;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
  /** Opens the store; for tests of faults. Default {@link openSqliteStore}. */
  openStore?: typeof openSqliteStore;
}

/**
 * Records questions and votes per server and reports on them.
 *
 * @example
 * const insights = Insights.open({ path: '.data/insights.sqlite', retentionDays: 30, logger });
 * const token = insights.recordAnswer({ guildId, userId, private: false, answer });
 * insights.vote({ guildId, userId, token, vote: 'down' }) // => 'counted'
 */
export class Insights {
  #store: InsightsStore | null;
  readonly #options: InsightsOptions;
  readonly #now: () => number;
  #secret: Buffer;
  #pending: QuestionRecord[] = [];
  #flushTimer: NodeJS.Timeout | null = null;
  #pruneTimer: NodeJS.Timeout | null = null;
  /** The inode of the file opened, to notice it was deleted or replaced. */
  #fileId: number | null;
  /** When the last write failed, or null while writes succeed. */
  #failedAt: number | null = null;

  private constructor(store: InsightsStore | null, options: InsightsOptions) {
    this.#store = store;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    // Without a store nothing is signed that must verify later; a throwaway secret will do.
    this.#secret = store?.secret ?? randomBytes(32);
    this.#fileId = options.path === null ? null : fileId(options.path);
  }

  /**
   * Opens the store (`off` when `path` is null), prunes old records and
   * schedules the daily prune. Never throws: a store that cannot be opened
   * leaves insights `unavailable` with one warning.
   */
  static open(options: InsightsOptions): Insights {
    if (options.path === null) return new Insights(null, options);
    const now = options.now ?? Date.now;
    let store: InsightsStore | null = null;
    try {
      const opened = (options.openStore ?? openSqliteStore)(options.path, now);
      store = opened.store;
      if (opened.movedAside) {
        options.logger.warn(
          { path: options.path, movedTo: opened.movedAside },
          'insights database was damaged; moved it aside and started a new one',
        );
      }
    } catch (error) {
      options.logger.warn(
        { path: options.path, err: describe(error) },
        'insights storage is unavailable; answering goes on without recording',
      );
    }
    const insights = new Insights(store, options);
    if (store) {
      insights.prune();
      insights.#pruneTimer = setInterval(() => insights.prune(), DAY_MS);
      insights.#pruneTimer.unref();
    }
    return insights;
  }

  get status(): InsightsStatus {
    if (this.#options.path === null) return 'off';
    return this.#store && this.#failedAt === null ? 'ok' : 'unavailable';
  }

  /**
   * Queues an answer to a question asked in a server, unless it was private
   * or in a DM. Returns the token its feedback buttons carry, or '' when it
   * is not recorded.
   */
  recordAnswer(asked: AskedQuestion): string {
    if (asked.private || asked.guildId === null || !this.#usable()) return '';
    if (this.#pending.length >= MAX_PENDING) return '';
    const { answer } = asked;
    const id = randomBytes(6).toString('base64url');
    this.#pending.push({
      id,
      guildId: asked.guildId,
      question: answer.question,
      askedAt: this.#now(),
      outcome: answer.answered ? 'answered' : 'refused',
      code: answer.answered ? null : answer.code,
      reason: answer.answered ? null : answer.reason,
      asker: this.#hash(`ask:${asked.guildId}:${asked.userId}`),
      citations: answer.results.map(citationOf),
    });
    this.#scheduleFlush();
    return `${id}${this.#sign(asked.guildId, id)}`;
  }

  /** Counts, changes or refuses a member's vote on an answer. */
  vote(click: VoteClick): VoteOutcome {
    // An answer goes unrecorded when it was private or in a DM, or when storage was not working.
    if (click.token === '') return this.status === 'ok' ? 'not-recorded' : 'unavailable';
    const id = click.token.slice(0, ID_LENGTH);
    const signature = click.token.slice(ID_LENGTH);
    if (click.guildId === null || !this.#verify(click.guildId, id, signature)) return 'forged';
    if (!this.#usable()) return 'unavailable';
    this.flush();
    if (this.#failedAt !== null) return 'unavailable';
    return this.#attempt(
      (store) =>
        store.vote({
          answerId: id,
          guildId: click.guildId ?? '',
          voter: this.#hash(`vote:${id}:${click.userId}`),
          vote: click.vote,
          votedAt: this.#now(),
        }),
      'unavailable',
    );
  }

  /** The last `days` days of one server (or of all, for null), or null when storage is off or failing. */
  report(guildId: string | null, days: number): InsightsReport | null {
    if (!this.#usable()) return null;
    this.flush();
    // A write that just failed (a full disk) says more than a read that works.
    if (this.#failedAt !== null) return null;
    return this.#attempt((store) => {
      const data = store.read({
        guildId,
        since: this.#now() - days * DAY_MS,
        refusedLimit: REFUSED_READ_LIMIT,
        downvotedLimit: REPORT_DOWNVOTED,
      });
      return {
        days,
        totals: data.totals,
        refused: groupRefused(data.refused, REPORT_REFUSED_GROUPS),
        downvoted: data.downvoted,
      };
    }, null);
  }

  /** Deletes a server's records; returns how many questions went, or null when storage is off or failing. */
  clear(guildId: string): number | null {
    if (!this.#usable()) return null;
    this.flush();
    // A write that just failed (a full disk) says more than a read that works.
    if (this.#failedAt !== null) return null;
    return this.#attempt((store) => store.clear(guildId), null);
  }

  /** Deletes records older than the retention period. */
  prune(): void {
    const before = this.#now() - this.#options.retentionDays * DAY_MS;
    const removed = this.#attempt((store) => store.prune(before), 0);
    if (removed > 0) this.#options.logger.info({ removed }, 'insights: old records deleted');
  }

  /** Writes the queued questions now, in one transaction. */
  flush(): void {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    this.#reopenIfDeleted();
    const rows = this.#pending;
    if (rows.length === 0) return;
    this.#pending = [];
    this.#attempt((store) => store.addQuestions(rows), undefined);
  }

  /** Writes what is queued and closes the store. */
  close(): void {
    if (this.#pruneTimer) clearInterval(this.#pruneTimer);
    this.flush();
    try {
      this.#store?.close();
    } catch {
      // Closing a store that failed has nothing left to save.
    }
  }

  /** Whether the store may be tried: open, and not failed within {@link RETRY_AFTER_MS}. */
  #usable(): boolean {
    if (!this.#store) return false;
    return this.#failedAt === null || this.#now() - this.#failedAt >= RETRY_AFTER_MS;
  }

  /**
   * Starts a new file when the one in use was deleted: SQLite would go on
   * writing to the deleted file, and every record would be lost unseen. The
   * file is told by its inode, so a shard also notices when another shard
   * has already put a new file in its place.
   */
  #reopenIfDeleted(): void {
    const { path, logger } = this.#options;
    if (path === null || !this.#store || fileId(path) === this.#fileId) return;
    try {
      this.#store.close();
    } catch {
      // The deleted file has nothing left to save.
    }
    try {
      this.#store = (this.#options.openStore ?? openSqliteStore)(path, this.#now).store;
      this.#secret = this.#store.secret;
      this.#fileId = fileId(path);
      logger.warn({ path }, 'insights database was deleted while running; started a new one');
    } catch (error) {
      this.#store = null;
      logger.warn(
        { path, err: describe(error) },
        'insights storage is unavailable; answering goes on without recording',
      );
    }
  }

  #scheduleFlush(): void {
    if (this.#flushTimer) return;
    this.#flushTimer = setTimeout(() => this.flush(), FLUSH_DELAY_MS);
    this.#flushTimer.unref();
  }

  /**
   * Runs a store call; on a fault warns once (until a call succeeds again)
   * and returns `fallback`.
   */
  #attempt<T>(call: (store: InsightsStore) => T, fallback: T): T {
    if (!this.#store) return fallback;
    try {
      const result = call(this.#store);
      if (this.#failedAt !== null) {
        this.#options.logger.info({}, 'insights storage works again');
        this.#failedAt = null;
      }
      return result;
    } catch (error) {
      if (this.#failedAt === null) {
        this.#options.logger.warn(
          { path: this.#options.path, err: describe(error) },
          'insights storage failed; answering goes on without recording',
        );
      }
      this.#failedAt = this.#now();
      return fallback;
    }
  }

  #hash(text: string): string {
    return createHmac('sha256', this.#secret).update(text).digest('base64url').slice(0, 16);
  }

  #sign(guildId: string, id: string): string {
    return this.#hash(`button:${guildId}:${id}`).slice(0, SIGNATURE_LENGTH);
  }

  #verify(guildId: string, id: string, signature: string): boolean {
    if (id.length !== ID_LENGTH || signature.length !== SIGNATURE_LENGTH) return false;
    return timingSafeEqual(Buffer.from(this.#sign(guildId, id)), Buffer.from(signature));
  }
}

function citationOf(passage: Answer['results'][number]): Citation {
  const { part, parts } = passage.source;
  return {
    article: passage.source.article,
    paragraph: passage.source.paragraph,
    ...(part !== undefined && parts !== undefined ? { part, parts } : {}),
    excerpt: [...(passage.highlight || passage.text)].slice(0, EXCERPT_LENGTH).join(''),
  };
}

/** The file's inode, or null when there is no file at `path`. */
function fileId(path: string): number | null {
  try {
    return statSync(path).ino;
  } catch {
    return null;
  }
}

function describe(error: unknown): { message: string; code?: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    message: error instanceof Error ? error.message : String(error),
    ...(typeof code === 'string' ? { code } : {}),
  };
}
