/**
 * No secret reaches a log line, and a bad token stops the bot for good.
 *
 * REST errors of every kind are forced while the bot answers, both in-process
 * (logger capture) and as a real `node --import tsx src/main.ts` process (its stderr), and
 * neither the bot token nor any interaction token may appear in what it wrote.
 * A token Discord refuses (REST 401, or gateway close 4004) must end the
 * process with a clear fatal line and exit code 1, without retrying.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BotHarness,
  freshUser,
  MODERATOR_PERMISSIONS,
  startBotHarness,
} from './bot-harness.ts';
import {
  ACK_DEADLINE_MS,
  DiscordErrors,
  FakeDiscord,
  type InteractionHandle,
  type Json,
  type RestFault,
} from './fake-discord.ts';
import { nodeArgs, ROOT } from './process.ts';

const CALLBACK = '/interactions/:id/:token/callback';
const EDIT_ORIGINAL = '/webhooks/:app/:token/messages/:message';
/** A token that looks like a real one, long enough for any redaction to apply. */
// Token-shaped like a real one, but joined at run time so no token-shaped string is committed.
const WRONG_TOKEN = ['MTIzNDU2Nzg5MDEyMzQ1Njc4', 'GwR0ng', 'wrong-token-for-tests-0123456789'].join(
  '.',
);

/** Every REST failure the fake can produce, each hit by its own interaction. */
const FAULTS: Array<[string, string, RestFault]> = [
  ['POST', CALLBACK, { kind: 'status', status: 500 }],
  [
    'POST',
    CALLBACK,
    { kind: 'status', status: 401, body: { message: '401: Unauthorized', code: 0 } },
  ],
  ['POST', CALLBACK, DiscordErrors.unknownInteraction],
  ['POST', CALLBACK, DiscordErrors.missingPermissions],
  ['POST', CALLBACK, { kind: 'hangUp', reset: false }],
  ['POST', CALLBACK, { kind: 'rateLimit', retryAfterMs: 50 }],
  ['PATCH', EDIT_ORIGINAL, DiscordErrors.unknownWebhook],
  ['PATCH', EDIT_ORIGINAL, DiscordErrors.missingAccess],
  ['PATCH', EDIT_ORIGINAL, { kind: 'status', status: 502 }],
];

/**
 * Sends one interaction per fault, each failing on its own path (every
 * attempt, so retries and the apology fail too), and waits until the bot has
 * given up on each (an error line about it in `logs`) or got through (the
 * rate-limited one). Returns the interactions sent. A late retry or apology
 * may still be on its way: the caller waits for the bot to finish.
 */
async function provokeEveryFault(
  fake: FakeDiscord,
  logs: () => Json[],
): Promise<InteractionHandle[]> {
  const handles: InteractionHandle[] = [];
  for (const [method, path, fault] of FAULTS) {
    const onEdit = path === EDIT_ORIGINAL;
    const handle = fake.sendSlashCommand({
      name: onEdit ? 'refresh' : 'ask',
      options: onEdit ? {} : { question: 'Who led Ukraine’s delegation?' },
      permissions: MODERATOR_PERMISSIONS,
      user: freshUser(),
    });
    const own = onEdit
      ? `/webhooks/${fake.applicationId}/${handle.token}/messages/@original`
      : `/interactions/${handle.id}/${handle.token}/callback`;
    fake.injectFault(
      { method, path: own, times: fault.kind === 'rateLimit' ? 1 : Infinity },
      fault,
    );
    handles.push(handle);
  }
  const gaveUp = (h: InteractionHandle) =>
    logs().some((line) => line.interaction === h.id && Number(line.level) >= 50);
  const gotThrough = (h: InteractionHandle) =>
    fake.callbacksFor(h).some((r) => r.status > 0 && r.status < 300);
  await fake.waitFor(() => handles.every((h) => gaveUp(h) || gotThrough(h)), {
    timeoutMs: 45_000,
    description: 'the bot to finish with every interaction',
  });
  return handles;
}

/** The places a secret could hide in text: as is, and URL- or JSON-escaped. */
function expectNoSecret(text: string, secrets: string[]): void {
  for (const secret of secrets) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(encodeURIComponent(secret));
    expect(text).not.toContain(Buffer.from(secret).toString('base64'));
  }
}

