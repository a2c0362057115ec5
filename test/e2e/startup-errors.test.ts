/**
 * A start that cannot go on says why in one sentence on stderr and exits
 * non-zero: a malformed token (before any request), a token Discord refuses
 * (401, gateway 4004), a Discord that cannot be reached (DNS, refused, no
 * answer: retried with a growing wait, then the host is named), disallowed
 * intents (4014). The waits between tries are recorded, not slept.
 */

import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { startBot } from '../../src/discord/client.ts';
import {
  backoffMs,
  connectWithRetry,
  discordHost,
  StartupError,
} from '../../src/discord/startup.ts';
import { Library } from '../../src/library/library.ts';
import { createLogger } from '../../src/log.ts';
import { FakeDiscord } from './fake-discord.ts';
import { killProcess, logLines, ROOT, type RunningProcess, runProcess } from './process.ts';

let workDir: string;
let library: Library;
const children: RunningProcess[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'talkbot-startup-'));
  await cp(join(ROOT, 'seeds'), join(workDir, 'seeds'), { recursive: true });
  library = await Library.open({ seedsDir: join(workDir, 'seeds') });
});

afterAll(async () => {
  for (const running of children) killProcess(running);
  await rm(workDir, { recursive: true, force: true });
});

/** The last line a process wrote to stderr, which must be its reason for stopping. */
function lastLine(bot: RunningProcess): string {
  return bot.stderr().trimEnd().split('\n').at(-1) ?? '';
}

/** Log lines of level error or fatal: the sentence must be the only report of the cause. */
function errorLines(bot: RunningProcess) {
  return logLines(bot.stderr()).filter((line) => Number(line.level) >= 50);
}

/**
 * `npm start` in the work folder with these variables only. One answer thread: the bot loads its
 * articles while it connects, and how it fails to connect does not depend on their number.
 */
function start(env: Record<string, string>): RunningProcess {
  const bot = runProcess('src/main.ts', {
    cwd: workDir,
    env: { SNAPSHOT_PATH: 'off', ANSWER_WORKERS: '1', ...env },
  });
  children.push(bot);
  return bot;
}

/** An address where nothing listens: a port just let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** The bot's own start, in this process, with the waits between tries recorded. */
function connect(
  restApi: string,
  options: { attempts: number; token?: string; restTimeoutMs?: number },
) {
  const waits: number[] = [];
  const started = connectWithRetry(
    () =>
      startBot({
        token: options.token ?? 'ZmFrZQ.ZmFrZQ.unused-token-for-this-test',
        restApi,
        ...(options.restTimeoutMs ? { restTimeoutMs: options.restTimeoutMs } : {}),
        library,
        logger: createLogger({ level: 'silent' }),
        commands,
        rateLimit: { count: 5, windowMs: 10_000 },
      }),
    {
      host: discordHost(restApi),
      attempts: options.attempts,
      delay: async (ms) => {
        waits.push(ms);
      },
    },
  );
  return { started, waits };
}

