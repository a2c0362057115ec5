import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Answer } from '../../src/answer/answer.ts';
import { DAY_MS, Insights, type InsightsOptions } from '../../src/insights/insights.ts';
import { MIGRATIONS, openSqliteStore } from '../../src/insights/sqlite.ts';

const GUILD = '100000000000000001';
const OTHER_GUILD = '100000000000000002';
const ALICE = '200000000000000001';
const BOB = '200000000000000002';
const START = Date.UTC(2026, 0, 10);

function refused(question: string): Answer {
  return {
    question,
    answered: false,
    code: 'unknown-name',
    reason: 'No article mentions China.',
    results: [],
    total: 0,
  };
}

function answered(question: string): Answer {
  return {
    question,
    answered: true,
    results: [
      {
        text: 'Talks ended. Ukraine’s delegation was led by Rustem Umerov.',
        highlight: 'Ukraine’s delegation was led by Rustem Umerov.',
        score: 1,
        matchedTerms: ['led'],
        source: {
          article: 'talks',
          title: 'Talks',
          titleDerived: false,
          publisher: null,
          published: null,
          url: null,
          paragraph: 22,
        },
      },
    ],
    total: 1,
  };
}

let dir: string;
let clock: number;
let warnings: string[];

function open(overrides: Partial<InsightsOptions> = {}): Insights {
  return Insights.open({
    path: join(dir, 'data', 'insights.sqlite'),
    retentionDays: 30,
    logger: { warn: (_fields, message) => warnings.push(message), info: () => {} },
    now: () => clock,
    ...overrides,
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'talkbot-insights-'));
  clock = START;
  warnings = [];
});

afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

