/**
 * The bot with its index in worker threads, through the fake Discord: it
 * answers members while it loads and while a refresh builds (held at a gate
 * in the build worker, so the order of events is fixed, not timed), from the
 * old index until the swap and the new one after; a dead answer worker costs
 * one apology, never silence.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerEngine } from '../../src/workers/worker-engine.ts';
import { gate, hold, reached, release } from '../worker-gates.ts';
import {
  type BotHarness,
  freshUser,
  list,
  MODERATOR_PERMISSIONS,
  replyOf,
  shownText,
  startBotHarness,
} from './bot-harness.ts';
import { CallbackType } from './fake-discord.ts';

const LIGHTHOUSE =
  'A team of twelve volunteers has finished restoring the Fresnel lens of the Carrow Point lighthouse, a job that took more than three years.\n' +
  'The lens, made in Paris in 1871, had been damaged when a storm broke the lantern room windows in 2018.\n';
const LIGHTHOUSE_QUESTION = 'Who restored the Fresnel lens of the lighthouse?';
const DELEGATION_QUESTION = 'Who led Ukraine’s delegation?';

let harness: BotHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The engine of each harness {@link start} made, to end its threads as a crash would. */
const engines = new WeakMap<BotHarness, WorkerEngine>();

async function start(gates: { build?: Int32Array; answer?: Int32Array }, connectFirst = false) {
  const engine = new WorkerEngine({ answerWorkers: 1, gates });
  harness = await startBotHarness({ engine, connectFirst });
  engines.set(harness, engine);
  return harness;
}

/**
 * A bot whose moderator has asked for a refresh that adds the lighthouse
 * article, held mid-build by the build worker's gate until the test releases it.
 */
async function startHeldRefresh() {
  const build = gate();
  const bot = await start({ build });
  await writeFile(join(bot.seedsDir, 'lighthouse.txt'), LIGHTHOUSE);
  hold(build);
  const refresh = bot.fake.sendSlashCommand({
    name: 'refresh',
    user: freshUser(),
    permissions: MODERATOR_PERMISSIONS,
  });
  await reached(build);
  return { bot, build, refresh };
}

function threadsOf(bot: BotHarness) {
  const engine = engines.get(bot);
  if (!engine) throw new Error('this harness was not made by start()');
  return engine.threads;
}

/** Asks as a new member and returns what they see. */
async function ask(bot: BotHarness, question: string) {
  const handle = bot.fake.sendSlashCommand({
    name: 'ask',
    options: { question },
    user: freshUser(),
  });
  return replyOf(bot.fake, handle);
}

async function autocomplete(bot: BotHarness, typed: string) {
  const handle = bot.fake.sendAutocomplete({
    name: 'ask',
    options: { question: typed },
    focused: 'question',
    user: freshUser(),
  });
  return (await bot.fake.waitForResponse(handle)).callback;
}

describe('the bot on worker threads', () => {
  it('connects before its articles load, says so privately, and suggests nothing meanwhile', async () => {
    const build = gate();
    hold(build);
    const bot = await start({ build }, true);
    await reached(build);
    expect(bot.library.state.state).toBe('loading');

    const loading = await ask(bot, DELEGATION_QUESTION);
    expect(loading.type).toBe(CallbackType.ChannelMessageWithSource);
    expect(loading.ephemeral).toBe(true);
    expect(shownText(loading.message)).toMatch(/still loading the articles \(started <t:\d+:R>\)/);
    const search = bot.fake.sendSlashCommand({ name: 'search', options: { query: 'talks' } });
    expect((await replyOf(bot.fake, search)).ephemeral).toBe(true);
    const suggestions = await autocomplete(bot, 'Who led Ukr');
    expect(suggestions.type).toBe(CallbackType.ApplicationCommandAutocompleteResult);
    expect(list(suggestions.data?.choices)).toEqual([]);

    release(build);
    await bot.library.ready;
    expect(shownText((await ask(bot, DELEGATION_QUESTION)).message)).toContain('Rustem Umerov');
    expect(bot.fake.interactionsNotAnsweredOnce()).toEqual([]);
  });

  it('answers every member during a refresh, from the old index until the swap, then the new', async () => {
    const { bot, build, refresh } = await startHeldRefresh();

    // The build worker is mid-build: members ask and type meanwhile.
    const during = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 3 === 2
          ? autocomplete(bot, 'Who led Ukr').then((callback) => ({ callback, text: '' }))
          : ask(bot, i % 2 ? LIGHTHOUSE_QUESTION : DELEGATION_QUESTION).then((reply) => ({
              callback: { type: reply.type },
              text: shownText(reply.message),
            })),
      ),
    );
    for (const { callback, text } of during) {
      expect([
        CallbackType.ChannelMessageWithSource,
        CallbackType.ApplicationCommandAutocompleteResult,
      ]).toContain(callback.type);
      expect(text).not.toContain('twelve volunteers');
    }
    expect(bot.library.sources().map((s) => s.id)).not.toContain('lighthouse');

    release(build);
    const report = await replyOf(bot.fake, refresh);
    expect(shownText(report.message)).toContain('Added: lighthouse');
    const after = await ask(bot, LIGHTHOUSE_QUESTION);
    expect(shownText(after.message)).toContain('twelve volunteers');
    expect(bot.fake.interactionsNotAnsweredOnce()).toEqual([]);
  });

  it('tells the moderator the refresh failed and keeps answering when the build worker dies', async () => {
    const { bot, build, refresh } = await startHeldRefresh();
    await Promise.all(threadsOf(bot).build.map((worker) => worker.terminate()));
    const report = shownText((await replyOf(bot.fake, refresh)).message);
    expect(report).toMatch(/the index builder stopped/);
    expect(report).toMatch(/The previous content is still being served/);
    expect(bot.library.sources().map((s) => s.id)).not.toContain('lighthouse');
    expect(shownText((await ask(bot, DELEGATION_QUESTION)).message)).toContain('Rustem Umerov');
    release(build);
  });

  it('apologizes for the question a dying answer worker held, then answers again', async () => {
    const answer = gate();
    const bot = await start({ answer });
    hold(answer);
    const handle = bot.fake.sendSlashCommand({
      name: 'ask',
      options: { question: DELEGATION_QUESTION },
      user: freshUser(),
    });
    await reached(answer);
    await Promise.all(threadsOf(bot).answer.map((worker) => worker.terminate()));
    const apology = await replyOf(bot.fake, handle);
    expect(apology.ephemeral).toBe(true);
    expect(shownText(apology.message)).toMatch(/Something went wrong on my side/);

    release(answer);
    expect(shownText((await ask(bot, DELEGATION_QUESTION)).message)).toContain('Rustem Umerov');
    expect(bot.fake.interactionsNotAnsweredOnce()).toEqual([]);
  });
});
