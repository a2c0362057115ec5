/**
 * Proves the fake Discord works with the real discord.js client: a bare Client
 * with a tiny inline handler (not talkbot's code) logs in, answers every kind
 * of interaction, survives shards, resumes and faults.
 */
import { once } from 'node:events';
import {
  Client,
  type ClientOptions,
  Events,
  GatewayIntentBits,
  type Interaction,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ACK_DEADLINE_MS,
  CallbackType,
  FakeDiscord,
  type FakeDiscordOptions,
  type Json,
  shardForGuild,
  WAIT_TIMEOUT_MS,
} from './fake-discord.ts';

let fake: FakeDiscord | undefined;
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.destroy()));
  await fake?.close();
  fake = undefined;
});

async function startFake(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  fake = await FakeDiscord.start({ interactionTimeoutMs: ACK_DEADLINE_MS, ...options });
  return fake;
}

function newClient(server: FakeDiscord, options: Partial<ClientOptions> = {}): Client {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: server.restBase },
    ...options,
  });
  clients.push(client);
  return client;
}

/** Rejects if `promise` has not settled in `ms`; clears its timer either way. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `login()` resolves before the client is ready, so also wait for `clientReady`. */
async function loginAndWaitReady(client: Client, token: string): Promise<void> {
  const ready = once(client, Events.ClientReady);
  await client.login(token);
  await within(ready, WAIT_TIMEOUT_MS, 'clientReady');
}

/** Installs a handler; errors it throws are collected instead of becoming unhandled rejections. */
function handle(client: Client, handler: (interaction: Interaction) => Promise<void>): unknown[] {
  const errors: unknown[] = [];
  client.on(Events.InteractionCreate, (interaction) => {
    handler(interaction).catch((error: unknown) => errors.push(error));
  });
  return errors;
}

async function readyClient(
  options: FakeDiscordOptions = {},
): Promise<{ server: FakeDiscord; client: Client }> {
  const server = await startFake(options);
  const client = newClient(server);
  await loginAndWaitReady(client, server.token);
  return { server, client };
}

function bodyOf(request: { body: unknown }): Json {
  return request.body as Json;
}

