/**
 * Hostile input through the fake Discord, all at once: every entry of
 * `HOSTILE_INPUTS` sent concurrently as an `/ask` question, a `/search` query,
 * a `/search` source, a button custom id, and typed into each autocomplete.
 * Then values a Discord client would never send (unknown choices, overlong or
 * mistyped options, missing options, unknown commands). Every interaction must
 * get exactly one answer that Discord accepts, within Discord's limits, pinging nobody.
 * (`bot-hostile.test.ts` sends the same inputs one at a time and checks each reply's text.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choiceProblems, HOSTILE_INPUTS, messageProblems } from '../hostile-inputs.ts';
import {
  type BotHarness,
  EPHEMERAL,
  freshUser,
  list,
  messageBodies,
  startBotHarness,
} from './bot-harness.ts';
import {
  CallbackType,
  type FakeDiscord,
  type InteractionHandle,
  type Json,
  type RawCommandOption,
} from './fake-discord.ts';

let harness: BotHarness;

beforeAll(async () => {
  harness = await startBotHarness();
});
afterAll(async () => {
  await harness?.close();
});

/**
 * Waits until every interaction has its callback (and, when deferred, its
 * edit), then until the bot has finished handling each, so a late second
 * reply would be seen too.
 */
async function settle(fake: FakeDiscord, handles: InteractionHandle[]): Promise<void> {
  await fake.waitFor(
    () =>
      handles.every((handle) => {
        const [callback] = fake.callbacksFor(handle);
        if (!callback) return false;
        const type = Number((callback.body as Json | undefined)?.type);
        if (type !== CallbackType.DeferredChannelMessageWithSource) return true;
        return fake.webhooksFor(handle).some((r) => r.method === 'PATCH' || r.method === 'POST');
      }),
    { description: `answers to ${handles.length} interactions` },
  );
  await harness.bot.idle(handles.map((handle) => handle.id));
}

/** Checks that each interaction had one callback Discord accepted, and that what it got is valid. */
function expectAnsweredOnceAndValid(fake: FakeDiscord, handles: InteractionHandle[]): void {
  for (const handle of handles) {
    const callbacks = fake.callbacksFor(handle);
    const what = JSON.stringify(handle.payload.data).slice(0, 200);
    expect(callbacks, what).toHaveLength(1);
    const [callback] = callbacks;
    const body = callback?.body as Json;
    if (body.type === CallbackType.ApplicationCommandAutocompleteResult) {
      expect(choiceProblems(body.data), what).toEqual([]);
    } else if (body.type !== CallbackType.DeferredChannelMessageWithSource) {
      expect(messageProblems(body.data), what).toEqual([]);
    }
    for (const edit of fake.webhooksFor(handle)) {
      if (edit.method === 'PATCH' || edit.method === 'POST') {
        expect(messageProblems(edit.body), what).toEqual([]);
      }
    }
  }
}

/** The message an interaction's callback carried. */
function messageOf(fake: FakeDiscord, handle: InteractionHandle): Json {
  const body = fake.callbacksFor(handle)[0]?.body as Json | undefined;
  return (body?.data as Json | undefined) ?? {};
}

describe('every hostile input, all at once', () => {
  it.each([
    ['/ask question', (text: string) => ({ name: 'ask', options: { question: text } })],
    ['/search query', (text: string) => ({ name: 'search', options: { query: text } })],
    [
      '/search source',
      (text: string) => ({ name: 'search', options: { query: 'prisoners', source: text } }),
    ],
  ])('%s: one valid answer each', async (_, build) => {
    const { fake } = harness;
    const handles = HOSTILE_INPUTS.map(({ text }) =>
      fake.sendSlashCommand({ ...build(text), user: freshUser() }),
    );
    await settle(fake, handles);
    expectAnsweredOnceAndValid(fake, handles);
  });

  it.each([
    ['/ask question', 'ask', 'question'],
    ['/search query', 'search', 'query'],
    ['/search source', 'search', 'source'],
  ])('autocomplete of %s: valid choices each', async (_, name, focused) => {
    const { fake } = harness;
    const handles = HOSTILE_INPUTS.map(({ text }) =>
      fake.sendAutocomplete({
        name,
        options: focused === 'source' ? { query: 'x', source: text } : { [focused]: text },
        focused,
        user: freshUser(),
      }),
    );
    await settle(fake, handles);
    expectAnsweredOnceAndValid(fake, handles);
    for (const handle of handles) {
      expect(messageOf(fake, handle).choices).toBeInstanceOf(Array);
    }
  });

  it('button custom ids: a private "please ask again" for each, never a crash', async () => {
    const { fake } = harness;
    const ids = [
      ...HOSTILE_INPUTS.map(({ text }) => text),
      'more:a:99999999::Who led?',
      'more:x:3::Who led?',
      'more:a:-1::Who led?',
      'more:a:3::',
      'ctx:0:000_54ae5372d3de91ff',
      'ctx:22:../../etc/passwd',
      'ctx:999999:000_54ae5372d3de91ff',
      'try:a::',
      'more:#0000000000000000',
      `more:a:3::${'x'.repeat(5000)}`,
    ];
    const handles = ids.map((customId) => fake.sendButton({ customId, user: freshUser() }));
    await settle(fake, handles);
    expectAnsweredOnceAndValid(fake, handles);
    for (const handle of handles) {
      const message = messageOf(fake, handle);
      expect(Number(message.flags ?? 0) & EPHEMERAL, String(message.content)).toBe(EPHEMERAL);
    }
  });
});

