/**
 * talkbot end to end: the real bot (commands, router, rendering, discord.js)
 * against the fake Discord, answering from the real Library on the seed corpus.
 * One fake and one bot serve the whole file; each test asks as its own user so
 * the per-user rate limit of one test cannot affect another.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { commands } from '../../commands/index.ts';
import { deployCommands } from '../../src/discord/deploy.ts';
import { choiceProblems, messageProblems } from '../hostile-inputs.ts';
import {
  type BotHarness,
  customIdsOf,
  EPHEMERAL,
  footerOf,
  freshUser,
  list,
  messageBodies,
  replyOf,
  shownText,
  startBotHarness,
} from './bot-harness.ts';
import { CallbackType, DiscordErrors } from './fake-discord.ts';

const SEED = '000_54ae5372d3de91ff';
const DELEGATION = '**Ukraine’s delegation was led by defence minister Rustem Umerov.**';
let harness: BotHarness;
/** Interactions the test made fail on purpose; they get no accepted callback. */
const unanswerable = new Set<string>();

let baseline: string[] = [];

beforeAll(async () => {
  baseline = process.getActiveResourcesInfo();
  harness = await startBotHarness({ rateLimit: { count: 5, windowMs: 10_000 } });
});

afterAll(async () => {
  await harness?.close();
});

function slash(name: string, options: Record<string, string | boolean> = {}, extra = {}) {
  return harness.fake.sendSlashCommand({ name, options, user: freshUser(), ...extra });
}

describe('login and deploy', () => {
  it('logs in and becomes ready with its guild', () => {
    const { fake, bot } = harness;
    expect(fake.identifies).toMatchObject([{ shard: [0, 1], tokenValid: true }]);
    expect(bot.client.user?.id).toBe(fake.botUser.id);
    expect(bot.client.application?.id).toBe(fake.applicationId);
    expect(harness.logs().find((line) => line.msg === 'ready')).toMatchObject({ guilds: 1 });
  });

  it('deploys every command globally, then to one guild, with one PUT each', async () => {
    const { fake } = harness;
    const options = {
      token: fake.token,
      clientId: fake.applicationId,
      restApi: fake.restBase,
      commands,
    };
    const global = await deployCommands({ ...options, guildId: null });
    const names = [
      'ask',
      'search',
      'sources',
      'refresh',
      'help',
      'insights',
      'Ask about this message',
    ];
    expect(global).toEqual({ scope: 'global', names });
    const guildId = fake.guilds[0]?.id ?? '';
    expect(await deployCommands({ ...options, guildId })).toEqual({ scope: 'guild', names });
    expect(fake.guildCommands.get(guildId)?.map((c) => c.name)).toEqual(names);

    const puts = fake.findRequests({ method: 'PUT' });
    expect(puts.map((r) => r.path)).toEqual([
      `/applications/${fake.applicationId}/commands`,
      `/applications/${fake.applicationId}/guilds/${guildId}/commands`,
    ]);
    const body = list(puts[0]?.body);
    const ask = body.find((c) => c.name === 'ask');
    expect(ask?.options).toEqual([
      expect.objectContaining({
        name: 'question',
        type: 3,
        required: true,
        max_length: 500,
        autocomplete: true,
      }),
      expect.objectContaining({ name: 'private', type: 5 }),
    ]);
    const search = body.find((c) => c.name === 'search');
    expect(list(search?.options).map((o) => [o.name, o.autocomplete])).toEqual([
      ['query', true],
      ['source', true],
    ]);
    expect(body.find((c) => c.name === 'refresh')).toMatchObject({
      default_member_permissions: '32',
      contexts: [0],
      integration_types: [0],
    });
    expect(body.find((c) => c.name === 'Ask about this message')).toMatchObject({ type: 3 });
  });
});

