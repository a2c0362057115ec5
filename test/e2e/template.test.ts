/**
 * The path a newcomer takes to Discord: `cp .env.example .env`, fill in the
 * token, the application id (and here the fake Discord's address), nothing
 * else, and start. No variable comes from the environment, so every value the
 * template ships must be valid as it is.
 */
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { parseConfig, removeEmptyVariables } from '../../src/config.ts';
import { list, replyOf } from './bot-harness.ts';
import { ACK_DEADLINE_MS, FakeDiscord, type Json } from './fake-discord.ts';
import {
  killProcess,
  logLines,
  ROOT,
  type RunningProcess,
  runProcess,
  waitForLog,
} from './process.ts';

const TEMPLATE = readFileSync(join(ROOT, '.env.example'), 'utf8');

/**
 * The template with some variables filled in, as a person edits it: each
 * `NAME=` line gets the value, and must exist.
 */
function fillTemplate(values: Record<string, string>): string {
  let text = TEMPLATE;
  for (const [name, value] of Object.entries(values)) {
    const line = new RegExp(`^${name}=.*$`, 'm');
    if (!line.test(text)) throw new Error(`.env.example has no ${name}= line`);
    text = text.replace(line, `${name}=${value}`);
  }
  return text;
}

describe('.env.example', () => {
  it('is valid as shipped, empty values counting as unset', () => {
    const env: NodeJS.ProcessEnv = dotenv.parse(TEMPLATE);
    removeEmptyVariables(env);
    expect(() => parseConfig(env)).not.toThrow();
    expect(parseConfig(env).discordToken).toBeNull();
  });

  it('documents every variable the configuration reads', () => {
    const source = readFileSync(join(ROOT, 'src/config.ts'), 'utf8');
    // Every quoted NAME_WITH_UNDERSCORES in the configuration module is a variable it reads.
    const read = [...source.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)].map(
      (match) => match[1],
    );
    expect(read.length).toBeGreaterThan(10);
    const documented = new Set(Object.keys(dotenv.parse(TEMPLATE)));
    expect(read.filter((name) => !documented.has(name ?? ''))).toEqual([]);
  });
});

describe('a .env made from .env.example', () => {
  let fake: FakeDiscord;
  let workDir: string;
  const children: RunningProcess[] = [];

  beforeAll(async () => {
    fake = await FakeDiscord.start({ interactionTimeoutMs: ACK_DEADLINE_MS });
    workDir = await mkdtemp(join(tmpdir(), 'talkbot-template-'));
    await cp(join(ROOT, 'seeds'), join(workDir, 'seeds'), { recursive: true });
    await writeFile(
      join(workDir, '.env'),
      fillTemplate({
        DISCORD_TOKEN: fake.token,
        DISCORD_CLIENT_ID: fake.applicationId,
        DISCORD_REST_API: fake.restBase,
      }),
    );
  });

  afterAll(async () => {
    for (const running of children) killProcess(running);
    await fake?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it.concurrent('starts the bot, which answers in Discord and stops on SIGTERM', async () => {
    const bot = runProcess('src/main.ts', { cwd: workDir });
    children.push(bot);
    // The bot connects first and loads its articles meanwhile: it answers once both are logged.
    await waitForLog(
      bot,
      (lines) => ['ready', 'library open'].every((msg) => lines.some((l) => l.msg === msg)),
      'the ready and library open log lines',
    );
    const ask = fake.sendSlashCommand({
      name: 'ask',
      options: { question: 'Who led Ukraine’s delegation?' },
    });
    // Under load the bot defers (type 5) and edits its answer in later: read the
    // message as the user sees it once answered, not the first callback.
    const { message } = await replyOf(fake, ask);
    const [embed] = list(message.embeds);
    expect(embed?.description).toContain('Rustem Umerov');

    // The pid the log line names is the one that refreshes (npm and tsx do not pass SIGHUP on).
    const hint = logLines(bot.stderr()).find((l) => /^kill -HUP \d+ /.test(String(l.msg)));
    const pid = Number(/^kill -HUP (\d+) refreshes the articles$/.exec(String(hint?.msg))?.[1]);
    expect(pid).toBe(hint?.pid);
    process.kill(pid, 'SIGHUP');
    await waitForLog(
      bot,
      (lines) =>
        lines.some(
          (l) =>
            l.msg === 'library refresh' && (l.audit as Json | undefined)?.requestedBy === 'SIGHUP',
        ),
      'the refresh SIGHUP asked for',
    );
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.stderr()).not.toContain(fake.token);
  });

  it.concurrent('deploys the commands (globally, DISCORD_GUILD_ID being empty)', async () => {
    const deploy = runProcess('scripts/deploy-commands.ts', { cwd: workDir });
    children.push(deploy);
    expect(await deploy.exited).toBe(0);
    expect(deploy.stdout()).toContain(`Deployed ${commands.length} commands to all servers`);
    expect(fake.globalCommands).toHaveLength(commands.length);
  });

  it.concurrent('deploying with a wrong token says so in one sentence', async () => {
    const deploy = runProcess('scripts/deploy-commands.ts', {
      cwd: workDir,
      env: { DISCORD_TOKEN: 'd3Jvbmc.d3Jvbmc.wrong-token-for-this-test' },
    });
    children.push(deploy);
    expect(await deploy.exited).toBe(1);
    expect(deploy.stderr().trim()).toMatch(
      /^Discord refused the bot token in DISCORD_TOKEN \(401 Unauthorized\)/,
    );
  });
});
