/**
 * A page built to be slow to read, added by an owner through the fake
 * Discord: it is read in a worker ended at the time limit, so members asking
 * meanwhile are all answered, and the owner is told the page took too long.
 */

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotHarness, freshUser, replyOf, shownText, startBotHarness } from './bot-harness.ts';

/** Far within the markup limits, and about a second of Readability's work: over the 100 ms allowed here. */
const SLOW_PAGE = `<html><head><title>Council report</title></head><body><article>${Array.from(
  { length: 5000 },
  (_, i) =>
    `<div><p>Paragraph ${i} of the report says that the council met on Tuesday and voted on the bridge.</p></div>`,
).join('')}</article></body></html>`;

const owner = freshUser();
let harness: BotHarness;
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(SLOW_PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}/report`;
  harness = await startBotHarness({
    ownerIds: [owner.id],
    sourceFetch: { allowLoopback: true, allowedPorts: [port], extractTimeoutMs: 100 },
  });
});

afterAll(async () => {
  await harness?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe('an owner adding a page too slow to read', () => {
  it('answers every member meanwhile, and tells the owner the page took too long', async () => {
    const { fake } = harness;
    const adding = fake.sendSlashCommand({
      name: 'sources',
      options: [{ name: 'add', type: 1, options: [{ name: 'url', type: 3, value: url }] }],
      user: owner,
    });
    const asks = Array.from({ length: 8 }, () =>
      fake.sendSlashCommand({
        name: 'ask',
        options: { question: 'Who led Ukraine’s delegation?' },
        user: freshUser(),
      }),
    );
    for (const ask of asks) {
      expect(shownText((await replyOf(fake, ask)).message)).toContain('Rustem Umerov');
    }
    const added = await replyOf(fake, adding);
    expect(added.ephemeral).toBe(true);
    expect(shownText(added.message)).toContain(`${url} took too long to read`);
    expect(harness.library.sources().map((s) => s.id)).toHaveLength(1);
    expect(fake.interactionsNotAnsweredOnce()).toEqual([]);
  });
});