describe('FakeDiscord with a bare discord.js client', () => {
  it('logs in, identifies and becomes ready with its guilds', async () => {
    const { server, client } = await readyClient({ guilds: 2 });

    expect(server.identifies).toHaveLength(1);
    expect(server.identifies[0]).toMatchObject({ shard: [0, 1], tokenValid: true });
    expect(client.user?.id).toBe(server.botUser.id);
    expect(client.application?.id).toBe(server.applicationId);
    expect([...client.guilds.cache.keys()].sort()).toEqual(server.guilds.map((g) => g.id).sort());

    const gatewayBot = server.findRequests({ method: 'GET', path: '/gateway/bot' });
    expect(gatewayBot).toHaveLength(1);
    expect(gatewayBot[0]?.auth).toBe('valid');
    expect(gatewayBot[0]?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(server.requests)).not.toContain(server.token);
    expect(JSON.stringify(server.gatewayPayloads)).not.toContain(server.token);
  });

  it('records a slash command reply (callback type 4) with allowed_mentions', async () => {
    const { server, client } = await readyClient();
    const seen: string[] = [];
    const errors = handle(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen.push(`${interaction.commandName}:${interaction.options.getString('text')}`);
      await interaction.reply({ content: 'pong', allowedMentions: { parse: [] } });
    });

    const ping = server.sendSlashCommand({ name: 'ping', options: { text: 'hello' } });
    const response = await server.waitForResponse(ping);

    expect(response.callback.type).toBe(CallbackType.ChannelMessageWithSource);
    expect(response.callback.data).toMatchObject({
      content: 'pong',
      allowed_mentions: { parse: [] },
    });
    expect(response.callback.request.query).toEqual({ with_response: 'false' });
    expect(response.content).toBe('pong');
    expect(response.latencyMs).toBeGreaterThanOrEqual(0);
    expect(seen).toEqual(['ping:hello']);
    await server.waitFor(() => response.callback.request.status === 204);
    expect(server.callbacksFor(ping)).toHaveLength(1);
    expect(server.interactionsNotAnsweredOnce()).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('records deferReply, editReply (PATCH %40original) and followUp', async () => {
    const { server, client } = await readyClient();
    const errors = handle(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      await interaction.editReply({ content: 'done' });
      await interaction.followUp({ content: 'more' });
    });

    const ask = server.sendSlashCommand({ name: 'ask' });
    const response = await server.waitForResponse(ask);
    expect(response.callback.type).toBe(CallbackType.DeferredChannelMessageWithSource);
    expect(response.content).toBe('done');
    expect(response.finalLatencyMs).toBeGreaterThanOrEqual(response.latencyMs);

    const webhooks = await server.waitFor(() => {
      const all = server.webhooksFor(ask);
      return all.length === 2 && all.every((r) => r.status === 200) ? all : undefined;
    });
    const [edit, followUp] = webhooks;
    expect(edit?.method).toBe('PATCH');
    expect(edit?.path).toBe(`/webhooks/${server.applicationId}/${ask.token}/messages/@original`);
    expect(edit?.rawPath).toContain('%40original');
    expect(bodyOf(edit ?? { body: {} }).content).toBe('done');
    expect(followUp?.method).toBe('POST');
    expect(followUp?.query.wait).toBe('true');
    expect(bodyOf(followUp ?? { body: {} }).content).toBe('more');
    expect(server.originalMessage(ask)?.content).toBe('done');
    expect(server.callbacksFor(ask)).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('answers autocomplete with callback type 8', async () => {
    const { server, client } = await readyClient();
    const errors = handle(client, async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      const typed = interaction.options.getFocused();
      await interaction.respond([{ name: `${typed}!`, value: typed }]);
    });

    const auto = server.sendAutocomplete({
      name: 'ask',
      options: { question: 'wea', lang: 'en' },
      focused: 'question',
    });
    const response = await server.waitForResponse(auto);
    expect(response.callback.type).toBe(CallbackType.ApplicationCommandAutocompleteResult);
    expect(response.callback.data).toEqual({ choices: [{ name: 'wea!', value: 'wea' }] });
    expect(errors).toEqual([]);
  });

  it('updates the message of a clicked button (callback type 7)', async () => {
    const { server, client } = await readyClient();
    const clicked: string[] = [];
    const errors = handle(client, async (interaction) => {
      if (!interaction.isButton()) return;
      clicked.push(`${interaction.customId}@${interaction.message.id}`);
      await interaction.update({ content: 'updated', components: [] });
    });

    const button = server.sendButton({
      customId: 'more:2',
      message: { id: '123456789012345678', content: 'page 1' },
    });
    const response = await server.waitForResponse(button);
    expect(response.callback.type).toBe(CallbackType.UpdateMessage);
    expect(response.callback.data).toMatchObject({ content: 'updated', components: [] });
    expect(server.originalMessage(button)).toMatchObject({
      id: '123456789012345678',
      content: 'updated',
    });
    expect(clicked).toEqual(['more:2@123456789012345678']);
    expect(errors).toEqual([]);
  });

  it('delivers a message context menu with its resolved target message', async () => {
    const { server, client } = await readyClient();
    const errors = handle(client, async (interaction) => {
      if (!interaction.isMessageContextMenuCommand()) return;
      await interaction.reply({ content: `about: ${interaction.targetMessage.content}` });
    });

    const menu = server.sendMessageContextMenu({
      name: 'Ask about this',
      targetMessage: { content: 'Is the bridge open?' },
    });
    const response = await server.waitForResponse(menu);
    expect(response.callback.data?.content).toBe('about: Is the bridge open?');
    expect(errors).toEqual([]);
  });

  it('delivers a DM slash command with `user` and no guild', async () => {
    const { server, client } = await readyClient();
    const errors = handle(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply(`dm from ${interaction.user.username}, guild ${interaction.guildId}`);
    });

    const dm = server.sendSlashCommand({ name: 'ping', dm: true, user: { username: 'alice' } });
    const response = await server.waitForResponse(dm);
    expect(dm.payload.member).toBeUndefined();
    expect(response.content).toBe('dm from alice, guild null');
    expect(errors).toEqual([]);
  });

  it('deploys global and guild commands, echoing them with ids', async () => {
    const { server, client } = await readyClient();
    const guildId = server.guilds[0]?.id ?? '';
    const global = await client.application?.commands.set([
      { name: 'ask', description: 'Ask a question' },
    ]);
    const local = await client.application?.commands.set(
      [{ name: 'sources', description: 'List sources' }],
      guildId,
    );

    expect(global?.first()?.name).toBe('ask');
    expect(global?.first()?.id).toMatch(/^\d+$/);
    expect(local?.first()?.guildId).toBe(guildId);
    expect(server.globalCommands.map((c) => c.name)).toEqual(['ask']);
    expect(server.guildCommands.get(guildId)?.map((c) => c.name)).toEqual(['sources']);
    expect(server.findRequests({ method: 'PUT' }).map((r) => r.path)).toEqual([
      `/applications/${server.applicationId}/commands`,
      `/applications/${server.applicationId}/guilds/${guildId}/commands`,
    ]);
    // A later slash command carries the deployed command's id.
    const ask = server.sendSlashCommand({ name: 'ask' });
    expect((ask.payload.data as Json).id).toBe(global?.first()?.id);
  });
});

