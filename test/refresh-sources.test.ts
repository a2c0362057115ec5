import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/corpus/load.ts';
import type { LibraryEvent } from '../src/library/audit.ts';
import { Library } from '../src/library/library.ts';
import {
  appendSource,
  normalizeSourceUrl,
  parseSourcesList,
  SOURCES_LIST_HEADER,
  sourceArticleId,
} from '../src/sources/sources-list.ts';
import { type LocalServer, startLocalServer } from './local-server.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/html/${name}`, import.meta.url), 'utf8');
const BRIDGE = fixture('article.html');
const LIGHTHOUSE = fixture('article-plain.html');
const LOGIN = fixture('login.html');

const OWNER = '100000000000000001';
const USER_AGENT = 'talkbot-test/1.0';

/** Requests the server received, by path, and the User-Agent of the last one. */
const hits = new Map<string, number>();
let lastUserAgent: string | undefined;
/** Whether /flaky serves its article (true) or an error (false). */
let flakyUp = true;
let site: LocalServer;
let base: string;
let port: number;

beforeAll(async () => {
  site = await startLocalServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    lastUserAgent = req.headers['user-agent'];
    const html = (body: string) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(body);
    };
    switch (path) {
      case '/bridge':
        return html(BRIDGE);
      case '/lighthouse':
        return html(LIGHTHOUSE);
      case '/login':
        return html(LOGIN);
      case '/flaky':
        if (flakyUp) return html(LIGHTHOUSE);
        res.writeHead(503, { 'content-type': 'text/html' });
        return res.end('<h1>Service unavailable</h1>');
      case '/hang':
        return; // never answers
      default:
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<h1>Not found</h1>');
    }
  });
  ({ port, base } = site);
});

afterAll(async () => {
  await site.close();
});

let seeds: string;
let events: LibraryEvent[];

beforeEach(async () => {
  seeds = await mkdtemp(join(tmpdir(), 'talkbot-sources-'));
  await writeFile(
    join(seeds, 'talks.txt'),
    'Russia and Ukraine met in Istanbul for direct talks.\n',
  );
  hits.clear();
  flakyUp = true;
  events = [];
});

afterEach(async () => {
  await rm(seeds, { recursive: true, force: true });
});

function open() {
  return Library.open({
    seedsDir: seeds,
    sourceFetch: {
      allowLoopback: true,
      allowedPorts: [port],
      timeoutMs: 1_000,
      userAgent: USER_AGENT,
    },
    log: (event) => events.push(event),
  });
}

const listFile = () => join(seeds, 'sources.list');
const listedUrls = async () =>
  parseSourcesList(await readFile(listFile(), 'utf8').catch(() => '')).map((l) => l.text);

