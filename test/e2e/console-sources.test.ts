/**
 * The console's `/add-source` and the sources part of its `/refresh`: the
 * operator adds an article from a local HTTP server, asks about it, and sees
 * a failing URL kept from its last good copy.
 */
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsoleCommand } from '../../src/console/console.ts';
import { Library } from '../../src/library/library.ts';
import { SOURCES_LIST_FILE } from '../../src/sources/sources-list.ts';

const ARTICLE = readFileSync(new URL('../fixtures/html/article.html', import.meta.url), 'utf8');

let up = true;
let server: http.Server;
let base: string;
let seedsDir: string;
let library: Library;

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    res.writeHead(up ? 200 : 503, { 'content-type': 'text/html; charset=utf-8' });
    res.end(up ? ARTICLE : '<h1>Down</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  seedsDir = await mkdtemp(join(tmpdir(), 'talkbot-console-'));
  await cp('seeds', seedsDir, { recursive: true });
  library = await Library.open({
    seedsDir,
    sourceFetch: { allowLoopback: true, allowedPorts: [port], timeoutMs: 2_000 },
  });
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await rm(seedsDir, { recursive: true, force: true });
});

describe('console sources', () => {
  it('refuses an internal address, saying why', async () => {
    const output = await runConsoleCommand(library, '/add-source http://169.254.169.254/');
    expect(output).toMatch(/^http:\/\/169\.254\.169\.254\/ points to .*only public addresses/);
    expect(library.sources()).toHaveLength(1);
  });

  it('adds an article for the operator, and answers from it', async () => {
    const output = await runConsoleCommand(library, `/add-source ${base}/bridge`);
    expect(output).toMatch(
      /^Added “City council approves new river crossing after decade of debate” as url-127\.0\.0\.1-/,
    );
    expect(await readFile(join(seedsDir, SOURCES_LIST_FILE), 'utf8')).toContain(`${base}/bridge`);
    const answer = await runConsoleCommand(
      library,
      '/ask How much will the new bridge across the Aller River cost?',
    );
    expect(answer).toContain('$210 million');
    expect(answer).toContain('The Harbor Ledger');
  });

  it('reports fetched and kept URLs on /refresh', async () => {
    expect(await runConsoleCommand(library, '/refresh')).toContain(
      `Sources list: 1 fetched (0 changed), 0 kept from the last good copy, 0 failed.\nFetched ${base}/bridge`,
    );
    up = false;
    expect(await runConsoleCommand(library, '/refresh')).toContain(
      `Kept the last good copy of ${base}/bridge: ${base}/bridge answered HTTP 503`,
    );
  });
});
