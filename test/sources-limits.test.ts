/**
 * What untrusted sources cannot do: put a password in a log line, write a
 * megabyte audit line, or keep a refresh fetching without end.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditRefusal, ownerRefusal } from '../commands/sources.ts';
import { AUDIT_LIST_LIMIT, type LibraryEvent } from '../src/library/audit.ts';
import { Library } from '../src/library/library.ts';
import { createLogger } from '../src/log.ts';
import type { FetchArticleOptions, FetchedArticle } from '../src/sources/fetch-article.ts';
import { fetchSources } from '../src/sources/refresh-sources.ts';
import { type LocalServer, startLocalServer } from './local-server.ts';

const ARTICLE = readFileSync(new URL('./fixtures/html/article.html', import.meta.url), 'utf8');
const OWNER = '100000000000000001';
const STRANGER = '200000000000000002';
const ADD_PASSWORD = 'AddPassw0rd';
const REDIRECT_PASSWORD = 'RedirectPassw0rd';
const LIST_PASSWORD = 'ListPassw0rd';

let site: LocalServer;
let port: number;
let base: string;
let seeds: string;

beforeAll(async () => {
  site = await startLocalServer((req, res) => {
    if (req.url === '/to-credentials') {
      res.writeHead(302, {
        location: `http://admin:${REDIRECT_PASSWORD}@127.0.0.1:${port}/article`,
      });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(ARTICLE);
  });
  ({ port, base } = site);
});

afterAll(async () => {
  await site.close();
});

beforeEach(async () => {
  seeds = await mkdtemp(join(tmpdir(), 'talkbot-limits-'));
  await writeFile(join(seeds, 'talks.txt'), 'Russia and Ukraine met in Istanbul for talks.\n');
});

afterEach(async () => {
  vi.useRealTimers();
  await rm(seeds, { recursive: true, force: true });
});

/** A library whose audit events go through the bot's own logger into `lines`, as in `main.ts`. */
async function openLogged(lines: string[], events: LibraryEvent[], sourceFetch = {}) {
  const logger = createLogger({ destination: { write: (line: string) => lines.push(line) } });
  return Library.open({
    seedsDir: seeds,
    sourceFetch: { allowLoopback: true, allowedPorts: [port], timeoutMs: 2_000, ...sourceFetch },
    log: (event) => {
      events.push(event);
      logger.info({ audit: event }, `library ${event.event}`);
    },
  });
}

/** The bot's logger, as `/sources add` writes its refusals to it, into `lines`. */
function commandLogger(lines: string[]) {
  return createLogger({ destination: { write: (line: string) => lines.push(line) } });
}

describe('no secret in logs', () => {
  it('logs no password of an added URL, a redirect target or a listed URL', async () => {
    const lines: string[] = [];
    const events: LibraryEvent[] = [];
    const library = await openLogged(lines, events);
    const owner = { requestedBy: OWNER };

    const withPassword = `http://editor:${ADD_PASSWORD}@127.0.0.1:${port}/article`;
    const added = await library.addSource(withPassword, owner);
    expect(added).toMatchObject({
      status: 'invalid',
      reason: expect.stringMatching(/contains a user name or password/),
    });
    expect(added.url).toBe(`${base}/article`);
    // `/sources add` refuses a non-owner before the library is asked, naming the URL without its password.
    const refused = ownerRefusal(withPassword, STRANGER, [OWNER]);
    expect(refused?.status).toBe('refused');
    expect(refused?.url).toBe(`${base}/article`);
    if (refused)
      auditRefusal(commandLogger(lines), refused, { requestedBy: STRANGER, guildId: null });

    const redirected = await library.addSource(`${base}/to-credentials`, owner);
    expect(redirected).toMatchObject({
      status: 'failed',
      failure: 'fetch',
      reason: expect.stringMatching(/redirected to .* contains a user name or password/),
    });

    await writeFile(
      join(seeds, 'sources.list'),
      `http://editor:${LIST_PASSWORD}@127.0.0.1:${port}/article\n`,
    );
    const refresh = await library.refresh();
    expect(refresh.sources.failed).toMatchObject([{ url: `${base}/article` }]);

    const everything = [
      ...lines,
      JSON.stringify(events),
      JSON.stringify([added, refused, redirected, refresh]),
    ].join('\n');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const password of [ADD_PASSWORD, REDIRECT_PASSWORD, LIST_PASSWORD]) {
      expect(everything).not.toContain(password);
    }
  });

  it('cuts credentials out of any log line, whoever wrote it', () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => lines.push(line) } });
    logger.warn({ err: `fetch http://a:${ADD_PASSWORD}@h.example/x failed` }, 'fetch failed');
    expect(lines.join('')).not.toContain(ADD_PASSWORD);
    expect(lines.join('')).toContain('http://[redacted]@h.example/x');
  });
});