describe('Library.addSource', () => {
  it('lets an owner add a URL, which is saved as files, listed, loaded and answered from', async () => {
    const library = await open();
    const url = `${base}/bridge`;
    const result = await library.addSource(url, { requestedBy: OWNER });
    const id = sourceArticleId(url);
    expect(id).toMatch(/^url-127\.0\.0\.1-/);
    expect(result).toMatchObject({
      status: 'added',
      url,
      id,
      title: 'City council approves new river crossing after decade of debate',
      refresh: { status: 'done', articles: { added: [id] } },
    });

    expect(await listedUrls()).toEqual([url]);
    expect(await readFile(listFile(), 'utf8')).toMatch(/^# Article URLs the bot fetches/);
    const text = await readFile(join(seeds, `${id}.txt`), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^The Millbrook city council voted 7 to 2/);
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(await readFile(join(seeds, `${id}.json`), 'utf8'))).toEqual({
      title: 'City council approves new river crossing after decade of debate',
      publisher: 'The Harbor Ledger',
      published: '2024-03-05',
      url,
    });
    expect(lastUserAgent).toBe(USER_AGENT);

    const answer = await library.answer(
      'How much will the new bridge across the Aller River cost?',
    );
    expect(answer.results[0]?.source).toMatchObject({
      article: id,
      publisher: 'The Harbor Ledger',
      url,
    });
    expect(events.at(-1)).toMatchObject({
      event: 'source-add',
      requestedBy: OWNER,
      url,
      status: 'added',
    });
  });

  it.each([
    ['file:///etc/passwd', /uses the file: scheme/],
    ['not a link', /is not a valid URL/],
    ['http://10.0.0.5/news', /points to a private address/],
    ['http://169.254.169.254/latest/meta-data/', /link-local|metadata/],
    ['https://user:secret@news.example/a', /contains a user name or password/],
  ])('refuses %s as invalid', async (input, reason) => {
    const library = await open();
    const result = await library.addSource(input, { requestedBy: OWNER });
    expect(result).toMatchObject({ status: 'invalid', reason: expect.stringMatching(reason) });
    expect(await listedUrls()).toEqual([]);
  });

  it('refuses loopback addresses unless the loopback flag is set', async () => {
    const library = await Library.open({ seedsDir: seeds });
    const result = await library.addSource(`${base}/bridge`, {
      requestedBy: OWNER,
    });
    expect(result).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/loopback/) });
    expect(hits.size).toBe(0);
  });

  it('does not list a URL twice, fragment or not', async () => {
    const library = await open();
    const request = { requestedBy: OWNER };
    expect((await library.addSource(`${base}/bridge`, request)).status).toBe('added');
    const again = await library.addSource(`${base}/bridge#comments`, request);
    expect(again).toEqual({
      status: 'duplicate',
      url: `${base}/bridge`,
      id: sourceArticleId(`${base}/bridge`),
    });
    expect(await listedUrls()).toEqual([`${base}/bridge`]);
  });

  it('adds nothing when the page cannot be fetched as an article', async () => {
    const library = await open();
    const result = await library.addSource(`${base}/login`, {
      requestedBy: OWNER,
    });
    expect(result).toMatchObject({
      status: 'failed',
      failure: 'fetch',
      reason: expect.stringMatching(/does not look like an article/),
    });
    expect(await listedUrls()).toEqual([]);
    expect((await loadCorpus(seeds)).articles.map((a) => a.id)).toEqual(['talks']);
  });

  it('serializes concurrent additions so that none is lost', async () => {
    const library = await open();
    const request = { requestedBy: OWNER };
    const results = await Promise.all([
      library.addSource(`${base}/bridge`, request),
      library.addSource(`${base}/lighthouse`, request),
    ]);
    expect(results.map((r) => r.status)).toEqual(['added', 'added']);
    expect((await listedUrls()).sort()).toEqual([`${base}/bridge`, `${base}/lighthouse`]);
    expect(library.sources()).toHaveLength(3);
  });
});

describe('refresh with a sources list', () => {
  it('fetches every listed URL, skipping comments, and loads them', async () => {
    await writeFile(
      listFile(),
      `${SOURCES_LIST_HEADER}${base}/bridge\n\n  # a comment\n${base}/lighthouse\n`,
    );
    const library = await open();
    const report = await library.refresh();
    expect(report.status).toBe('done');
    expect(report.sources.fetched.map((s) => s.url)).toEqual([
      `${base}/bridge`,
      `${base}/lighthouse`,
    ]);
    expect(report.sources.fetched.every((s) => s.changed)).toBe(true);
    expect(report.sources.kept).toEqual([]);
    expect(report.sources.failed).toEqual([]);
    expect(report.articles.added.sort()).toEqual(
      [sourceArticleId(`${base}/bridge`), sourceArticleId(`${base}/lighthouse`)].sort(),
    );
    expect(
      (await library.answer('Who restored the lighthouse lens?')).results[0]?.source.article,
    ).toBe(sourceArticleId(`${base}/lighthouse`));
  });

  it('keeps the last good copy of a URL that fails, and says so', async () => {
    await writeFile(listFile(), `${base}/flaky\n`);
    const library = await open();
    const id = sourceArticleId(`${base}/flaky`);
    expect((await library.refresh()).sources.fetched.map((s) => s.id)).toEqual([id]);
    const saved = await readFile(join(seeds, `${id}.txt`), 'utf8');

    flakyUp = false;
    const report = await library.refresh();
    expect(report.status).toBe('done');
    expect(report.sources.fetched).toEqual([]);
    expect(report.sources.kept).toEqual([
      { url: `${base}/flaky`, id, reason: expect.stringMatching(/503/) },
    ]);
    expect(report.articles).toEqual({ added: [], removed: [], changed: [] });
    expect(await readFile(join(seeds, `${id}.txt`), 'utf8')).toBe(saved);
    expect(
      (await library.answer('Who restored the lighthouse lens?')).results[0]?.source.article,
    ).toBe(id);
  });

  it('reports a URL that never worked, and a line that is no URL, as failed', async () => {
    await writeFile(listFile(), `${base}/missing\nnews.example/story\n`);
    const library = await open();
    const report = await library.refresh();
    expect(report.status).toBe('done');
    expect(report.sources.failed).toEqual([
      {
        url: `${base}/missing`,
        id: sourceArticleId(`${base}/missing`),
        reason: expect.stringMatching(/404/),
      },
      { url: 'news.example/story', id: null, reason: expect.stringMatching(/not a valid URL/) },
    ]);
  });

  it('gives up on a URL after the fetch timeout, keeping the rest', async () => {
    await writeFile(listFile(), `${base}/hang\n${base}/bridge\n`);
    const library = await Library.open({
      seedsDir: seeds,
      // /hang never answers; the limit is only long enough that /bridge, real
      // work on a loaded machine, always fits in it.
      sourceFetch: { allowLoopback: true, allowedPorts: [port], timeoutMs: 1_000 },
    });
    const report = await library.refresh();
    expect(report.sources.failed).toEqual([
      {
        url: `${base}/hang`,
        id: expect.any(String),
        reason: expect.stringMatching(/within 1000 ms/),
      },
    ]);
    expect(report.sources.fetched.map((s) => s.url)).toEqual([`${base}/bridge`]);
  });

  it('leaves unchanged articles untouched on disk', async () => {
    await writeFile(listFile(), `${base}/bridge\n`);
    const library = await open();
    await library.refresh();
    const file = join(seeds, `${sourceArticleId(`${base}/bridge`)}.txt`);
    // A time in the past, so that a rewrite would show whatever the clock's resolution.
    const past = new Date('2020-01-01T00:00:00Z');
    await utimes(file, past, past);
    const report = await library.refresh();
    expect(report.sources.fetched).toMatchObject([{ changed: false }]);
    expect((await stat(file)).mtime).toEqual(past);
  });

  it('fetches nothing when asked not to', async () => {
    await writeFile(listFile(), `${base}/bridge\n`);
    const library = await open();
    const report = await library.refresh({ fetchSources: false });
    expect(report.status).toBe('done');
    expect(report.sources).toEqual({ fetched: [], kept: [], failed: [], skipped: [] });
    expect(hits.size).toBe(0);
  });
});

