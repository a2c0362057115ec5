/**
 * The insights store in one SQLite file, through better-sqlite3: WAL mode so
 * shards (separate processes) read while one writes, a busy timeout so they
 * wait for each other instead of failing, numbered migrations at open, and
 * every statement prepared once.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type {
  Citation,
  InsightsData,
  InsightsQuery,
  InsightsStore,
  QuestionRecord,
  VoteRecord,
  VoteResult,
} from './store.ts';

/** How long a statement waits for another process's write before failing. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * The schema, one step per number: step N runs once, when the file's
 * `user_version` is below N. Never edit a step that has shipped; add one.
 */
export const MIGRATIONS: ReadonlyArray<string> = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
   CREATE TABLE questions (
     id TEXT PRIMARY KEY,
     guild_id TEXT NOT NULL,
     question TEXT NOT NULL,
     asked_at INTEGER NOT NULL,
     outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'refused')),
     code TEXT,
     reason TEXT,
     asker TEXT NOT NULL,
     citations TEXT NOT NULL
   );
   CREATE INDEX questions_by_guild_time ON questions (guild_id, asked_at);
   CREATE INDEX questions_by_time ON questions (asked_at);
   CREATE TABLE votes (
     question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
     voter TEXT NOT NULL,
     vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
     voted_at INTEGER NOT NULL,
     PRIMARY KEY (question_id, voter)
   );`,
];

/** SQLite error codes that mean the file is not a database, or a damaged one. */
const CORRUPT_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

/** Whether an error from better-sqlite3 means the file is damaged. */
function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && [...CORRUPT_CODES].some((c) => code.startsWith(c));
}

/** What {@link openSqliteStore} did besides opening. */
export interface OpenedStore {
  store: InsightsStore;
  /** Where a damaged file was moved, when it was. */
  movedAside: string | null;
}

/**
 * Opens (creating folder and file when missing) the store at `path`. A damaged
 * file is moved aside as `<path>.corrupt-<time>` and a new one is created.
 *
 * @throws when the file cannot be opened or written (a bad path, no space, no permission).
 * @example
 * const { store } = openSqliteStore('.data/insights.sqlite', Date.now);
 */
export function openSqliteStore(path: string, now: () => number = Date.now): OpenedStore {
  mkdirSync(dirname(path), { recursive: true });
  try {
    return { store: new SqliteStore(path), movedAside: null };
  } catch (error) {
    if (!isCorruption(error)) throw error;
    const movedAside = moveAside(path, now());
    return { store: new SqliteStore(path), movedAside };
  }
}

/** Moves a damaged database and its write-ahead log out of the way; returns the new name. */
function moveAside(path: string, time: number): string {
  const stamp = new Date(time).toISOString().replace(/[:.]/g, '-');
  const target = `${path}.corrupt-${stamp}`;
  renameSync(path, target);
  if (existsSync(`${path}-wal`)) renameSync(`${path}-wal`, `${target}-wal`);
  rmSync(`${path}-shm`, { force: true });
  return target;
}

interface DownvotedRow {
  question: string;
  reason: string | null;
  up: number;
  down: number;
  citations: string;
}

interface CountsRow {
  questions: number;
  answered: number | null;
  refused: number | null;
  members: number;
}

class SqliteStore implements InsightsStore {
  readonly secret: Buffer;
  readonly #db: Database.Database;
  readonly #insertQuestion: Database.Statement;
  readonly #findQuestion: Database.Statement<[string], { guild_id: string }>;
  readonly #findVote: Database.Statement<[string, string], { vote: string }>;
  readonly #upsertVote: Database.Statement;
  readonly #addAll: Database.Transaction<(rows: ReadonlyArray<QuestionRecord>) => void>;
  readonly #voteTransaction: Database.Transaction<(vote: VoteRecord) => VoteResult>;

  constructor(path: string) {
    const db = new Database(path);
    try {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') {
        throw Object.assign(new Error(`quick_check: ${String(check)}`), {
          code: 'SQLITE_CORRUPT',
        });
      }
      migrate(db);
      this.secret = readSecret(db);
    } catch (error) {
      db.close();
      throw error;
    }
    this.#db = db;
    this.#insertQuestion = db.prepare(
      `INSERT OR IGNORE INTO questions (id, guild_id, question, asked_at, outcome, code, reason, asker, citations)
       VALUES (@id, @guildId, @question, @askedAt, @outcome, @code, @reason, @asker, @citations)`,
    );
    this.#findQuestion = db.prepare('SELECT guild_id FROM questions WHERE id = ?');
    this.#findVote = db.prepare('SELECT vote FROM votes WHERE question_id = ? AND voter = ?');
    this.#upsertVote = db.prepare(
      `INSERT INTO votes (question_id, voter, vote, voted_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (question_id, voter) DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at`,
    );
    this.#addAll = db.transaction((rows: ReadonlyArray<QuestionRecord>) => {
      for (const row of rows) {
        this.#insertQuestion.run({ ...row, citations: JSON.stringify(row.citations) });
      }
    });
    this.#voteTransaction = db.transaction((vote: VoteRecord): VoteResult => {
      const question = this.#findQuestion.get(vote.answerId);
      if (!question || question.guild_id !== vote.guildId) return 'unknown';
      const before = this.#findVote.get(vote.answerId, vote.voter)?.vote;
      if (before === vote.vote) return 'unchanged';
      this.#upsertVote.run(vote.answerId, vote.voter, vote.vote, vote.votedAt);
      return before === undefined ? 'counted' : 'changed';
    });
  }

  addQuestions(rows: ReadonlyArray<QuestionRecord>): void {
    if (rows.length > 0) this.#addAll.immediate(rows);
  }

  vote(vote: VoteRecord): VoteResult {
    return this.#voteTransaction.immediate(vote);
  }

  read(query: InsightsQuery): InsightsData {
    const scope = query.guildId === null ? '' : 'AND q.guild_id = @guildId';
    const params = {
      guildId: query.guildId,
      since: query.since,
      refusedLimit: query.refusedLimit,
      downvotedLimit: query.downvotedLimit,
    };
    const counts = this.#db
      .prepare<typeof params, CountsRow>(
        `SELECT count(*) AS questions,
                sum(outcome = 'answered') AS answered,
                sum(outcome = 'refused') AS refused,
                count(DISTINCT asker) AS members
         FROM questions q WHERE asked_at >= @since ${scope}`,
      )
      .get(params);
    const votes = this.#db
      .prepare<typeof params, { up: number | null; down: number | null }>(
        `SELECT sum(v.vote = 'up') AS up, sum(v.vote = 'down') AS down
         FROM votes v JOIN questions q ON q.id = v.question_id
         WHERE q.asked_at >= @since ${scope}`,
      )
      .get(params);
    const refused = this.#db
      .prepare<typeof params, InsightsData['refused'][number]>(
        `SELECT question, asker, code, reason, asked_at AS askedAt FROM questions q
         WHERE outcome = 'refused' AND asked_at >= @since ${scope}
         ORDER BY asked_at DESC LIMIT @refusedLimit`,
      )
      .all(params);
    const downvoted = this.#db
      .prepare<typeof params, DownvotedRow>(
        `SELECT q.question, q.reason, q.citations,
                sum(v.vote = 'up') AS up, sum(v.vote = 'down') AS down
         FROM votes v JOIN questions q ON q.id = v.question_id
         WHERE q.asked_at >= @since ${scope}
         GROUP BY q.id HAVING down > 0
         ORDER BY down DESC, up ASC, q.asked_at DESC LIMIT @downvotedLimit`,
      )
      .all(params);
    return {
      totals: {
        questions: counts?.questions ?? 0,
        answered: counts?.answered ?? 0,
        refused: counts?.refused ?? 0,
        members: counts?.members ?? 0,
        up: votes?.up ?? 0,
        down: votes?.down ?? 0,
      },
      refused,
      downvoted: downvoted.map((row) => ({
        question: row.question,
        reason: row.reason,
        up: row.up,
        down: row.down,
        citation: (JSON.parse(row.citations) as Citation[])[0] ?? null,
      })),
    };
  }

  clear(guildId: string): number {
    return this.#db.prepare('DELETE FROM questions WHERE guild_id = ?').run(guildId).changes;
  }

  prune(before: number): number {
    return this.#db.prepare('DELETE FROM questions WHERE asked_at < ?').run(before).changes;
  }

  close(): void {
    this.#db.close();
  }
}

/**
 * Brings the schema up to the last of {@link MIGRATIONS}, in one immediate
 * transaction so two shards starting together do not both migrate.
 */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = Number(db.pragma('user_version', { simple: true }));
    for (let step = version; step < MIGRATIONS.length; step++) {
      db.exec(MIGRATIONS[step] ?? '');
    }
    if (version < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

/** The store's secret, made on first use; every process sharing the file reads the same one. */
function readSecret(db: Database.Database): Buffer {
  db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('secret', ?)").run(randomBytes(32));
  const row = db.prepare("SELECT value FROM meta WHERE key = 'secret'").get() as {
    value: Buffer;
  };
  return row.value;
}