describe('values a Discord client would never send', () => {
  /** Sends raw options as they would arrive from a modified or buggy client. */
  function raw(name: string, options: RawCommandOption[]): InteractionHandle {
    return harness.fake.sendSlashCommand({ name, options, user: freshUser() });
  }

  it.each([
    [
      'a source that is not among the choices',
      'search',
      [
        { name: 'query', type: 3, value: 'prisoners' },
        { name: 'source', type: 3, value: 'not-an-article' },
      ],
    ],
    [
      'a question of 6000 characters (max_length is 500)',
      'ask',
      [{ name: 'question', type: 3, value: 'Istanbul talks '.repeat(400) }],
    ],
    ['a query of 6000 characters', 'search', [{ name: 'query', type: 3, value: 'x'.repeat(6000) }]],
    ['no question at all', 'ask', []],
    ['a number for the question', 'ask', [{ name: 'question', type: 4, value: 42 }]],
    ['a boolean for the question', 'ask', [{ name: 'question', type: 5, value: true }]],
    [
      'a string for the private flag',
      'ask',
      [
        { name: 'question', type: 3, value: 'Who led the delegation?' },
        { name: 'private', type: 3, value: 'yes' },
      ],
    ],
    [
      'an option the command does not have',
      'ask',
      [
        { name: 'question', type: 3, value: 'Who led the delegation?' },
        { name: 'limit', type: 4, value: 100000 },
      ],
    ],
    [
      'a subcommand the command does not have',
      'ask',
      [{ name: 'admin', type: 1, options: [{ name: 'question', type: 3, value: 'x' }] }],
    ],
    [
      'the same option twice',
      'ask',
      [
        { name: 'question', type: 3, value: 'Who led the delegation?' },
        { name: 'question', type: 3, value: '@everyone' },
      ],
    ],
  ] as Array<[string, string, RawCommandOption[]]>)(
    '%s: one valid reply',
    async (_, name, options) => {
      const { fake } = harness;
      const handle = raw(name, options);
      await settle(fake, [handle]);
      expectAnsweredOnceAndValid(fake, [handle]);
    },
  );

  it('refuses an unknown source and an overlong question with a private, friendly message', async () => {
    const { fake } = harness;
    const source = raw('search', [
      { name: 'query', type: 3, value: 'prisoners' },
      { name: 'source', type: 3, value: '<@123456789012345678> not-an-article' },
    ]);
    const long = raw('ask', [{ name: 'question', type: 3, value: 'x '.repeat(3000) }]);
    await settle(fake, [source, long]);
    const sourceReply = messageOf(fake, source);
    expect(Number(sourceReply.flags) & EPHEMERAL).toBe(EPHEMERAL);
    expect(sourceReply.content).toMatch(/I don't know a source called/);
    expect(sourceReply.content).toMatch(/see \/sources list\.$/);
    const longReply = messageOf(fake, long);
    expect(Number(longReply.flags) & EPHEMERAL).toBe(EPHEMERAL);
    expect(longReply.content).toMatch(/please ask in at most 500/);
  });

  it('answers unknown commands, autocomplete without a handler, DMs and empty messages', async () => {
    const { fake } = harness;
    const handles = [
      fake.sendSlashCommand({ name: 'does-not-exist', user: freshUser() }),
      fake.sendAutocomplete({ name: 'sources', options: { x: 'y' }, user: freshUser() }),
      fake.sendAutocomplete({ name: 'does-not-exist', options: { x: 'y' }, user: freshUser() }),
      fake.sendSlashCommand({
        name: 'ask',
        options: { question: '@everyone who led the delegation?' },
        dm: true,
        user: freshUser(),
      }),
      fake.sendSlashCommand({ name: 'refresh', dm: true, user: freshUser() }),
      fake.sendMessageContextMenu({
        name: 'Ask about this message',
        targetMessage: { content: '', embeds: [{ title: 'embed only' }] },
        user: freshUser(),
      }),
      fake.sendMessageContextMenu({
        name: 'Ask about this message',
        targetMessage: { content: '<@&123456789012345678> @here '.repeat(200) },
        user: freshUser(),
      }),
    ];
    await settle(fake, handles);
    expectAnsweredOnceAndValid(fake, handles);
  });
});

describe('over the whole file', () => {
  it('every interaction was answered exactly once and every message fits and pings nobody', () => {
    const { fake } = harness;
    expect(fake.interactionsNotAnsweredOnce()).toEqual([]);
    const bodies = messageBodies(fake);
    expect(bodies.length).toBeGreaterThan(HOSTILE_INPUTS.length * 3);
    for (const { request, body } of bodies) {
      expect(messageProblems(body), request.path).toEqual([]);
    }
    const autocompletes = fake
      .findRequests({ method: 'POST', path: '/interactions/:id/:token/callback' })
      .map((request) => request.body as Json)
      .filter((body) => body.type === CallbackType.ApplicationCommandAutocompleteResult);
    expect(autocompletes.length).toBeGreaterThanOrEqual(HOSTILE_INPUTS.length * 3);
    for (const body of autocompletes)
      expect(list((body.data as Json).choices).length).toBeLessThanOrEqual(25);
  });
});