describe('in-process, every log line', () => {
  let harness: BotHarness;

  beforeAll(async () => {
    harness = await startBotHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('holds no bot or interaction token, whatever REST failed', async () => {
    const { fake } = harness;
    const handles = await provokeEveryFault(fake, harness.logs);
    await harness.bot.idle();
    const raw = harness.rawLogs();
    expect(harness.logs().filter((line) => Number(line.level) >= 50).length).toBeGreaterThan(3);
    expectNoSecret(raw, [fake.token, ...handles.map((h) => h.token)]);
    // The bot still serves afterwards.
    const after = fake.sendSlashCommand({ name: 'help', user: freshUser() });
    await fake.waitForResponse(after);
    expect(fake.callbacksFor(after)).toHaveLength(1);
  });
});

/**
 * How long the bot process may take to start (tsx, discord.js, building the index): ~5 s on a quiet
 * machine, over 25 s at a load average of 15 with the three processes of this block starting at
 * once. A safety net for a hang, not what the tests measure.
 */
const START_WAIT_MS = 120_000;

describe('as a process', { timeout: START_WAIT_MS + 60_000 }, () => {
  let workDir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'talkbot-secrets-'));
    await cp(join(ROOT, 'seeds'), join(workDir, 'seeds'), { recursive: true });
  });
  afterAll(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.pid) killGroup(child.pid);
    }
    await rm(workDir, { recursive: true, force: true });
  });

  /** `src/main.ts` as `npm start` runs it, in an empty folder with only the given variables (a developer's `.env` cannot leak in). */
  function startMain(env: Record<string, string>) {
    const child = spawn(process.execPath, nodeArgs('src/main.ts'), {
      cwd: workDir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        SEEDS_DIR: join(workDir, 'seeds'),
        SNAPSHOT_PATH: 'off',
        LOG_LEVEL: 'debug',
        // What reaches the log does not depend on the number of answer threads: one is enough.
        ANSWER_WORKERS: '1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    children.push(child);
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += String(chunk);
    });
    child.stderr?.on('data', (chunk) => {
      output += String(chunk);
    });
    const exited = once(child, 'exit').then(([code]) => ({ code: code as number | null }));
    const lines = () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Json);
    return { child, exited, output: () => output, lines };
  }

  it.concurrent('writes no bot or interaction token, whatever REST failed', async () => {
    const fake = await FakeDiscord.start({ interactionTimeoutMs: ACK_DEADLINE_MS });
    try {
      const bot = startMain({ DISCORD_TOKEN: fake.token, DISCORD_REST_API: fake.restBase });
      await fake.waitFor(
        () => ['ready', 'library open'].every((msg) => bot.lines().some((l) => l.msg === msg)),
        { timeoutMs: START_WAIT_MS, description: 'the ready and library open lines' },
      );
      const handles = await provokeEveryFault(fake, bot.lines);
      // What it wrote is complete once it exited, whatever it was still sending.
      bot.child.kill('SIGTERM');
      expect((await bot.exited).code).toBe(0);
      expect(bot.lines().filter((line) => Number(line.level) >= 50).length).toBeGreaterThan(3);
      expectNoSecret(bot.output(), [fake.token, ...handles.map((h) => h.token)]);
    } finally {
      await fake.close();
    }
  });

  it.concurrent.each([
    ['REST refuses it (401)', true],
    ['the gateway closes with 4004', false],
  ])(
    'exits 1 without retrying, with one sentence naming the token, when %s',
    async (_, checkRestAuth) => {
      const fake = await FakeDiscord.start({ checkRestAuth });
      try {
        const bot = startMain({ DISCORD_TOKEN: WRONG_TOKEN, DISCORD_REST_API: fake.restBase });
        const { code } = await bot.exited;
        expect(code).toBe(1);
        expect(bot.lines().filter((line) => Number(line.level) >= 50)).toEqual([]);
        const how = checkRestAuth ? '401 Unauthorized' : 'the gateway closed with 4004';
        expect(bot.output().trimEnd().split('\n').at(-1)).toMatch(
          new RegExp(`^Discord refused the bot token in DISCORD_TOKEN \\(${how}`),
        );
        expectNoSecret(bot.output(), [WRONG_TOKEN]);
        // One try only: no second gateway lookup, no second IDENTIFY.
        expect(
          fake.findRequests({ method: 'GET', path: '/gateway/bot' }).length,
        ).toBeLessThanOrEqual(1);
        expect(fake.identifies.length).toBe(checkRestAuth ? 0 : 1);
        await fake.waitFor(() => fake.openGatewayConnections === 0, {
          description: 'the gateway connection to close',
        });
      } finally {
        await fake.close();
      }
    },
  );
});

/** Ends a process group that may be gone already. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}
