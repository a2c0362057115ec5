/**
 * `/refresh` end to end: who may run it, the deferred-then-edited reply, what
 * it reports, the audit event, and the library's cooldown and busy states.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LoadedCorpus, loadCorpus } from '../../src/corpus/load.ts';
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
import { CallbackType, type Json } from './fake-discord.ts';

describe('/refresh with a cooldown', () => {
  let harness: BotHarness;

  beforeAll(async () => {
    harness = await startBotHarness({ refreshCooldownMs: 60_000 });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('refuses in a DM, without deferring or refreshing', async () => {
    const refresh = vi.spyOn(harness.library, 'refresh');
    const reply = await replyOf(
      harness.fake,
      harness.fake.sendSlashCommand({ name: 'refresh', dm: true, user: freshUser() }),
    );
    expect(reply.type).toBe(CallbackType.ChannelMessageWithSource);
    expect(reply.ephemeral).toBe(true);
    expect(reply.message.content).toBe(
      '⚠️ /refresh only works in a server, not in direct messages.',
    );
    expect(refresh).not.toHaveBeenCalled();
    refresh.mockRestore();
  });

  it('refuses a member without Manage Server', async () => {
    const reply = await replyOf(
      harness.fake,
      harness.fake.sendSlashCommand({ name: 'refresh', user: freshUser() }),
    );
    expect(reply.ephemeral).toBe(true);
    expect(reply.message.content).toBe('⚠️ /refresh needs the Manage Server permission.');
  });

  it('refuses a moderator using it as a user-installed app in a server', async () => {
    const { fake } = harness;
    // The fake only sends guild installs; this resends one as Discord sends a user install.
    const template = fake.sendSlashCommand({ name: 'help', user: freshUser() });
    await fake.waitForResponse(template);
    const id = '1234567890123456790';
    const callbacks: Json[] = [];
    const removeRoute = fake.route('POST', `/interactions/${id}/:token/callback`, (ctx) => {
      callbacks.push(ctx.body as Json);
      return { status: 204 };
    });
    try {
      fake.dispatchEvent('INTERACTION_CREATE', {
        ...template.payload,
        id,
        data: { ...(template.payload.data as Json), name: 'refresh', options: [] },
        member: {
          ...(template.payload.member as Json),
          permissions: String(MODERATOR_PERMISSIONS),
        },
        authorizing_integration_owners: { '1': '111111111111111111' },
      });
      await fake.waitFor(() => callbacks[0]);
    } finally {
      removeRoute();
    }
    expect(callbacks[0]).toMatchObject({
      type: CallbackType.ChannelMessageWithSource,
      data: {
        content: '⚠️ /refresh only works where I am added to the server, not as a user app.',
        flags: 64,
      },
    });
  });

  it('lets a moderator refresh: defers privately, then edits in what changed', async () => {
    const { fake, seedsDir, events } = harness;
    await writeFile(
      join(seedsDir, 'extra.txt'),
      'The Bosphorus ferry timetable changed on Monday.\n\nFerries now leave every twenty minutes.\n',
    );
    await writeFile(join(seedsDir, 'broken.txt'), 'Read more\n');
    const moderator = freshUser();
    const handle = fake.sendSlashCommand({
      name: 'refresh',
      user: moderator,
      permissions: MODERATOR_PERMISSIONS,
    });
    const response = await fake.waitForResponse(handle);
    expect(response.callback.type).toBe(CallbackType.DeferredChannelMessageWithSource);
    expect(response.callback.data?.flags).toBe(64);
    const edit = response.webhooks.find((r) => r.method === 'PATCH');
    expect(edit?.path).toMatch(/\/messages\/@original$/);
    const text = shownText(edit?.body as Json);
    expect(text).toContain('✅ Refreshed');
    expect(text).toContain('**Articles:** 1 added, 0 removed, 0 changed');
    expect(text).toContain('Added: extra');
    expect(text).toContain('**Paragraphs:** 2 added, 0 removed');
    expect(text).toMatch(/\*\*Took:\*\* \d+ ms/);
    expect(text).toContain(
      '**Skipped files (1):**\n• broken.txt: has no paragraph of article text',
    );

    expect(events.find((e) => e.event === 'refresh')).toMatchObject({
      event: 'refresh',
      requestedBy: moderator.id,
      guildId: fake.guilds[0]?.id,
      status: 'done',
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });

    const search = await replyOf(
      fake,
      fake.sendSlashCommand({
        name: 'search',
        options: { query: 'ferry timetable' },
        user: freshUser(),
      }),
    );
    expect(shownText(search.message)).toContain(
      '**The Bosphorus ferry timetable changed on Monday.**',
    );
  });

  it('tells a second moderator when the cooldown ends', async () => {
    const reply = await replyOf(
      harness.fake,
      harness.fake.sendSlashCommand({
        name: 'refresh',
        user: freshUser(),
        permissions: MODERATOR_PERMISSIONS,
      }),
    );
    expect(reply.ephemeral).toBe(true);
    const text = shownText(reply.message);
    expect(text).toContain('⏳ Refreshed moments ago');
    expect(text).toMatch(/You can refresh again <t:\d+:R>\./);
  });

  it('sent only payloads within limits and without pings', () => {
    for (const { body } of messageBodies(harness.fake)) {
      expect(body.allowed_mentions).toEqual({ parse: [] });
      expect(messageProblems(body)).toEqual([]);
    }
  });
});

describe('/refresh while another runs, and when it fails', () => {
  let harness: BotHarness;
  let gate: { promise: Promise<void>; open: () => void } | null = null;
  let fail = false;

  const slowLoad = async (dir: string): Promise<LoadedCorpus> => {
    if (gate) await gate.promise;
    if (fail) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    return loadCorpus(dir);
  };

  beforeAll(async () => {
    harness = await startBotHarness({ loadCorpus: slowLoad });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('answers busy to a second refresh while the first is running', async () => {
    const { fake } = harness;
    let open = () => {};
    gate = { promise: new Promise<void>((resolve) => (open = resolve)), open };
    const first = fake.sendSlashCommand({
      name: 'refresh',
      user: freshUser(),
      permissions: MODERATOR_PERMISSIONS,
    });
    await fake.waitForCallback(first);
    const second = await replyOf(
      fake,
      fake.sendSlashCommand({
        name: 'refresh',
        user: freshUser(),
        permissions: MODERATOR_PERMISSIONS,
      }),
    );
    expect(shownText(second.message)).toContain('⏳ A refresh is already running');
    gate.open();
    gate = null;
    const done = await replyOf(fake, first);
    expect(shownText(done.message)).toContain('✅ Refreshed');
  });

  it('reports a failed refresh and keeps answering from the old content', async () => {
    const { fake } = harness;
    fail = true;
    const reply = await replyOf(
      fake,
      fake.sendSlashCommand({
        name: 'refresh',
        user: freshUser(),
        permissions: MODERATOR_PERMISSIONS,
      }),
    );
    fail = false;
    const text = shownText(reply.message);
    expect(text).toContain('❌ Refresh failed');
    expect(text).toContain('The previous content is still being served.');
    const ask = await replyOf(
      fake,
      fake.sendSlashCommand({
        name: 'ask',
        options: { question: 'Who led Ukraine’s delegation?' },
        user: freshUser(),
      }),
    );
    expect(shownText(ask.message)).toContain('Rustem Umerov');
  });
});