describe('sharding', () => {
  it('identifies each shard and routes guilds by (id >> 22) % shardCount', async () => {
    const server = await startFake({ shardCount: 2, guilds: 2 });
    const client = newClient(server, { shards: [0, 1], shardCount: 2 });
    const shardsSeen: number[] = [];
    const errors = handle(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      shardsSeen.push(interaction.guild?.shardId ?? -1);
      await interaction.reply('ok');
    });
    await loginAndWaitReady(client, server.token);

    expect(server.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    const [first, second] = server.guilds;
    expect(shardForGuild(first?.id ?? '0', 2)).toBe(0);
    expect(shardForGuild(second?.id ?? '0', 2)).toBe(1);
    expect(client.guilds.cache.get(second?.id ?? '')?.shardId).toBe(1);

    const onSecond = server.sendSlashCommand({ name: 'ping', guildId: second?.id });
    expect(onSecond.shardId).toBe(1);
    await server.waitForResponse(onSecond);
    expect(shardsSeen).toEqual([1]);
    expect(errors).toEqual([]);
  });

  it('spawns the recommended shard count when the client uses shards: "auto"', async () => {
    const server = await startFake({ shardCount: 2 });
    const client = newClient(server, { shards: 'auto' });
    await loginAndWaitReady(client, server.token);
    expect(server.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect((await server.waitForSessions(2)).map((s) => s.shard[0]).sort()).toEqual([0, 1]);
  });
});

describe('gateway reliability', () => {
  async function resumeScenario(drop: (server: FakeDiscord) => void): Promise<void> {
    const { server, client } = await readyClient();
    const errors = handle(client, async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply('pong');
    });

    drop(server);
    // Op 7 only asks the client to go: wait until its socket is really down.
    await server.waitFor(() => server.sessionInfo()[0]?.connected === false);
    // Sent while the socket is down: Discord keeps it and replays it on RESUME.
    const missed = server.sendSlashCommand({ name: 'ping' });
    expect((await server.waitForResponse(missed)).content).toBe('pong');

    expect(server.resumes).toHaveLength(1);
    expect(server.resumes[0]).toMatchObject({ accepted: true, path: '/resume' });
    expect(server.resumes[0]?.replayed).toBeGreaterThanOrEqual(1);
    expect(server.identifies).toHaveLength(1);

    const after = server.sendSlashCommand({ name: 'ping' });
    expect((await server.waitForResponse(after)).content).toBe('pong');
    expect(server.interactionsNotAnsweredOnce()).toEqual([]);
    expect(errors).toEqual([]);
  }

  // 1006, op 7 and op 9 are exercised with the real bot in faults.test.ts.
  it('resumes after a 4000 close and replays the missed interaction', async () => {
    await resumeScenario((server) => server.closeGateway(0, 4000));
  });

  it('resumes on the same socket after INVALID_SESSION(true)', async () => {
    const { server, client } = await readyClient();
    handle(client, async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply('pong');
    });
    server.invalidateSession(0, true);
    await server.waitFor(() => server.resumes[0]?.accepted);
    expect(server.resumes[0]?.connectionId).toBe(server.identifies[0]?.connectionId);
    const ping = server.sendSlashCommand({ name: 'ping' });
    expect((await server.waitForResponse(ping)).content).toBe('pong');
  });

  it('lets the client detect a zombie connection when heartbeats go unacknowledged', async () => {
    const { server } = await readyClient({ heartbeatIntervalMs: 150 });
    server.setHeartbeatAcks(false);
    await server.waitFor(() => server.resumes[0]);
    server.setHeartbeatAcks(true);
    await server.waitFor(() => server.resumes[0]?.accepted && server.openGatewayConnections === 1);
  });

  it('rejects login with 401 on REST when the token is wrong, without retrying', async () => {
    const server = await startFake({ token: 'right-token' });
    const client = newClient(server);
    await expect(client.login('wrong-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    expect(server.findRequests({ path: '/gateway/bot' })).toMatchObject([
      { auth: 'invalid', status: 401 },
    ]);
    expect(server.identifies).toEqual([]);
  });

  it('closes with 4004 on IDENTIFY with a wrong token, and login rejects', async () => {
    const server = await startFake({ token: 'right-token', checkRestAuth: false });
    const client = newClient(server);
    await expect(client.login('wrong-token')).rejects.toThrow(/Authentication failed/);
    expect(server.identifies).toMatchObject([{ tokenValid: false, sessionId: null }]);
  });
});