describe.concurrent('npm start says why it cannot start', () => {
  it('a malformed token: exit 2 before any request', async ({ expect }) => {
    const fake = await FakeDiscord.start();
    try {
      const secret = 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4';
      const bot = start({ DISCORD_TOKEN: secret, DISCORD_REST_API: fake.restBase });
      expect(await bot.exited).toBe(2);
      expect(bot.stderr()).toContain('DISCORD_TOKEN does not look like a bot token');
      expect(bot.stderr()).not.toContain(secret);
      expect(fake.requests).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('disallowed intents (4014): exit 1, naming the Developer Portal setting', async ({
    expect,
  }) => {
    const fake = await FakeDiscord.start();
    try {
      fake.refuseIdentify({ code: 4014, reason: 'Disallowed intent(s).' });
      const bot = start({ DISCORD_TOKEN: fake.token, DISCORD_REST_API: fake.restBase });
      expect(await bot.exited).toBe(1);
      expect(errorLines(bot)).toEqual([]);
      expect(lastLine(bot)).toBe(
        'Discord refused the gateway intents the bot asks for (4014, disallowed intents): turn on the privileged intents it needs in the Developer Portal (your application › Bot › Privileged Gateway Intents), or ask Discord to approve them for a verified bot.',
      );
      expect(fake.identifies).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });

  it('Discord refusing connections: exit 1 naming the host, after the configured tries', async ({
    expect,
  }) => {
    const port = await closedPort();
    const bot = start({
      DISCORD_TOKEN: 'ZmFrZQ.ZmFrZQ.unused-token-for-this-test',
      DISCORD_REST_API: `http://127.0.0.1:${port}/api`,
      DISCORD_CONNECT_ATTEMPTS: '1',
    });
    expect(await bot.exited).toBe(1);
    expect(errorLines(bot)).toEqual([]);
    expect(lastLine(bot)).toBe(
      `Could not reach Discord at 127.0.0.1:${port}: the connection was refused, after 1 attempt. Check the network connection, any firewall or proxy, and DISCORD_REST_API if it is set.`,
    );
  });
});

describe.concurrent('npm start with a gateway it cannot reach', () => {
  it('exits 1 after the login time, naming the gateway, though the API answered', async ({
    expect,
  }) => {
    const fake = await FakeDiscord.start();
    try {
      const port = await closedPort();
      // discord.js retries such a gateway for ever; DISCORD_LOGIN_TIMEOUT_SECONDS bounds it.
      fake.route('GET', '/gateway/bot', () => ({
        status: 200,
        body: {
          url: `ws://127.0.0.1:${port}`,
          shards: 1,
          session_start_limit: {
            total: 1000,
            remaining: 1000,
            reset_after: 0,
            max_concurrency: 16,
          },
        },
      }));
      const bot = start({
        DISCORD_TOKEN: fake.token,
        DISCORD_REST_API: fake.restBase,
        DISCORD_LOGIN_TIMEOUT_SECONDS: '1',
      });
      expect(await bot.exited).toBe(1);
      expect(errorLines(bot)).toEqual([]);
      expect(lastLine(bot)).toBe(
        `Could not connect to Discord's gateway at 127.0.0.1:${port} within 1 s, though its API at ${new URL(fake.restBase).host} answered: check that the network lets WebSocket connections through (a firewall or proxy may block them), or raise DISCORD_LOGIN_TIMEOUT_SECONDS.`,
      );
      expect(fake.findRequests({ method: 'GET', path: '/gateway/bot' })).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });
});

describe.concurrent('connecting with retries', () => {
  it('retries a refused connection 1 s, 2 s apart, then names the host', async ({ expect }) => {
    const port = await closedPort();
    const { started, waits } = connect(`http://127.0.0.1:${port}/api`, { attempts: 3 });
    await expect(started).rejects.toThrow(
      new StartupError(
        `Could not reach Discord at 127.0.0.1:${port}: the connection was refused, after 3 attempts. Check the network connection, any firewall or proxy, and DISCORD_REST_API if it is set.`,
      ),
    );
    expect(waits).toEqual([1000, 2000]);
  });

  it('names a host that does not resolve (DNS)', async ({ expect }) => {
    const { started, waits } = connect('http://talkbot-test.invalid/api', { attempts: 2 });
    await expect(started).rejects.toThrow(
      /^Could not reach Discord at talkbot-test\.invalid: the name talkbot-test\.invalid could not be resolved \(DNS\), after 2 attempts\./,
    );
    expect(waits).toEqual([1000]);
  });

  it('says when Discord does not answer in time', async ({ expect }) => {
    const fake = await FakeDiscord.start();
    // Discord answers only after the test: the 50 ms REST timeout wins whatever the load.
    let answer = () => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    try {
      fake.injectFault(
        { method: 'GET', path: '/gateway/bot', times: Number.POSITIVE_INFINITY },
        { kind: 'delay', until: answered },
      );
      const { started } = connect(fake.restBase, {
        attempts: 1,
        token: fake.token,
        restTimeoutMs: 50,
      });
      await expect(started).rejects.toThrow(
        `Could not reach Discord at ${new URL(fake.restBase).host}: it did not answer in time, after 1 attempt.`,
      );
    } finally {
      answer();
      await fake.close();
    }
  });

  it('connects once Discord answers again, after server errors', async ({ expect }) => {
    const fake = await FakeDiscord.start();
    try {
      // One login's worth of 503s: discord.js tries a request 4 times before giving up.
      fake.injectFault(
        { method: 'GET', path: '/gateway/bot', times: 4 },
        { kind: 'status', status: 503 },
      );
      const { started, waits } = connect(fake.restBase, { attempts: 3, token: fake.token });
      const bot = await started;
      await bot.ready;
      expect(waits).toEqual([1000]);
      expect(
        fake.findRequests({ method: 'GET', path: '/gateway/bot' }).map((r) => r.status),
      ).toEqual([503, 503, 503, 503, 200]);
      await bot.stop();
    } finally {
      await fake.close();
    }
  });

  it('does not retry a refused token (401)', async ({ expect }) => {
    const fake = await FakeDiscord.start();
    try {
      const { started, waits } = connect(fake.restBase, { attempts: 3 });
      await expect(started).rejects.toThrow(
        /^Discord refused the bot token in DISCORD_TOKEN \(401 Unauthorized\)/,
      );
      expect(waits).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('waits twice as long each time, at most 30 s', ({ expect }) => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(backoffMs)).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });
});
