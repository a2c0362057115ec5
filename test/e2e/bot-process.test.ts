/**
 * The real entry points as processes: `npm start` answers `/ask` through the
 * fake Discord and exits 0 when npm is sent SIGTERM (as a service manager
 * does); `src/main.ts` with a bad variable exits 2;
 * `scripts/deploy-commands.ts` registers the commands. Each process runs in
 * an empty temporary folder, so a developer's `.env` cannot leak in. One bot
 * serves the scenarios of a running bot; the processes that exit at once
 * run concurrently.
 */
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { list, replyOf } from './bot-harness.ts';
import { ACK_DEADLINE_MS, FakeDiscord, type Json } from './fake-discord.ts';
import {
  killProcess,
  logLines,
  ROOT,
  type RunningProcess,
  runNpmScript,
  runProcess,
  waitForLog,
} from './process.ts';

let workDir: string;
let fake: FakeDiscord;
const children: RunningProcess[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'talkbot-process-'));
  await cp(join(ROOT, 'seeds'), join(workDir, 'seeds'), { recursive: true });
  fake = await FakeDiscord.start({ interactionTimeoutMs: ACK_DEADLINE_MS });
});

afterAll(async () => {
  for (const child of children.splice(0)) killProcess(child);
  await fake?.close();
  await rm(workDir, { recursive: true, force: true });
});

/** Runs `tsx <script>` in the work folder with only the given variables, ended after the file. */
function run(script: string, env: Record<string, string>): RunningProcess {
  const running = runProcess(script, { cwd: workDir, env });
  children.push(running);
  return running;
}

/** The bot connects first and loads its articles meanwhile: it answers once both are logged. */
function servesQuestions(lines: Json[]): boolean {
  return ['ready', 'library open'].every((msg) => lines.some((l) => l.msg === msg));
}

const owner = { id: '300000000000000001', username: 'owner' };

