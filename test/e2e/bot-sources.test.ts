/**
 * `/sources list` and `/sources add` end to end, and the sources section of
 * `/refresh`: the real bot against the fake Discord, its library fetching
 * articles from a local HTTP server (loopback allowed for this test only).
 */
import { readFileSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SOURCES_LIST_FILE, sourceArticleId } from '../../src/sources/sources-list.ts';
import { messageProblems } from '../hostile-inputs.ts';
import {
  type BotHarness,
  freshUser,
  MODERATOR_PERMISSIONS,
  messageBodies,
  replyOf,
  shownText,
  startBotHarness,
} from './bot-harness.ts';
import { CallbackType, type RawCommandOption } from './fake-discord.ts';

const ARTICLE = readFileSync(new URL('../fixtures/html/article.html', import.meta.url), 'utf8');
const TITLE = 'City council approves new river crossing after decade of debate';
const QUESTION = 'How much will the new bridge across the Aller River cost?';

const owner = freshUser();
/** Requests the article server received, by path. */
const hits = new Map<string, number>();
/** Whether /bridge serves the article (true) or fails with 503 (false). */
let bridgeUp = true;
let server: http.Server;
let base: string;
let harness: BotHarness;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/bridge' && bridgeUp) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(ARTICLE);
      return;
    }
    res.writeHead(path === '/bridge' ? 503 : 404, { 'content-type': 'text/html' });
    res.end('<h1>No</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  harness = await startBotHarness({
    ownerIds: [owner.id],
    sourceFetch: { allowLoopback: true, allowedPorts: [port], timeoutMs: 2_000 },
  });
});