describe('/ask', () => {
  it('answers in the channel with the best passage in bold, its source and a context button', async () => {
    const handle = slash('ask', { question: 'Who led Ukraine’s delegation?' });
    const { type, message, ephemeral } = await replyOf(harness.fake, handle);
    expect(type).toBe(CallbackType.ChannelMessageWithSource);
    expect(ephemeral).toBe(false);
    const [embed] = list(message.embeds);
    expect(embed?.description).toContain(DELEGATION);
    expect(embed?.description).toContain('📰 Sky News · *Russia and Ukraine failed');
    expect(embed?.description).toContain('16 May 2025 · ¶22');
    expect(customIdsOf(message)).toContain(`ctx:22:${SEED}`);
  });

  it('finds the prisoner swap', async () => {
    const { message } = await replyOf(
      harness.fake,
      slash('ask', { question: 'How many prisoners of war were swapped?' }),
    );
    expect(String(list(message.embeds)[0]?.description)).toMatch(/¶(6|25)$/);
  });

  it('answers privately when asked to', async () => {
    const reply = await replyOf(
      harness.fake,
      slash('ask', { question: 'Who led Ukraine’s delegation?', private: true }),
    );
    expect(reply.ephemeral).toBe(true);
    expect(shownText(reply.message)).toContain(DELEGATION);
  });

  it('says why it cannot answer', async () => {
    const miss = await replyOf(harness.fake, slash('ask', { question: 'What did China say?' }));
    expect(miss.ephemeral).toBe(false);
    expect(shownText(miss.message)).toContain('No article mentions China.');
  });

  it('offers did-you-mean buttons that run the suggestion for the clicker', async () => {
    const { fake, library } = harness;
    // Which suggestions the core makes is tuned elsewhere; this pins one to test the buttons.
    const spy = vi.spyOn(library, 'answer').mockResolvedValueOnce({
      question: 'Who led Ukrane’s delegation?',
      answered: false,
      code: 'unknown-name',
      reason: 'No article mentions Ukrane.',
      suggestions: ['Who led Ukraine’s delegation?'],
      results: [],
      total: 0,
    });
    const miss = await replyOf(fake, slash('ask', { question: 'Who led Ukrane’s delegation?' }));
    spy.mockRestore();
    expect(shownText(miss.message)).toContain(
      'No article mentions Ukrane.\n\n💡 Did you mean one of these?',
    );
    const [retry] = customIdsOf(miss.message);
    expect(retry).toBe('try:a::Who led Ukraine’s delegation?');
    const click = await replyOf(
      fake,
      fake.sendButton({
        customId: retry ?? '',
        user: freshUser(),
        message: { components: miss.message.components as unknown[] },
      }),
    );
    expect(click.type).toBe(CallbackType.ChannelMessageWithSource);
    expect(click.ephemeral).toBe(true);
    expect(shownText(click.message)).toContain(DELEGATION);
  });

  it('refuses a user past the rate limit until the window passes', async () => {
    const user = freshUser();
    for (let i = 0; i < 5; i++) {
      const ok = await replyOf(harness.fake, slash('ask', { question: 'Putin' }, { user }));
      expect(ok.ephemeral).toBe(false);
    }
    const limited = await replyOf(harness.fake, slash('ask', { question: 'Putin' }, { user }));
    expect(limited.ephemeral).toBe(true);
    expect(limited.message.content).toMatch(/^⏳ You're asking quickly — try again <t:\d+:R>\.$/);
    const other = await replyOf(harness.fake, slash('ask', { question: 'Putin' }));
    expect(other.ephemeral).toBe(false);
  });

  it('counts button clicks, of any button, toward the same limit', async () => {
    const { fake } = harness;
    const user = freshUser();
    const click = (customId: string) => replyOf(fake, fake.sendButton({ customId, user }));
    for (const customId of [`ctx:22:${SEED}`, 'something-else', `ctx:22:${SEED}`]) {
      expect((await click(customId)).message.content ?? '').not.toMatch(/quickly/);
    }
    for (let i = 0; i < 2; i++) {
      expect((await replyOf(fake, slash('ask', { question: 'Putin' }, { user }))).ephemeral).toBe(
        false,
      );
    }
    const limited = await click(`ctx:22:${SEED}`);
    expect(limited.ephemeral).toBe(true);
    expect(limited.message.content).toMatch(/^⏳ You're clicking quickly — try again <t:\d+:R>\.$/);
    const asked = await replyOf(fake, slash('ask', { question: 'Putin' }, { user }));
    expect(asked.message.content).toMatch(/You're asking quickly/);
    const someoneElse = await replyOf(
      fake,
      fake.sendButton({ customId: `ctx:22:${SEED}`, user: freshUser() }),
    );
    expect(someoneElse.message.content ?? '').not.toMatch(/quickly/);
  });
});

describe('buttons', () => {
  it('pages with More results, sent only to the clicker', async () => {
    const { fake } = harness;
    // Ranking is tuned elsewhere; the test needs only that "Putin Russia" matches over ten passages.
    const total = (await harness.library.search('Putin Russia')).total;
    expect(total).toBeGreaterThan(10);
    const first = await replyOf(fake, slash('search', { query: 'Putin Russia' }));
    expect(footerOf(first.message)).toBe(`Results 1–5 of ${total}`);
    const more = customIdsOf(first.message).find((id) => id.startsWith('more:'));
    expect(more).toBe('more:s:5::Putin Russia');
    const page = await replyOf(fake, fake.sendButton({ customId: more ?? '', user: freshUser() }));
    expect(page.ephemeral).toBe(true);
    expect(footerOf(page.message)).toBe(`Results 6–10 of ${total}`);
    expect(customIdsOf(page.message)).toContain('more:s:10::Putin Russia');
  });

  it('updates an ephemeral message in place, since only its owner sees it', async () => {
    const { fake } = harness;
    const handle = fake.sendButton({
      customId: 'more:s:5::Putin Russia',
      user: freshUser(),
      // FakeMessageInit has no `flags`; the fake copies it onto the message it builds.
      message: { flags: EPHEMERAL } as never,
    });
    const page = await replyOf(fake, handle);
    expect(page.type).toBe(CallbackType.UpdateMessage);
    expect(shownText(page.message)).toContain('Results 6–10 of');
  });

  it('shows the paragraphs around a passage', async () => {
    const { fake } = harness;
    const reply = await replyOf(
      fake,
      fake.sendButton({ customId: `ctx:22:${SEED}`, user: freshUser() }),
    );
    expect(reply.ephemeral).toBe(true);
    const text = shownText(reply.message);
    expect(text).toContain(
      '**▶ ¶22** Ukraine’s delegation was led by defence minister Rustem Umerov.',
    );
    expect(text).toContain('¶21 A list of representatives');
    expect(text).toContain('¶23 President Zelenskyy');
  });

  it('explains an expired or unknown button instead of failing', async () => {
    const { fake } = harness;
    const expired = await replyOf(
      fake,
      fake.sendButton({ customId: 'more:#AAAAAAAAAAAAAAAA', user: freshUser() }),
    );
    expect(expired.ephemeral).toBe(true);
    expect(expired.message.content).toMatch(/expired — please ask again/);
    const unknown = await replyOf(
      fake,
      fake.sendButton({ customId: 'something-else', user: freshUser() }),
    );
    expect(unknown.message.content).toMatch(/don't recognise this button/);
    const gone = await replyOf(
      fake,
      fake.sendButton({ customId: `ctx:999:${SEED}`, user: freshUser() }),
    );
    expect(gone.message.content).toMatch(/no longer in the articles/);
  });
});

describe('/search, /sources, /help and the message menu', () => {
  it('searches one source chosen by id, by exact title, or refuses an unknown one', async () => {
    const { fake, library } = harness;
    const byId = await replyOf(fake, slash('search', { query: 'sanctions', source: SEED }));
    expect(shownText(byId.message)).toContain(
      '**But Kyiv wants the West to impose tighter sanctions',
    );
    const title = library.index.articles[0]?.title ?? '';
    const byTitle = await replyOf(fake, slash('search', { query: 'sanctions', source: title }));
    expect(shownText(byTitle.message)).toContain('sanctions');
    const unknown = await replyOf(
      fake,
      slash('search', { query: 'sanctions', source: '**nope** @everyone' }),
    );
    expect(unknown.ephemeral).toBe(true);
    expect(unknown.message.content).toBe(
      "⚠️ I don't know a source called “\\*\\*nope\\*\\* @\u200beveryone”. Pick one from the list while typing, or see /sources list.",
    );
  });

  it('lists the sources with the last refresh time', async () => {
    const { message } = await replyOf(harness.fake, slash('sources'));
    const text = shownText(message);
    expect(text).toContain('📰 Sources (1)');
    expect(text).toMatch(/Last refreshed <t:\d+:R>/);
    expect(text).toContain('Sky News · *Russia and Ukraine failed to agree');
    expect(text).toContain('16 May 2025 · 28 paragraphs');
  });

  it('helps, privately', async () => {
    const reply = await replyOf(harness.fake, slash('help'));
    expect(reply.ephemeral).toBe(true);
    expect(shownText(reply.message)).toContain('/ask');
  });

  it('answers about a message’s text from the context menu', async () => {
    const { fake } = harness;
    const reply = await replyOf(
      fake,
      fake.sendMessageContextMenu({
        name: 'Ask about this message',
        targetMessage: { content: 'Who led Ukraine’s delegation?' },
        user: freshUser(),
      }),
    );
    expect(shownText(reply.message)).toContain(DELEGATION);
    const empty = await replyOf(
      fake,
      fake.sendMessageContextMenu({
        name: 'Ask about this message',
        targetMessage: { content: '', embeds: [{ title: 'only an embed' }] },
        user: freshUser(),
      }),
    );
    expect(empty.ephemeral).toBe(true);
    expect(empty.message.content).toBe('⚠️ That message has no text to ask about.');
  });

  it('tells about a command it no longer has', async () => {
    const reply = await replyOf(harness.fake, slash('retired'));
    expect(reply.ephemeral).toBe(true);
    expect(reply.message.content).toMatch(/don't know that command/);
  });
});

describe('autocomplete', () => {
  it('completes a question (callback type 8) from memory, without deferring', async () => {
    const { fake } = harness;
    const handle = fake.sendAutocomplete({
      name: 'ask',
      options: { question: 'Who led Ukr' },
      focused: 'question',
      user: freshUser(),
    });
    const response = await fake.waitForResponse(handle);
    expect(response.callback.type).toBe(CallbackType.ApplicationCommandAutocompleteResult);
    const choices = list(response.callback.data?.choices);
    expect(choices.slice(0, 2)).toEqual([
      { name: 'Who led Ukr', value: 'Who led Ukr' },
      { name: 'Who led Ukraine', value: 'Who led Ukraine' },
    ]);
    expect(choiceProblems(response.callback.data)).toEqual([]);
    expect(fake.callbackAttemptsFor(handle)).toHaveLength(1);
  });

  it('offers the articles for `source`, valued by id, and completes `query`', async () => {
    const { fake } = harness;
    const source = await fake.waitForResponse(
      fake.sendAutocomplete({
        name: 'search',
        options: { query: 'x', source: 'sky' },
        focused: 'source',
        user: freshUser(),
      }),
    );
    expect(source.callback.data?.choices).toEqual([
      { name: expect.stringMatching(/^Russia and Ukraine failed.*\(Sky News\)$/), value: SEED },
    ]);
    const query = await fake.waitForResponse(
      fake.sendAutocomplete({
        name: 'search',
        options: { query: 'sanct' },
        focused: 'query',
        user: freshUser(),
      }),
    );
    expect(query.callback.data?.choices).toContainEqual({ name: 'sanctions', value: 'sanctions' });
  });

  it('accepts a choice’s name submitted as the value', async () => {
    const { fake } = harness;
    const source = await fake.waitForResponse(
      fake.sendAutocomplete({
        name: 'search',
        options: { query: 'x', source: '' },
        focused: 'source',
        user: freshUser(),
      }),
    );
    const [choice] = list(source.callback.data?.choices);
    const reply = await replyOf(
      fake,
      slash('search', { query: 'sanctions', source: String(choice?.name) }),
    );
    expect(reply.ephemeral).toBe(false);
    expect(shownText(reply.message)).toContain('sanctions');
  });
});

describe('failures', () => {
  it('turns a handler error into a friendly private message and one redacted log line', async () => {
    const { fake, library } = harness;
    const spy = vi.spyOn(library, 'answer').mockImplementationOnce(() => {
      throw new Error('boom at /interactions/1/sEcReTtOkEn/callback');
    });
    try {
      const reply = await replyOf(fake, slash('ask', { question: 'Who led?' }));
      expect(reply.ephemeral).toBe(true);
      expect(reply.message.content).toBe(
        '❌ Something went wrong on my side. Please try again in a moment.',
      );
    } finally {
      spy.mockRestore();
    }
    const line = harness.logs().find((l) => l.msg === 'interaction failed');
    expect(line).toMatchObject({ level: 50, command: 'ask', err: { name: 'Error' } });
    expect(harness.rawLogs()).not.toContain('sEcReTtOkEn');
  });

  it('logs a Discord error by code, status and method only, and keeps serving', async () => {
    const { fake } = harness;
    fake.injectFault(
      { path: '/interactions/:id/:token/callback', times: 2 },
      DiscordErrors.unknownInteraction,
    );
    const failed = slash('help');
    unanswerable.add(failed.id);
    await fake.waitFor(() =>
      harness
        .logs()
        .find(
          (l) => l.msg === 'could not tell the user about a failure' && l.interaction === failed.id,
        ),
    );
    const lines = harness.logs().filter((l) => l.interaction === failed.id);
    expect(lines.map((l) => [l.msg, l.err])).toEqual([
      ['interaction failed', { name: 'DiscordAPIError', code: 10062, status: 404, method: 'POST' }],
      [
        'could not tell the user about a failure',
        { name: 'DiscordAPIError', code: 10062, status: 404, method: 'POST' },
      ],
    ]);
    expect(harness.rawLogs()).not.toContain(failed.token);
    expect(harness.rawLogs()).not.toContain(fake.token);
    const after = await replyOf(fake, slash('help'));
    expect(after.ephemeral).toBe(true);
  });
});

describe('payloads without newer fields', () => {
  it('handles an interaction without authorizing_integration_owners instead of crashing', async () => {
    const { fake } = harness;
    const template = slash('help');
    await fake.waitForResponse(template);
    const { authorizing_integration_owners: _omitted, ...older } = template.payload;
    const id = '1234567890123456789';
    // The fake does not track an event sent this way, so the reply itself is refused (10062).
    fake.dispatchEvent('INTERACTION_CREATE', { ...older, id });
    const line = await fake.waitFor(() =>
      harness.logs().find((l) => l.interaction === id && l.msg === 'interaction failed'),
    );
    expect(line).toMatchObject({ command: 'help', err: { code: 10062 } });
  });
});

describe('every payload', () => {
  it('was answered exactly once (so within the fake’s 3 s), within Discord’s limits, with allowed_mentions.parse = []', () => {
    const { fake } = harness;
    const notOnce = fake.interactionsNotAnsweredOnce().filter(({ id }) => !unanswerable.has(id));
    expect(notOnce).toEqual([]);
    const bodies = messageBodies(fake);
    expect(bodies.length).toBeGreaterThan(25);
    for (const { request, body } of bodies) {
      expect(body.allowed_mentions, request.path).toEqual({ parse: [] });
      expect(messageProblems(body), request.path).toEqual([]);
    }
  });
});

describe('shutdown', () => {
  it('closes the gateway and leaves no socket or timer behind', async () => {
    const { fake, bot } = harness;
    await bot.stop();
    await fake.waitFor(() => fake.openGatewayConnections === 0);
    await fake.close();
    // Handles close asynchronously; give them a moment, then compare with before the bot started.
    const leaked = () => {
      const left = [...baseline];
      return process.getActiveResourcesInfo().filter((resource) => {
        const index = left.indexOf(resource);
        if (index >= 0) left.splice(index, 1);
        return index < 0;
      });
    };
    for (let i = 0; i < 50 && leaked().length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(leaked()).toEqual([]);
  });
});