// One bot for the scenarios of a running bot (they do not interfere: an answer, then a source
// added, then the stop), since each start costs its worker threads (TypeScript loaded in each) and
// the corpus: seconds of CPU, over 20 s on a busy machine.
describe('npm start with a token', { timeout: 60_000 }, () => {
  let bot: RunningProcess;
  let server: http.Server;
  let url: string;
  const userAgents: Array<string | undefined> = [];
  /** Every interaction token the bot was given: none may reach its log. */
  const interactionTokens: string[] = [];

  beforeAll(async () => {
    const article = readFileSync(join(ROOT, 'test/fixtures/html/article.html'), 'utf8');
    server = http.createServer((req, res) => {
      userAgents.push(req.headers['user-agent']);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(article);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    url = `http://127.0.0.1:${port}/bridge`;
    const botDir = await mkdtemp(join(workDir, 'npm-start-'));
    bot = await runNpmScript('start', {
      cwd: botDir,
      env: {
        DISCORD_TOKEN: fake.token,
        DISCORD_REST_API: fake.restBase,
        SEEDS_DIR: join(workDir, 'seeds'),
        SNAPSHOT_PATH: 'off',
        OWNER_IDS: owner.id,
        ALLOW_LOOPBACK_SOURCES: 'true',
        SOURCE_ALLOWED_PORTS: `80,443,${port}`,
        SOURCE_USER_AGENT: 'talkbot-process-test/1.0',
        SOURCE_FETCH_TIMEOUT_MS: '3000',
        // Processes run at once on a small machine: one answer thread is enough.
        ANSWER_WORKERS: '1',
      },
    });
    children.push(bot);
    await waitForLog(bot, servesQuestions, 'the ready and library open log lines');
  });

  afterAll(() => {
    server?.closeAllConnections();
    server?.close();
  });

  it('answers /ask as a real process', async () => {
    const ask = fake.sendSlashCommand({
      name: 'ask',
      options: { question: 'Who led Ukraine’s delegation?' },
    });
    interactionTokens.push(ask.token);
    // Under load the bot defers (type 5) and edits its answer in later: check
    // what the user sees once answered and the body that carried it.
    const { message, sent } = await replyOf(fake, ask);
    const [embed] = list(message.embeds);
    expect(embed?.description).toContain(
      '**Ukraine’s delegation was led by defence minister Rustem Umerov.**',
    );
    expect(sent.allowed_mentions).toEqual({ parse: [] });
  });

  it('adds a source for an owner, fetching as the source variables say', async () => {
    const add = fake.sendSlashCommand({
      name: 'sources',
      options: [{ name: 'add', type: 1, options: [{ name: 'url', type: 3, value: url }] }],
      user: owner,
    });
    interactionTokens.push(add.token);
    // A fetch, the page read in a worker started for it, and a rebuild in the build worker.
    await fake.waitForResponse(add);
    const [embed] = list(fake.originalMessage(add)?.embeds);
    expect(embed?.title).toBe('✅ Source added');
    expect(userAgents).toEqual(['talkbot-process-test/1.0']);
    expect(logLines(bot.stderr()).map((l) => l.msg)).toContain(
      'ALLOW_LOOPBACK_SOURCES is on: article URLs on this machine can be fetched',
    );
  });

  it('exits 0 when npm is sent SIGTERM, having logged no token', async () => {
    // npm passes the signal to its script's shell, which `exec` made the bot itself.
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    const lines = logLines(bot.stderr());
    expect(lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['ready', 'shutting down', 'stopped']),
    );
    expect(interactionTokens).toHaveLength(2);
    for (const secret of [fake.token, ...interactionTokens]) {
      expect(bot.stderr()).not.toContain(secret);
    }
    await fake.waitFor(() => fake.openGatewayConnections === 0);
  });
});

describe.concurrent('npm start', { timeout: 60_000 }, () => {
  it('exits 2 naming a malformed variable', async ({ expect }) => {
    const bot = run('src/main.ts', {
      LOG_LEVEL: 'loud',
      RATE_LIMIT_COUNT: '0',
      SOURCE_FETCH_TIMEOUT_MS: '10s',
    });
    expect(await bot.exited).toBe(2);
    expect(bot.stderr()).toContain('LOG_LEVEL must be one of');
    expect(bot.stderr()).toContain('RATE_LIMIT_COUNT must be a whole number of at least 1');
    expect(bot.stderr()).toContain(
      'SOURCE_FETCH_TIMEOUT_MS must be a whole number from 100 to 300000, got "10s".',
    );
  });
});

describe.concurrent('npm run deploy-commands', { timeout: 60_000 }, () => {
  it('registers the commands in one guild when DISCORD_GUILD_ID is set', async ({ expect }) => {
    const guildId = fake.guilds[0]?.id ?? '';
    const deploy = run('scripts/deploy-commands.ts', {
      DISCORD_TOKEN: fake.token,
      DISCORD_CLIENT_ID: fake.applicationId,
      DISCORD_GUILD_ID: guildId,
      DISCORD_REST_API: fake.restBase,
    });
    expect(await deploy.exited).toBe(0);
    expect(deploy.stdout()).toContain(`Deployed 7 commands to guild ${guildId}`);
    const [put] = fake.findRequests({ method: 'PUT' });
    expect(put?.path).toBe(`/applications/${fake.applicationId}/guilds/${guildId}/commands`);
    expect(list(put?.body).map((c) => c.name)).toEqual([
      'ask',
      'search',
      'sources',
      'refresh',
      'help',
      'insights',
      'Ask about this message',
    ]);
    expect(fake.globalCommands).toEqual([]);
  });

  it('exits 2 without the application id', async ({ expect }) => {
    const deploy = run('scripts/deploy-commands.ts', {
      DISCORD_TOKEN: fake.token,
      DISCORD_REST_API: fake.restBase,
    });
    expect(await deploy.exited).toBe(2);
    expect(deploy.stderr()).toContain('DISCORD_CLIENT_ID is required to deploy commands');
  });
});