afterAll(async () => {
  await harness?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

beforeEach(() => {
  hits.clear();
  bridgeUp = true;
});

function sources(subcommand: 'list' | 'add', options: RawCommandOption[] = [], user = freshUser()) {
  return harness.fake.sendSlashCommand({
    name: 'sources',
    options: [{ name: subcommand, type: 1, options }],
    user,
  });
}

const add = (url: string, user = freshUser()) =>
  sources('add', [{ name: 'url', type: 3, value: url }], user);
const listFile = () => readFile(join(harness.seedsDir, SOURCES_LIST_FILE), 'utf8');

describe('/sources list', () => {
  it('lists the articles, with or without the subcommand (a deployment from before it had one)', async () => {
    for (const handle of [
      sources('list'),
      harness.fake.sendSlashCommand({ name: 'sources', user: freshUser() }),
    ]) {
      const reply = await replyOf(harness.fake, handle);
      expect(reply.ephemeral).toBe(false);
      const text = shownText(reply.message);
      expect(text).toContain('📰 Sources (1)');
      expect(text).toMatch(/Last refreshed <t:\d+:R>/);
      expect(text).toContain('16 May 2025 · 28 paragraphs');
    }
  });
});

describe('/sources add', () => {
  it('refuses a non-owner at once, privately, without fetching or listing anything', async () => {
    const before = await listFile();
    const stranger = freshUser();
    const reply = await replyOf(harness.fake, add(`${base}/bridge`, stranger));
    expect(reply.type).toBe(CallbackType.ChannelMessageWithSource);
    expect(reply.ephemeral).toBe(true);
    expect(shownText(reply.message)).toBe(
      '\n⚠️ Not added\nOnly the bot’s owners can add sources; ask one of them to add this link.\n',
    );
    expect(hits.size).toBe(0);
    expect(await listFile()).toBe(before);
    expect(harness.library.sources()).toHaveLength(1);
    // The command refuses before the library is asked, and audits the attempt in the bot's log.
    const audits = harness.logs().map((line) => line.audit);
    expect(audits).toContainEqual(
      expect.objectContaining({ event: 'source-add', requestedBy: stranger.id, status: 'refused' }),
    );
  });

  it('refuses an owner’s link to the cloud metadata address, saying why', async () => {
    const before = await listFile();
    const reply = await replyOf(
      harness.fake,
      add('http://169.254.169.254/latest/meta-data/', owner),
    );
    expect(reply.type).toBe(CallbackType.DeferredChannelMessageWithSource);
    expect(reply.ephemeral).toBe(true);
    const text = shownText(reply.message);
    expect(text).toContain('⚠️ Not a link I can fetch');
    expect(text).toContain('http://169.254.169.254/latest/meta-data/ points to');
    expect(text).toContain('only public addresses can be fetched');
    expect(await listFile()).toBe(before);
    expect(harness.library.sources()).toHaveLength(1);
  });

  it('lets an owner add an article, which /ask then answers from', async () => {
    const url = `${base}/bridge`;
    const handle = add(url, owner);
    const reply = await replyOf(harness.fake, handle);
    expect(reply.type).toBe(CallbackType.DeferredChannelMessageWithSource);
    expect(reply.ephemeral).toBe(true);
    const text = shownText(reply.message);
    expect(text).toContain('✅ Source added');
    expect(text).toContain(`Added “${TITLE}” as ${sourceArticleId(url)}.`);
    expect(text).toContain('Ask about it with /ask');
    expect(hits.get('/bridge')).toBe(1);
    expect(await listFile()).toMatch(new RegExp(`\\n${url}\\n$`));

    const answer = await replyOf(
      harness.fake,
      harness.fake.sendSlashCommand({
        name: 'ask',
        options: { question: QUESTION },
        user: freshUser(),
      }),
    );
    const shown = shownText(answer.message);
    expect(shown).toContain('$210 million');
    expect(shown).toContain(`📰 The Harbor Ledger · [${TITLE}](${url}) · 5 March 2024 · ¶2`);

    const listed = shownText((await replyOf(harness.fake, sources('list'))).message);
    expect(listed).toContain('📰 Sources (2)');
    expect(listed).toContain(`The Harbor Ledger · [${TITLE}](${url})`);
  });

  it('says when the link is already a source', async () => {
    const reply = await replyOf(harness.fake, add(`${base}/bridge#comments`, owner));
    const text = shownText(reply.message);
    expect(text).toContain('📰 Already a source');
    expect(text).toContain(`${base}/bridge is already in the sources list`);
    expect(hits.size).toBe(0);
  });
});

describe('/refresh with the sources list', () => {
  const refresh = async () =>
    shownText(
      (
        await replyOf(
          harness.fake,
          harness.fake.sendSlashCommand({
            name: 'refresh',
            user: freshUser(),
            permissions: MODERATOR_PERMISSIONS,
          }),
        )
      ).message,
    );

  it('lists the URLs kept from their last good copy and those that failed, with why', async () => {
    await appendFile(join(harness.seedsDir, SOURCES_LIST_FILE), `${base}/missing\n`);
    bridgeUp = false;
    const text = await refresh();
    expect(text).toContain(
      '**Sources list:** 0 fetched (0 changed), 1 kept from the last good copy, 1 failed',
    );
    expect(text).toContain(
      `Kept (could not fetch; the last good copy is still used):\n• ${base}/bridge: ${base}/bridge answered HTTP 503 Service Unavailable; the site is busy or failing, try again later`,
    );
    expect(text).toContain(
      `Failed (could not fetch, and there is no earlier copy):\n• ${base}/missing: ${base}/missing answered HTTP 404 Not Found`,
    );
    expect((await harness.library.answer(QUESTION)).results[0]?.source.publisher).toBe(
      'The Harbor Ledger',
    );
  });

  it('lists the URLs fetched', async () => {
    const text = await refresh();
    expect(text).toContain(
      '**Sources list:** 1 fetched (0 changed), 0 kept from the last good copy, 1 failed',
    );
    expect(text).toContain(`Fetched:\n• ${base}/bridge\n`);
  });

  it('sent only payloads within limits and without pings', () => {
    for (const { body } of messageBodies(harness.fake)) {
      expect(body.allowed_mentions).toEqual({ parse: [] });
      expect(messageProblems(body)).toEqual([]);
    }
  });
});