describe('bounded audit lines', () => {
  it('names at most AUDIT_LIST_LIMIT sources per list and says how many it left out', async () => {
    const urls = Array.from(
      { length: 500 },
      (_, i) => `https://news${i}.example/${'a'.repeat(900)}`,
    );
    await writeFile(join(seeds, 'sources.list'), `${urls.join('\n')}\n`);
    const lines: string[] = [];
    const events: LibraryEvent[] = [];
    const library = await openLogged(lines, events, {
      fetchArticle: async (url: string) => {
        throw new Error(`no network in tests (${url})`);
      },
    });
    const report = await library.refresh();
    expect(report.sources.failed).toHaveLength(500);
    const audit = events.find((e) => e.event === 'refresh');
    expect(audit?.event === 'refresh' && audit.sources.failed).toHaveLength(AUDIT_LIST_LIMIT);
    expect(audit).toMatchObject({ leftOut: { 'sources.failed': 500 - AUDIT_LIST_LIMIT } });
    const line = lines.find((l) => l.includes('"library refresh"')) ?? '';
    expect(line.length).toBeGreaterThan(0);
    expect(line.length).toBeLessThan(20_000);
  });
});

describe('fetchSources time budget', () => {
  /** A fetch that never finishes on its own, only when its signal aborts; counts calls and the most at once. */
  function hangingFetch() {
    const calls: string[] = [];
    let running = 0;
    let most = 0;
    const fetchArticle = (url: string, options: FetchArticleOptions) =>
      new Promise<FetchedArticle>((_resolve, reject) => {
        calls.push(url);
        running += 1;
        most = Math.max(most, running);
        options.signal?.addEventListener('abort', () => {
          running -= 1;
          reject(new Error('aborted'));
        });
      });
    return { fetchArticle, calls, most: () => most };
  }

  it('fetches a few at a time, stops at the budget and reports every URL it skipped', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const urls = Array.from({ length: 12 }, (_, i) => `https://news${i}.example/a`);
    await writeFile(join(seeds, 'sources.list'), `${urls.join('\n')}\nnot a url\n`);
    const fake = hangingFetch();
    const done = fetchSources(seeds, {
      fetchArticle: fake.fetchArticle,
      concurrency: 3,
      refreshBudgetMs: 60_000,
    });
    let settled = false;
    void done.then(() => {
      settled = true;
    });
    // Reading the list is real I/O; the budget starts once the first fetches do.
    while (fake.calls.length < 3) await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(59_999);
    expect(settled).toBe(false);
    expect(fake.calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    const report = await done;
    expect(fake.calls).toHaveLength(3);
    expect(fake.most()).toBe(3);
    expect(report.fetched).toEqual([]);
    expect(report.skipped.map((s) => s.url)).toEqual([...urls, 'not a url']);
    expect(report.skipped[0]).toMatchObject({
      id: expect.stringMatching(/^url-news0\.example-/),
      reason: expect.stringMatching(/time budget \(60 s\) ran out/),
    });
    expect(report.skipped.at(-1)?.id).toBeNull();
  });

  it('skips nothing when every source is fetched within the budget', async () => {
    await writeFile(join(seeds, 'sources.list'), `${base}/article\n`);
    const report = await fetchSources(seeds, {
      allowLoopback: true,
      allowedPorts: [port],
      refreshBudgetMs: 60_000,
    });
    expect(report.fetched).toHaveLength(1);
    expect(report.skipped).toEqual([]);
  });
});