describe('REST fault injection', () => {
  it('5xx on an edit and a hang-up on a callback are retried by discord.js', async () => {
    const { server, client } = await readyClient();
    const errors = handle(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      await interaction.editReply('done');
    });
    server.injectFault({ path: '/interactions/:id/:token/callback' }, { kind: 'hangUp' });
    server.injectFault(
      { method: 'PATCH', path: /^\/webhooks\//, times: 2 },
      { kind: 'status', status: 502 },
    );

    const ask = server.sendSlashCommand({ name: 'ask' });
    const response = await server.waitForResponse(ask);
    expect(response.content).toBe('done');
    await server.waitFor(() => server.findRequests({ method: 'PATCH' }).at(-1)?.status === 200);
    expect(server.findRequests({ method: 'PATCH' }).map((r) => r.status)).toEqual([502, 502, 200]);
    expect(server.callbackAttemptsFor(ask).map((r) => r.status)).toEqual([0, 204]);
    expect(errors).toEqual([]);
  });

  it('holds a response until the test releases it, without changing it', async () => {
    const { server, client } = await readyClient();
    let replied = false;
    handle(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply('slow pong');
      replied = true;
    });
    let release = () => {};
    const until = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.injectFault({ path: '/interactions/:id/:token/callback' }, { kind: 'delay', until });

    const ping = server.sendSlashCommand({ name: 'ping' });
    expect((await server.waitForResponse(ping)).content).toBe('slow pong');
    expect(replied).toBe(false);
    expect(server.callbackAttemptsFor(ping).map((r) => r.status)).toEqual([0]);
    release();
    await server.waitFor(() => replied);
    expect(server.callbackAttemptsFor(ping).map((r) => [r.fault, r.status])).toEqual([
      ['delay', 204],
    ]);
  });

  it('enforces one callback per interaction (40060) and the acknowledgement deadline (10062)', async () => {
    let now = 0;
    const { server } = await readyClient({ interactionTimeoutMs: 3000, now: () => now });
    const callback = (id: string, token: string) =>
      fetch(`${server.restBase}/v10/interactions/${id}/${token}/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 4, data: { content: 'hi' } }),
      });

    const first = server.sendSlashCommand({ name: 'ping' });
    expect((await callback(first.id, first.token)).status).toBe(204);
    const again = await callback(first.id, first.token);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({
      message: 'Interaction has already been acknowledged.',
      code: 40060,
    });

    const late = server.sendSlashCommand({ name: 'ping' });
    now += 3001;
    const tooLate = await callback(late.id, late.token);
    expect(tooLate.status).toBe(404);
    expect(await tooLate.json()).toMatchObject({ code: 10062 });

    expect(server.callbackCounts()).toEqual(
      new Map([
        [first.id, 1],
        [late.id, 0],
      ]),
    );
    expect(server.interactionsNotAnsweredOnce()).toEqual([{ id: late.id, callbacks: 0 }]);
  });
});
