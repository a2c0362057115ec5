/**
 * `npm run start:sharded` as a real process tree (the ShardingManager →
 * one process per shard) against the fake Discord recommending 2 shards: the
 * manager builds the snapshot once and each shard loads it; each shard
 * answers its own guilds; a /refresh in one shard reaches the other through
 * the snapshot; SIGTERM stops everything with exit code 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshUser, MODERATOR_PERMISSIONS, shownText } from './bot-harness.ts';
import { ACK_DEADLINE_MS, FakeDiscord, type InteractionHandle, type Json } from './fake-discord.ts';
import { nodeArgs, ROOT } from './process.ts';

/**
 * How long the three processes (the manager building the snapshot, then two shards loading it, each
 * with its worker threads) may take to start: about 10 s on a quiet 2-core machine, over 45 s at a
 * load average of 15. A safety net for a hang, not what the test measures; the test's own time-out
 * (240 s) leaves room after it for the fake's waits.
 */
const START_WAIT_MS = 120_000;
const LIGHTHOUSE =
  'Volunteers restored the Fresnel lens of the Rumelifeneri lighthouse at the mouth of the Bosphorus.\n';

let workDir: string;
let fake: FakeDiscord;
const children: ChildProcess[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'talkbot-sharded-'));
  await cp(join(ROOT, 'seeds'), join(workDir, 'seeds'), { recursive: true });
  fake = await FakeDiscord.start({
    shardCount: 2,
    guilds: 2,
    interactionTimeoutMs: ACK_DEADLINE_MS,
  });
});

afterAll(async () => {
  for (const child of children.splice(0)) {
    // The whole process group (the manager, its shards), whatever is left of it after a failure.
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Nothing is left: every process exited.
    }
  }
  await fake?.close();
  await rm(workDir, { recursive: true, force: true });
});

/** Runs `src/sharded.ts` as `npm run start:sharded` does, in its own process group. */
function startSharded(env: Record<string, string>) {
  const child = spawn(process.execPath, nodeArgs('src/sharded.ts'), {
    cwd: workDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exited, stderr: () => stderr };
}

/** JSON log lines of the manager and its shards, which share one stderr. */
function logLines(stderr: string): Json[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Json);
}

/** Library audit events of one kind, from every process. */
function audits(stderr: string, event: string): Json[] {
  return logLines(stderr)
    .map((line) => line.audit as Json | undefined)
    .filter((audit): audit is Json => audit?.event === event);
}

async function ask(
  question: string,
  guildId: string,
): Promise<{ handle: InteractionHandle; text: string }> {
  const handle = fake.sendSlashCommand({
    name: 'ask',
    options: { question },
    guildId,
    user: freshUser(),
  });
  const response = await fake.waitForResponse(handle);
  const message = fake.originalMessage(handle) ?? response.callback.data ?? {};
  return { handle, text: shownText(message) };
}

describe('npm run start:sharded', () => {
  it('runs 2 shards on one snapshot, spreads a refresh to both, and stops on SIGTERM', async () => {
    const [guild0, guild1] = fake.guilds.map((g) => g.id);
    if (!guild0 || !guild1) throw new Error('the fake should have 2 guilds');
    const bot = startSharded({
      DISCORD_TOKEN: fake.token,
      DISCORD_REST_API: fake.restBase,
      SEEDS_DIR: join(workDir, 'seeds'),
      SNAPSHOT_PATH: join(workDir, 'cache', 'index.snapshot'),
      REFRESH_COOLDOWN_SECONDS: '0',
      // Two shards start at once on a small machine: one answer thread each is enough.
      ANSWER_WORKERS: '1',
    });
    // The shards connect first and load the snapshot meanwhile: wait for both.
    await fake.waitFor(
      () => {
        if (bot.child.exitCode !== null) {
          throw new Error(`start:sharded exited (${bot.child.exitCode}):\n${bot.stderr()}`);
        }
        return (
          logLines(bot.stderr()).some((l) => l.msg === 'all shards ready') &&
          audits(bot.stderr(), 'open').length === 3
        );
      },
      { timeoutMs: START_WAIT_MS, description: 'all shards ready, with their articles' },
    );

    // Discord's recommendation, one identify per shard; the manager built the index, the shards loaded it.
    expect(fake.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(fake.findRequests({ method: 'GET', path: '/gateway/bot' }).length).toBeGreaterThan(0);
    expect(audits(bot.stderr(), 'open').map((a) => a.index)).toEqual([
      'built',
      'snapshot',
      'snapshot',
    ]);

    // Each shard answers the guilds Discord routes to it.
    const umerov = 'Ukraine’s delegation was led by defence minister Rustem Umerov.';
    const onShard0 = await ask('Who led Ukraine’s delegation?', guild0);
    const onShard1 = await ask('Who led Ukraine’s delegation?', guild1);
    expect([onShard0.handle.shardId, onShard1.handle.shardId]).toEqual([0, 1]);
    expect(onShard0.text).toContain(umerov);
    expect(onShard1.text).toContain(umerov);
    const lighthouseQuestion = 'Who restored the Fresnel lens of the lighthouse?';
    expect((await ask(lighthouseQuestion, guild1)).text).not.toContain('Rumelifeneri');

    // A moderator refreshes on shard 0 after a new article arrived.
    await writeFile(join(workDir, 'seeds', 'lighthouse.txt'), LIGHTHOUSE);
    const refresh = fake.sendSlashCommand({
      name: 'refresh',
      guildId: guild0,
      user: freshUser(),
      permissions: MODERATOR_PERMISSIONS,
    });
    const refreshed = await fake.waitForResponse(refresh);
    const edit = refreshed.webhooks.find((r) => r.method === 'PATCH');
    expect(shownText(edit?.body as Json)).toContain('Added: lighthouse');
    expect(refresh.shardId).toBe(0);

    // Shard 1 reloads the snapshot shard 0 saved, and answers about the new article.
    await fake.waitFor(() => audits(bot.stderr(), 'snapshot-reload')[0], {
      description: 'the other shard reloading the snapshot',
    });
    const reloads = audits(bot.stderr(), 'snapshot-reload');
    expect(reloads).toHaveLength(1);
    expect(reloads[0]).toMatchObject({ articles: 2 });
    const afterRefresh = await ask(lighthouseQuestion, guild1);
    expect(afterRefresh.handle.shardId).toBe(1);
    expect(afterRefresh.text).toContain('Rumelifeneri');
    // Only the manager built an index: shard 1 did not rebuild, it loaded.
    expect(audits(bot.stderr(), 'refresh').map((a) => a.status)).toEqual(['done']);

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    const messages = logLines(bot.stderr()).map((l) => l.msg);
    expect(messages.filter((m) => m === 'stopped')).toHaveLength(3);
    expect(bot.stderr()).not.toContain(fake.token);
    await fake.waitFor(() => fake.openGatewayConnections === 0);
  }, 240_000);

  it('exits 2 when the snapshot is turned off', async () => {
    const requests = fake.requests.length;
    const bot = startSharded({
      DISCORD_TOKEN: fake.token,
      DISCORD_REST_API: fake.restBase,
      SNAPSHOT_PATH: 'off',
    });
    expect(await bot.exited).toBe(2);
    expect(bot.stderr()).toContain('SNAPSHOT_PATH must not be off to run shards');
    expect(fake.requests.length).toBe(requests);
  });
});
