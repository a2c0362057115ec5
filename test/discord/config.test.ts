import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_INSIGHTS_PATH,
  parseConfig,
  requireDeployConfig,
} from '../../src/config.ts';
import { DEFAULT_SNAPSHOT_PATH } from '../../src/library.ts';

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
      rateLimit: { count: 5, windowMs: 10_000 },
      refreshCooldownMs: 30_000,
      ownerIds: [],
      snapshotPath: DEFAULT_SNAPSHOT_PATH,
      watchSeeds: false,
      sourceFetch: {
        timeoutMs: 10_000,
        maxBytes: 2_097_152,
        allowLoopback: false,
        allowedPorts: [80, 443],
        refreshBudgetMs: 120_000,
      },
      insightsPath: DEFAULT_INSIGHTS_PATH,
      insightsRetentionDays: 30,
    });
  });

  it('reads every variable', () => {
    const config = parseConfig({
      DISCORD_TOKEN: ' token.value ',
      DISCORD_CLIENT_ID: '123456789012345678',
      DISCORD_GUILD_ID: '223456789012345678',
      DISCORD_REST_API: 'http://127.0.0.1:8080/api/',
      SEEDS_DIR: '/tmp/seeds',
      LOG_LEVEL: 'debug',
      RATE_LIMIT_COUNT: '2',
      RATE_LIMIT_WINDOW_SECONDS: '60',
      REFRESH_COOLDOWN_SECONDS: '0',
      OWNER_IDS: '123456789012345678, 223456789012345678',
      SNAPSHOT_PATH: 'off',
      WATCH_SEEDS: 'true',
      SOURCE_FETCH_TIMEOUT_MS: '2500',
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
      discordToken: 'token.value',
      discordClientId: '123456789012345678',
      discordGuildId: '223456789012345678',
      discordRestApi: 'http://127.0.0.1:8080/api',
      seedsDir: '/tmp/seeds',
      logLevel: 'debug',
      rateLimit: { count: 2, windowMs: 60_000 },
      refreshCooldownMs: 0,
      ownerIds: ['123456789012345678', '223456789012345678'],
      snapshotPath: null,
      watchSeeds: true,
      sourceFetch: {
        timeoutMs: 2500,
        maxBytes: 1_048_576,
        userAgent: 'talkbot-test/1.0 (+https://bot.example/about)',
        allowLoopback: true,
        allowedPorts: [443, 8443],
        refreshBudgetMs: 60_000,
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
    });
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
    const problems = problemsOf({ DISCORD_TOKEN: 'secret token-value' });
    expect(problems.join(' ')).not.toContain('secret');
  });
});

describe('requireDeployConfig', () => {
  it('needs the token and the application id', () => {
    expect(() => requireDeployConfig(parseConfig({}))).toThrow(
      /DISCORD_TOKEN[\s\S]*DISCORD_CLIENT_ID/,
    );
    expect(() => requireDeployConfig(parseConfig({ DISCORD_TOKEN: 't' }))).toThrow(
      /DISCORD_CLIENT_ID/,
    );
    const config = requireDeployConfig(
      parseConfig({ DISCORD_TOKEN: 't', DISCORD_CLIENT_ID: '123456789012345678' }),
    );
    expect(config).toMatchObject({ token: 't', clientId: '123456789012345678' });
  });
});