describe('Insights', () => {
  it('records questions asked in a server, but not private ones nor DMs', () => {
    const insights = open();
    const ask = (question: string, extra: { private?: boolean; guildId?: string | null } = {}) =>
      insights.recordAnswer({
        guildId: extra.guildId === undefined ? GUILD : extra.guildId,
        userId: ALICE,
        private: extra.private ?? false,
        answer: refused(question),
      });
    expect(ask('what did china say')).toMatch(/^[\w-]{18}$/);
    expect(ask('what did china say in secret', { private: true })).toBe('');
    expect(ask('what did china say in a dm', { guildId: null })).toBe('');
    const report = insights.report(GUILD, 30);
    expect(report?.totals).toEqual({
      questions: 1,
      answered: 0,
      refused: 1,
      up: 0,
      down: 0,
      members: 1,
    });
    expect(report?.refused).toEqual([
      {
        question: 'what did china say',
        count: 1,
        members: 1,
        code: 'unknown-name',
        reason: 'No article mentions China.',
      },
    ]);
    insights.close();
  });

  it('keeps no user id in the file', () => {
    const insights = open();
    const token = insights.recordAnswer({
      guildId: GUILD,
      userId: ALICE,
      private: false,
      answer: answered('Who led?'),
    });
    insights.vote({ guildId: GUILD, userId: BOB, token, vote: 'up' });
    insights.close();
    const db = new Database(join(dir, 'data', 'insights.sqlite'), { readonly: true });
    const rows = JSON.stringify([
      db.prepare('SELECT * FROM questions').all(),
      db.prepare('SELECT * FROM votes').all(),
    ]);
    db.close();
    expect(rows).toContain('Who led?');
    expect(rows).not.toContain(ALICE);
    expect(rows).not.toContain(BOB);
  });

  it('counts one vote per member per answer, which the member may change', () => {
    const insights = open();
    const token = insights.recordAnswer({
      guildId: GUILD,
      userId: ALICE,
      private: false,
      answer: answered('Who led?'),
    });
    const vote = (userId: string, kind: 'up' | 'down') =>
      insights.vote({ guildId: GUILD, userId, token, vote: kind });
    expect(vote(BOB, 'down')).toBe('counted');
    expect(vote(BOB, 'down')).toBe('unchanged');
    expect(vote(ALICE, 'down')).toBe('counted');
    expect(vote(ALICE, 'up')).toBe('changed');
    const report = insights.report(GUILD, 30);
    expect(report?.totals.up).toBe(1);
    expect(report?.totals.down).toBe(1);
    expect(report?.downvoted).toEqual([
      {
        question: 'Who led?',
        reason: null,
        up: 1,
        down: 1,
        citation: {
          article: 'talks',
          paragraph: 22,
          excerpt: 'Ukraine’s delegation was led by Rustem Umerov.',
        },
      },
    ]);
    insights.close();
  });

  it('refuses forged tokens, tokens of another server and votes on cleared answers', () => {
    const insights = open();
    const token = insights.recordAnswer({
      guildId: GUILD,
      userId: ALICE,
      private: false,
      answer: answered('Who led?'),
    });
    const forged = `${token.slice(0, 8)}AAAAAAAAAA`;
    expect(insights.vote({ guildId: GUILD, userId: BOB, token: forged, vote: 'down' })).toBe(
      'forged',
    );
    expect(insights.vote({ guildId: OTHER_GUILD, userId: BOB, token, vote: 'down' })).toBe(
      'forged',
    );
    expect(insights.vote({ guildId: GUILD, userId: BOB, token: '', vote: 'down' })).toBe(
      'not-recorded',
    );
    expect(insights.clear(GUILD)).toBe(1);
    expect(insights.vote({ guildId: GUILD, userId: BOB, token, vote: 'down' })).toBe('unknown');
    expect(insights.report(GUILD, 30)?.totals.down).toBe(0);
    insights.close();
  });

  it('clears one server and reports every server for the console', () => {
    const insights = open();
    for (const guildId of [GUILD, OTHER_GUILD]) {
      insights.recordAnswer({ guildId, userId: ALICE, private: false, answer: refused('china?') });
    }
    expect(insights.report(null, 30)?.totals.questions).toBe(2);
    expect(insights.clear(OTHER_GUILD)).toBe(1);
    expect(insights.report(null, 30)?.totals.questions).toBe(1);
    expect(insights.report(GUILD, 30)?.totals.questions).toBe(1);
    insights.close();
  });

  it('keeps records across a restart with the same file', () => {
    const first = open();
    const token = first.recordAnswer({
      guildId: GUILD,
      userId: ALICE,
      private: false,
      answer: answered('Who led?'),
    });
    first.close();
    const second = open();
    expect(second.vote({ guildId: GUILD, userId: BOB, token, vote: 'down' })).toBe('counted');
    expect(second.report(GUILD, 30)?.totals).toMatchObject({ questions: 1, down: 1 });
    second.close();
  });

  it('deletes records older than the retention at start and daily', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    const first = open({ retentionDays: 2 });
    first.recordAnswer({ guildId: GUILD, userId: ALICE, private: false, answer: refused('a b') });
    first.close();
    clock += 3 * DAY_MS;
    const second = open({ retentionDays: 2 });
    expect(second.report(GUILD, 30)?.totals.questions).toBe(0);
    second.recordAnswer({ guildId: GUILD, userId: ALICE, private: false, answer: refused('c d') });
    second.flush();
    clock += 1.5 * DAY_MS;
    vi.advanceTimersByTime(DAY_MS);
    expect(second.report(GUILD, 30)?.totals.questions).toBe(1);
    clock += 1 * DAY_MS;
    vi.advanceTimersByTime(DAY_MS);
    expect(second.report(GUILD, 30)?.totals.questions).toBe(0);
    second.close();
  });

  it('writes queued questions together, after the reply', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const insights = open();
    insights.recordAnswer({
      guildId: GUILD,
      userId: ALICE,
      private: false,
      answer: refused('a b'),
    });
    insights.recordAnswer({ guildId: GUILD, userId: BOB, private: false, answer: refused('a b') });
    const db = new Database(join(dir, 'data', 'insights.sqlite'), { readonly: true });
    const count = () =>
      (db.prepare('SELECT count(*) AS n FROM questions').get() as { n: number }).n;
    expect(count()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(count()).toBe(2);
    db.close();
    insights.close();
  });

  it('records nothing and creates no file when off', () => {
    const insights = open({ path: null });
    expect(insights.status).toBe('off');
    expect(
      insights.recordAnswer({
        guildId: GUILD,
        userId: ALICE,
        private: false,
        answer: refused('x'),
      }),
    ).toBe('');
    expect(insights.report(GUILD, 30)).toBeNull();
    insights.close();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('Insights faults', () => {
  it('goes on without recording, with one warning, when the file cannot be opened', () => {
    writeFileSync(join(dir, 'data'), 'a file where the folder should be');
    const insights = open();
    expect(insights.status).toBe('unavailable');
    for (let i = 0; i < 3; i++) {
      expect(
        insights.recordAnswer({
          guildId: GUILD,
          userId: ALICE,
          private: false,
          answer: refused('x'),
        }),
      ).toBe('');
    }
    expect(insights.report(GUILD, 30)).toBeNull();
    expect(insights.clear(GUILD)).toBeNull();
    expect(warnings).toHaveLength(1);
    insights.close();
  });

  it('creates the folder and the file when they are missing', () => {
    const insights = open();
    expect(insights.status).toBe('ok');
    expect(existsSync(join(dir, 'data', 'insights.sqlite'))).toBe(true);
    expect(warnings).toEqual([]);
    insights.close();
  });

  it('moves a damaged file aside as <name>.corrupt-<time> and starts a new one', () => {
    const path = join(dir, 'insights.sqlite');
    writeFileSync(path, 'SQLite format 3\0 but not really '.repeat(200));
    const insights = open({ path });
    expect(insights.status).toBe('ok');
    expect(warnings).toHaveLength(1);
    expect(readdirSync(dir)).toContain('insights.sqlite.corrupt-2026-01-10T00-00-00-000Z');
    insights.recordAnswer({
      guildId: GUILD,
      userId: ALICE,
      private: false,
      answer: refused('x y'),
    });
    expect(insights.report(GUILD, 30)?.totals.questions).toBe(1);
    insights.close();
  });

  it('starts a new file, with one warning, when the file is deleted while running', () => {
    const path = join(dir, 'insights.sqlite');
    const insights = open({ path });
    insights.recordAnswer({
      guildId: GUILD,
      userId: ALICE,
      private: false,
      answer: refused('a b'),
    });
    insights.flush();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    insights.recordAnswer({ guildId: GUILD, userId: BOB, private: false, answer: refused('c d') });
    expect(insights.report(GUILD, 30)?.totals.questions).toBe(1);
    expect(existsSync(path)).toBe(true);
    expect(warnings).toEqual(['insights database was deleted while running; started a new one']);
    insights.close();
  });

  it('moves every shard to the new file when another shard replaced a deleted one', () => {
    const path = join(dir, 'insights.sqlite');
    const shardA = open({ path });
    const shardB = open({ path });
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    shardA.recordAnswer({ guildId: GUILD, userId: ALICE, private: false, answer: refused('a b') });
    shardA.flush();
    shardB.recordAnswer({ guildId: GUILD, userId: BOB, private: false, answer: refused('c d') });
    shardB.flush();
    expect(shardA.report(GUILD, 30)?.totals.questions).toBe(2);
    expect(warnings).toHaveLength(2);
    shardA.close();
    shardB.close();
  });

  it('treats a full disk like any other fault, and tries again later', () => {
    let full = true;
    const insights = open({
      openStore: (path, now) => {
        const opened = openSqliteStore(path, now);
        const { store } = opened;
        const addQuestions = store.addQuestions.bind(store);
        store.addQuestions = (rows) => {
          if (full) {
            throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
          }
          addQuestions(rows);
        };
        return opened;
      },
    });
    const ask = () =>
      insights.recordAnswer({
        guildId: GUILD,
        userId: ALICE,
        private: false,
        answer: refused('a b'),
      });
    ask();
    expect(insights.report(GUILD, 30)).toBeNull();
    expect(insights.status).toBe('unavailable');
    expect(ask()).toBe('');
    expect(insights.report(GUILD, 30)).toBeNull();
    expect(warnings).toHaveLength(1);
    full = false;
    clock += 61_000;
    expect(ask()).not.toBe('');
    expect(insights.report(GUILD, 30)?.totals.questions).toBe(1);
    expect(insights.status).toBe('ok');
    insights.close();
  });

  it('lets two processes share one file: one migration, one secret, both see every record', () => {
    const path = join(dir, 'shared.sqlite');
    const shardA = open({ path });
    const shardB = open({ path });
    const token = shardA.recordAnswer({
      guildId: GUILD,
      userId: ALICE,
      private: false,
      answer: answered('Who led?'),
    });
    shardB.recordAnswer({ guildId: GUILD, userId: BOB, private: false, answer: refused('a b') });
    shardA.flush();
    shardB.flush();
    expect(shardB.vote({ guildId: GUILD, userId: BOB, token, vote: 'down' })).toBe('counted');
    expect(shardA.report(GUILD, 30)?.totals).toMatchObject({ questions: 2, down: 1 });
    shardA.close();
    shardB.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});
