/**
 * Runs talkbot's real bot (commands, router, discord.js client) against the
 * fake Discord, with the real Library on a temporary copy of the seed corpus,
 * and captures its logs, for the `bot*.test.ts` end-to-end tests.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { commands } from '../../commands/index.ts';
import type { LoadedCorpus } from '../../src/corpus/load.ts';
import { type Bot, startBot } from '../../src/discord/client.ts';
import { Insights } from '../../src/insights/insights.ts';
import type { LibraryEvent } from '../../src/library/audit.ts';
import { Library } from '../../src/library/library.ts';
import { createLogger } from '../../src/log.ts';
import type { FetchArticleOptions } from '../../src/sources/fetch-article.ts';
import type { IndexEngine } from '../../src/workers/engine.ts';
import {
  ACK_DEADLINE_MS,
  FakeDiscord,
  type FakeDiscordOptions,
  type InteractionHandle,
  type Json,
  type RecordedRequest,
  type WaitOptions,
} from './fake-discord.ts';

/** Discord's MANAGE_GUILD permission bit, for moderators. */
export const MANAGE_GUILD = 1n << 5n;
/** Ordinary member permissions plus Manage Server. */
export const MODERATOR_PERMISSIONS = (1n << 10n) | (1n << 11n) | (1n << 31n) | MANAGE_GUILD;
export const EPHEMERAL = 64;

export interface BotHarness {
  fake: FakeDiscord;
  bot: Bot;
  library: Library;
  /** The temporary copy of `seeds/` the library reads. */
  seedsDir: string;
  /** Parsed log lines the bot wrote so far. */
  logs: () => Json[];
  /** Raw log text, to check that no secret leaked. */
  rawLogs: () => string;
  /** The library's audit events. */
  events: LibraryEvent[];
  close(): Promise<void>;
}

export interface BotHarnessOptions {
  rateLimit?: { count: number; windowMs: number };
  refreshCooldownMs?: number;
  fake?: FakeDiscordOptions;
  loadCorpus?: (dir: string) => Promise<LoadedCorpus>;
  /** The bot's owners, who may `/sources add`. Default none. */
  ownerIds?: string[];
  /** How the library fetches article URLs. Default the fetcher's defaults. */
  sourceFetch?: FetchArticleOptions;
  /** The insights database (`INSIGHTS_DB`). Default none: insights off. */
  insightsPath?: string;
  /** Where the library's index work runs (`WorkerEngine` as the bot does). Default this thread. */
  engine?: IndexEngine;
  /** Connect before the articles are loaded, as the bot does (`library.ready` tells when). Default false. */
  connectFirst?: boolean;
}

/**
 * Starts a fake Discord and the bot logged in to it, ready.
 *
 * @example
 * const harness = await startBotHarness();
 * const reply = await harness.fake.waitForResponse(harness.fake.sendSlashCommand({ name: 'help' }));
 */
export async function startBotHarness(options: BotHarnessOptions = {}): Promise<BotHarness> {
  const seedsDir = await mkdtemp(join(tmpdir(), 'talkbot-seeds-'));
  await cp('seeds', seedsDir, { recursive: true });
  const events: LibraryEvent[] = [];
  const library = Library.start({
    seedsDir,
    log: (event) => events.push(event),
    ...(options.loadCorpus ? { loadCorpus: options.loadCorpus } : {}),
    ...(options.sourceFetch ? { sourceFetch: options.sourceFetch } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
  });
  if (!options.connectFirst) {
    await library.ready;
    // The first question loads the synonym tables; not while a test waits for a reply.
    await library.answer('warm up');
  }
  const fake = await FakeDiscord.start({ interactionTimeoutMs: ACK_DEADLINE_MS, ...options.fake });
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', secrets: [fake.token], destination });
  const bot = await startBot({
    token: fake.token,
    restApi: fake.restBase,
    library,
    logger,
    commands,
    rateLimit: options.rateLimit ?? { count: 1000, windowMs: 10_000 },
    ownerIds: options.ownerIds ?? [],
    refreshCooldownMs: options.refreshCooldownMs ?? 0,
    insights: Insights.open({ path: options.insightsPath ?? null, retentionDays: 30, logger }),
  });
  await bot.ready;
  return {
    fake,
    bot,
    library,
    seedsDir,
    logs: () => lines.map((line) => JSON.parse(line) as Json),
    rawLogs: () => lines.join(''),
    events,
    close: async () => {
      await bot.stop();
      bot.context.insights.close();
      await library.ready.catch(() => {});
      await library.close();
      await fake.close();
      await rm(seedsDir, { recursive: true, force: true });
    },
  };
}

let userCounter = 0;
/** A user id of its own per call, so the per-user rate limit of one test never touches another. */
export function freshUser(): { id: string; username: string } {
  userCounter += 1;
  return {
    id: String(200_000_000_000_000_000n + BigInt(userCounter)),
    username: `user${userCounter}`,
  };
}

/**
 * Every message body the bot sent: callbacks that carry a message (types 4
 * and 7) and webhook edits and follow-ups.
 */
export function messageBodies(fake: FakeDiscord): Array<{ request: RecordedRequest; body: Json }> {
  const bodies: Array<{ request: RecordedRequest; body: Json }> = [];
  for (const request of fake.requests) {
    const body = request.body as Json | undefined;
    if (!body) continue;
    if (/^\/interactions\/[^/]+\/[^/]+\/callback$/.test(request.path)) {
      if (body.type === 4 || body.type === 7) bodies.push({ request, body: body.data as Json });
    } else if (/^\/webhooks\//.test(request.path) && ['PATCH', 'POST'].includes(request.method)) {
      bodies.push({ request, body });
    }
  }
  return bodies;
}

/**
 * How the bot answered an interaction: the callback type, the message as the
 * user sees it now (the edited original, else the callback's), whether only
 * the user sees it, and the body the bot last sent for it (with `allowed_mentions`).
 */
export async function replyOf(
  fake: FakeDiscord,
  handle: InteractionHandle,
  options: WaitOptions = {},
): Promise<{ type: number; message: Json; ephemeral: boolean; sent: Json }> {
  const response = await fake.waitForResponse(handle, options);
  const edits = response.webhooks.filter((r) => r.method === 'PATCH' || r.method === 'POST');
  const sent = (edits.at(-1)?.body as Json | undefined) ?? response.callback.data ?? {};
  const message = fake.originalMessage(handle) ?? response.callback.data ?? {};
  const flags = Number(message.flags ?? response.callback.data?.flags ?? 0);
  return { type: response.callback.type, message, ephemeral: (flags & EPHEMERAL) !== 0, sent };
}

/** A JSON value as a list of objects: itself when it is an array, else empty. */
export function list(value: unknown): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

/** The footer text of a message's first embed. */
export function footerOf(message: Json): string {
  return String((list(message.embeds)[0]?.footer as Json | undefined)?.text ?? '');
}

/** Everything a message shows, as one text, for assertions. */
export function shownText(message: Json): string {
  const embeds = list(message.embeds);
  const parts = [String(message.content ?? '')];
  for (const embed of embeds) {
    parts.push(String(embed.title ?? ''), String(embed.description ?? ''));
    for (const field of list(embed.fields)) {
      parts.push(String(field.name), String(field.value));
    }
    parts.push(String((embed.footer as Json | undefined)?.text ?? ''));
  }
  return parts.join('\n');
}

/** Custom ids of the buttons of a message, in order. */
export function customIdsOf(message: Json): string[] {
  const rows = list(message.components);
  return rows.flatMap((row) => list(row.components).map((button) => String(button.custom_id)));
}