describe('the sources list format', () => {
  it('keeps URL lines in order, dropping comments, blanks and repeats', () => {
    expect(
      parseSourcesList(
        '# head\n\nhttps://a.example/1\r\n  https://a.example/2  \nhttps://a.example/1#x\n',
      ),
    ).toEqual([
      { line: 3, text: 'https://a.example/1' },
      { line: 4, text: 'https://a.example/2' },
    ]);
  });

  it('derives a stable, readable, loadable article id from a URL', () => {
    const id = sourceArticleId('https://www.news.example/2025/05/16/talks');
    expect(id).toBe(sourceArticleId('https://www.news.example/2025/05/16/talks'));
    expect(id).toMatch(/^url-news\.example-[0-9a-f]{10}$/);
    expect(sourceArticleId('https://www.news.example/other')).not.toBe(id);
    expect(sourceArticleId(`https://${'x'.repeat(200)}.example/a`).length).toBeLessThanOrEqual(100);
    expect(sourceArticleId('http://[::1]:8080/a')).toMatch(/^url-[A-Za-z0-9][A-Za-z0-9_.-]*$/);
  });

  it('normalizes URLs as the list stores them', () => {
    expect(normalizeSourceUrl(' https://News.example/a#top ')).toBe('https://news.example/a');
    expect(() => normalizeSourceUrl('ftp://news.example/a')).toThrow(/ftp: scheme/);
  });

  it('appends to a list, creating it with its format header, never twice', async () => {
    expect(await appendSource(seeds, 'https://news.example/a')).toBe(true);
    await writeFile(listFile(), `${await readFile(listFile(), 'utf8')}https://news.example/b`);
    expect(await appendSource(seeds, 'https://news.example/c')).toBe(true);
    expect(await appendSource(seeds, 'https://news.example/a')).toBe(false);
    const text = await readFile(listFile(), 'utf8');
    expect(text.startsWith(SOURCES_LIST_HEADER)).toBe(true);
    expect(parseSourcesList(text).map((l) => l.text)).toEqual([
      'https://news.example/a',
      'https://news.example/b',
      'https://news.example/c',
    ]);
  });

  it('ships seeds/sources.list with its format documented and no URL', async () => {
    const text = await readFile('seeds/sources.list', 'utf8');
    expect(text).toBe(SOURCES_LIST_HEADER);
    expect(parseSourcesList(text)).toEqual([]);
  });
});
