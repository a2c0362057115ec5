/**
 * Reading fetched pages in a worker thread with hard limits: the same article
 * as on this thread, markup too deep or too large refused before any slow
 * work, and a page that takes too long ended at the time limit, its source
 * keeping its last good copy.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../src/library/library.ts';
import { extractArticle, FetchArticleError } from '../src/sources/fetch-article.ts';
import { sourceArticleId } from '../src/sources/sources-list.ts';
import { extractInWorker } from '../src/workers/extract.ts';

const ARTICLE = readFileSync(new URL('./fixtures/html/article.html', import.meta.url), 'utf8');
const URL_SEEN = 'https://news.example/bridge';

/** A page well within the limits that takes far longer than 100 ms to read (about a second). */
const SLOW_PAGE = `<html><head><title>Council report</title></head><body><article>${Array.from(
  { length: 5000 },
  (_, i) =>
    `<div><p>Paragraph ${i} of the report says that the council met on Tuesday and voted on the bridge.</p></div>`,
).join('')}</article></body></html>`;

async function refusal(promise: Promise<unknown>): Promise<FetchArticleError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof FetchArticleError)) throw new Error(`expected a refusal, got ${error}`);
  return error;
}

describe('extractInWorker', () => {
  it('reads the same article as extractArticle on this thread', async () => {
    expect(await extractInWorker(ARTICLE, URL_SEEN)).toEqual(extractArticle(ARTICLE, URL_SEEN));
  });

  it('refuses markup nested deeper than any article, before Readability runs', async () => {
    const nested = `<html><body>${'<div>x '.repeat(1000)}</body></html>`;
    const error = await refusal(extractInWorker(nested, URL_SEEN));
    expect(error.code).toBe('too-complex');
    expect(error.message).toMatch(/nests its markup more than 150 levels deep/);
  });

  it('refuses a page of more elements than Readability is allowed to score', async () => {
    const huge = `<html><body>${'<p>a</p>'.repeat(20_001)}</body></html>`;
    const error = await refusal(extractInWorker(huge, URL_SEEN));
    expect(error.code).toBe('too-complex');
    expect(error.message).toMatch(/more than 20000 elements/);
  });

  it('ends the worker at the time limit and says the page took too long', async () => {
    const error = await refusal(extractInWorker(SLOW_PAGE, URL_SEEN, { timeLimitMs: 100 }));
    expect(error.code).toBe('too-slow');
    expect(error.message).toBe(`${URL_SEEN} took too long to read (more than 0.1 s of work)`);
    // The pool replaced the ended worker: the next page reads.
    expect((await extractInWorker(ARTICLE, URL_SEEN)).title).toBe(
      extractArticle(ARTICLE, URL_SEEN).title,
    );
  });
});

describe('a source whose page becomes too slow to read', () => {
  let server: http.Server;
  let port: number;
  let page = ARTICLE;
  let seeds: string;

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    seeds = await mkdtemp(join(tmpdir(), 'talkbot-extract-'));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(seeds, { recursive: true, force: true });
  });

  it('keeps its last good copy, which goes on answering', async () => {
    const url = `http://127.0.0.1:${port}/bridge`;
    const id = sourceArticleId(url);
    await writeFile(join(seeds, 'sources.list'), `${url}\n`);
    await writeFile(
      join(seeds, 'talks.txt'),
      'The talks in Istanbul lasted less than two hours.\n',
    );
    const sourceFetch = { allowLoopback: true, allowedPorts: [port] };
    // The good copy is read with the default limit: on a loaded machine even this
    // page (and the worker's start) can take more than the 0.1 s below.
    const first = await Library.open({ seedsDir: seeds, sourceFetch });
    expect((await first.refresh()).sources.fetched.map((s) => s.id)).toEqual([id]);
    const saved = await readFile(join(seeds, `${id}.txt`), 'utf8');
    const question = 'How did the council vote on the bridge?';

    const library = await Library.open({
      seedsDir: seeds,
      sourceFetch: { ...sourceFetch, extractTimeoutMs: 100 },
    });
    const before = await library.answer(question);
    expect(before).toEqual(await first.answer(question));
    await first.close();
    page = SLOW_PAGE;
    const report = await library.refresh();
    expect(report.status).toBe('done');
    expect(report.sources.kept).toEqual([
      { url, id, reason: `${url} took too long to read (more than 0.1 s of work)` },
    ]);
    expect(await readFile(join(seeds, `${id}.txt`), 'utf8')).toBe(saved);
    expect(await library.answer(question)).toEqual(before);
  });
});
