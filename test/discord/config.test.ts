import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_INSIGHTS_PATH,
  DEFAULT_SNAPSHOT_PATH,
  loadConfig,
  parseConfig,
  removeEmptyVariables,
  requireDeployConfig,
} from '../../src/config.ts';

/** Shaped like a bot token: three dot-separated parts. */
const TOKEN = 'MTIzNDU2.GwToKn.token-value_0123';

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('parseConfig', () => {
  it('has documented defaults', () => {
    expect(parseConfig({})).toEqual({
      discordToken: null,
      discordClientId: null,
      discordGuildId: null,
      discordRestApi: null,
      seedsDir: './seeds',
      logLevel: 'info',
      logFormat: null,
      connectAttempts: 5,
      loginTimeoutMs: 60_000,
      rateLimit: { count: 5, windowMs: 10_000 },
      refreshCooldownMs: 30_000,
      ownerIds: [],
      snapshotPath: DEFAULT_SNAPSHOT_PATH,
      watchSeeds: false,
      answerWorkers: availableParallelism(),
      sourceFetch: {
        timeoutMs: 10_000,
        maxBytes: 2_097_152,
        allowLoopback: false,
        allowedPorts: [80, 443],
        refreshBudgetMs: 120_000,
        extractTimeoutMs: 5000,
      },
      insightsPath: DEFAULT_INSIGHTS_PATH,
      insightsRetentionDays: 30,
    });
  });

  it('reads every variable', () => {
    const config = parseConfig({
      DISCORD_TOKEN: ' MTIzNDU2.GwToKn.token-value_0123 ',
      DISCORD_CLIENT_ID: '123456789012345678',
      DISCORD_GUILD_ID: '223456789012345678',
      DISCORD_REST_API: 'http://127.0.0.1:8080/api/',
      SEEDS_DIR: '/tmp/seeds',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'Pretty',
      DISCORD_CONNECT_ATTEMPTS: '1',
      DISCORD_LOGIN_TIMEOUT_SECONDS: '5',
      RATE_LIMIT_COUNT: '2',
      RATE_LIMIT_WINDOW_SECONDS: '60',
      REFRESH_COOLDOWN_SECONDS: '0',
      OWNER_IDS: '123456789012345678, 223456789012345678',
      SNAPSHOT_PATH: 'off',
      WATCH_SEEDS: 'true',
      ANSWER_WORKERS: '3',
      SOURCE_FETCH_TIMEOUT_MS: '2500',
      SOURCE_EXTRACT_TIMEOUT_MS: '2000',
      SOURCE_MAX_BYTES: '1048576',
      SOURCE_USER_AGENT: ' talkbot-test/1.0 (+https://bot.example/about) ',
      ALLOW_LOOPBACK_SOURCES: 'yes',
      SOURCE_ALLOWED_PORTS: '443, 8443',
      SOURCE_REFRESH_BUDGET_MS: '60000',
      SHARD_COUNT: '4',
      INSIGHTS_DB: 'off',
      INSIGHTS_RETENTION_DAYS: '7',
    });
    expect(config).toEqual({
      discordToken: 'MTIzNDU2.GwToKn.token-value_0123',
      discordClientId: '123456789012345678',
      discordGuildId: '223456789012345678',
      discordRestApi: 'http://127.0.0.1:8080/api',
      seedsDir: '/tmp/seeds',
      logLevel: 'debug',
      logFormat: 'pretty',
      connectAttempts: 1,
      loginTimeoutMs: 5000,
      rateLimit: { count: 2, windowMs: 60_000 },
      refreshCooldownMs: 0,
      ownerIds: ['123456789012345678', '223456789012345678'],
      snapshotPath: null,
      watchSeeds: true,
      answerWorkers: 3,
      sourceFetch: {
        timeoutMs: 2500,
        maxBytes: 1_048_576,
        userAgent: 'talkbot-test/1.0 (+https://bot.example/about)',
        allowLoopback: true,
        allowedPorts: [443, 8443],
        refreshBudgetMs: 60_000,
        extractTimeoutMs: 2000,
      },
      shardCount: 4,
      insightsPath: null,
      insightsRetentionDays: 7,
    });
  });

  it('treats empty and blank values as unset', () => {
    expect(parseConfig({ DISCORD_TOKEN: '', LOG_LEVEL: '  ', OWNER_IDS: '' })).toMatchObject({
      discordToken: null,
      logLevel: 'info',
      ownerIds: [],
    });
  });

  it.each([
    ['LOG_LEVEL', 'loud'],
    ['DISCORD_CLIENT_ID', 'abc'],
    ['DISCORD_GUILD_ID', '12'],
    ['DISCORD_REST_API', 'ftp://example.com'],
    ['DISCORD_REST_API', 'not a url'],
    ['RATE_LIMIT_COUNT', '0'],
    ['RATE_LIMIT_COUNT', 'five'],
    ['RATE_LIMIT_WINDOW_SECONDS', '-3'],
    ['RATE_LIMIT_WINDOW_SECONDS', '1.5'],
    ['REFRESH_COOLDOWN_SECONDS', '99999999999999999999'],
    ['OWNER_IDS', '123456789012345678,bob'],
    ['DISCORD_TOKEN', 'two words'],
    ['DISCORD_TOKEN', 'Bot MTIzNDU2.GwToKn.token-value_0123'],
    ['DISCORD_TOKEN', 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4'],
    ['DISCORD_TOKEN', '"MTIzNDU2.GwToKn.token-value_0123"'],
    ['LOG_FORMAT', 'yaml'],
    ['DISCORD_CONNECT_ATTEMPTS', '0'],
    ['DISCORD_LOGIN_TIMEOUT_SECONDS', '601'],
    ['WATCH_SEEDS', 'maybe'],
    ['SOURCE_FETCH_TIMEOUT_MS', 'ten'],
    ['SOURCE_FETCH_TIMEOUT_MS', '99'],
    ['SOURCE_FETCH_TIMEOUT_MS', '300001'],
    ['SHARD_COUNT', '0'],
    ['SOURCE_MAX_BYTES', '2MiB'],
    ['SOURCE_MAX_BYTES', '1023'],
    ['SOURCE_MAX_BYTES', '67108865'],
    ['SOURCE_USER_AGENT', 'talkbot\u0007/1.0'],
    ['SOURCE_USER_AGENT', 'bøt/1.0'],
    ['SOURCE_USER_AGENT', 'x'.repeat(257)],
    ['INSIGHTS_RETENTION_DAYS', '0'],
    ['INSIGHTS_RETENTION_DAYS', 'a month'],
    ['ALLOW_LOOPBACK_SOURCES', 'sometimes'],
    ['SOURCE_ALLOWED_PORTS', '80,http'],
    ['SOURCE_ALLOWED_PORTS', '0'],
    ['SOURCE_ALLOWED_PORTS', '65536'],
    ['SOURCE_ALLOWED_PORTS', '443,'],
    ['SOURCE_REFRESH_BUDGET_MS', '999'],
    ['SOURCE_REFRESH_BUDGET_MS', '840001'],
  ])('names %s when it is malformed (%j)', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(name);
  });

  it('accepts the bounds of the source fetch settings, and says them when out of them', () => {
    expect(
      parseConfig({
        SOURCE_FETCH_TIMEOUT_MS: '100',
        SOURCE_MAX_BYTES: '67108864',
        SOURCE_USER_AGENT: 'x'.repeat(256),
      }).sourceFetch,
    ).toEqual({
      timeoutMs: 100,
      maxBytes: 67_108_864,
      userAgent: 'x'.repeat(256),
      allowLoopback: false,
      allowedPorts: [80, 443],
      refreshBudgetMs: 120_000,
      extractTimeoutMs: 5000,
    });
    expect(problemsOf({ ANSWER_WORKERS: '0' })).toEqual([
      'ANSWER_WORKERS must be a whole number from 1 to 64, got "0".',
    ]);
    expect(problemsOf({ SOURCE_FETCH_TIMEOUT_MS: '0' })).toEqual([
      'SOURCE_FETCH_TIMEOUT_MS must be a whole number from 100 to 300000, got "0".',
    ]);
    expect(problemsOf({ SOURCE_MAX_BYTES: '99999999999999999999' })).toEqual([
      'SOURCE_MAX_BYTES must be a whole number from 1024 to 67108864, got "99999999999999999999".',
    ]);
  });

  it('lists every problem at once, in a message naming each variable', () => {
    let error: unknown;
    try {
      parseConfig({ LOG_LEVEL: 'loud', RATE_LIMIT_COUNT: 'x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(2);
    expect((error as Error).message).toMatch(/LOG_LEVEL[\s\S]*RATE_LIMIT_COUNT/);
  });

  it('never puts the token in a message', () => {
    for (const token of ['zq9 token-value', 'Bot zq9.token.value', 'zq9-client-value']) {
      const problems = problemsOf({ DISCORD_TOKEN: token });
      expect(problems).toHaveLength(1);
      expect(problems.join(' ')).not.toContain('zq9');
    }
  });
});

describe('loadConfig', () => {
  it('removes empty variables, so that discord.js does not read SHARD_COUNT= as 0', () => {
    const env: NodeJS.ProcessEnv = { SHARD_COUNT: '', SHARDS: ' ', SEEDS_DIR: './seeds' };
    removeEmptyVariables(env);
    expect(env).toEqual({ SEEDS_DIR: './seeds' });
  });

  it('reads .env from the working folder, the environment winning, empty meaning unset', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'talkbot-config-'));
    const cwd = process.cwd();
    try {
      await writeFile(join(folder, '.env'), 'SHARD_COUNT=\nLOG_LEVEL=debug\nRATE_LIMIT_COUNT=3\n');
      process.chdir(folder);
      const env: NodeJS.ProcessEnv = { RATE_LIMIT_COUNT: '7' };
      const config = loadConfig(env);
      expect(config).toMatchObject({ logLevel: 'debug', rateLimit: { count: 7 } });
      expect(config.shardCount).toBeUndefined();
      expect('SHARD_COUNT' in env).toBe(false);
    } finally {
      process.chdir(cwd);
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('requireDeployConfig', () => {
  it('needs the token and the application id', () => {
    expect(() => requireDeployConfig(parseConfig({}))).toThrow(
      /DISCORD_TOKEN[\s\S]*DISCORD_CLIENT_ID/,
    );
    expect(() => requireDeployConfig(parseConfig({ DISCORD_TOKEN: TOKEN }))).toThrow(
      /DISCORD_CLIENT_ID/,
    );
    const config = requireDeployConfig(
      parseConfig({ DISCORD_TOKEN: TOKEN, DISCORD_CLIENT_ID: '123456789012345678' }),
    );
    expect(config).toMatchObject({ token: TOKEN, clientId: '123456789012345678' });
  });
});
