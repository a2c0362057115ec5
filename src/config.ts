/**
 * Configuration from the environment (and a `.env` file), validated once at
 * start so a typo fails loudly with the variable's name instead of later.
 * See `.env.example` for every variable.
 */
import { availableParallelism } from 'node:os';
import dotenv from 'dotenv';
import { DEFAULT_CONNECT_ATTEMPTS } from './discord/startup.ts';
import { DEFAULT_ALLOWED_PORTS } from './sources/ssrf.ts';
import { trimEndWhere } from './text/trim.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The validated configuration. */
export interface Config {
  /** Bot token; null runs the console instead of the bot. */
  discordToken: string | null;
  /** Application id; needed to deploy commands (the bot reads it from READY). */
  discordClientId: string | null;
  /** Deploy commands to this guild only (instant, for development); null deploys globally. */
  discordGuildId: string | null;
  /** REST API base such as `http://127.0.0.1:PORT/api`; null uses Discord's. */
  discordRestApi: string | null;
  /** Folder of the articles. Default `./seeds`. */
  seedsDir: string;
  /** Default `info`. */
  logLevel: LogLevel;
  /** `pretty` (readable lines) or `json`; null picks pretty when stderr is a terminal, else JSON. */
  logFormat: LogFormat | null;
  /** Tries at start while Discord cannot be reached, with a growing wait between them. Default 5. */
  connectAttempts: number;
  /** How long logging in to Discord's gateway may take at start. Default 60 s. */
  loginTimeoutMs: number;
  /** Per-user limit on questions and button clicks: `count` uses per `windowMs`. Default 5 per 10 s. */
  rateLimit: { count: number; windowMs: number };
  /** Least time between two refreshes. Default 30 s. */
  refreshCooldownMs: number;
  /** Users who may manage sources. Default none. */
  ownerIds: string[];
  /** Where the built index is kept between starts; null (`SNAPSHOT_PATH=off`) keeps none. Default `.cache/index.snapshot`. */
  snapshotPath: string | null;
  /** Refresh when files in the seeds folder change. Default false. */
  watchSeeds: boolean;
  /** Threads answering questions for the bot, each with a copy of the index. Default: the number of cores. */
  answerWorkers: number;
  /** Shards `npm run start:sharded` runs; unset asks Discord for its recommendation. */
  shardCount?: number;
  /** How article URLs are fetched; passed to `Library.open({ sourceFetch })`. */
  sourceFetch: SourceFetchConfig;
  /** The insights database; null (`INSIGHTS_DB=off`) records nothing. Default `.data/insights.sqlite`. */
  insightsPath: string | null;
  /** Insights records older than this many days are deleted. Default 30. */
  insightsRetentionDays: number;
}

/** How article URLs (`/sources add`, the sources list) are fetched. */
export interface SourceFetchConfig {
  /** Time allowed for one article: DNS, redirects and body. Default 10 000 ms. */
  timeoutMs: number;
  /** Largest page accepted, in bytes. Default 2 MiB. */
  maxBytes: number;
  /** User-Agent header sent; unset uses the fetcher's own. */
  userAgent?: string;
  /** Permit 127.0.0.0/8 and ::1, for tests against a local server. Default false. */
  allowLoopback: boolean;
  /** Ports article URLs may use. Default 80 and 443. */
  allowedPorts: number[];
  /** Time a refresh may spend fetching the whole sources list. Default 120 000 ms. */
  refreshBudgetMs: number;
  /** Time a fetched page may take to read, in a worker ended at the limit. Default 5000 ms. */
  extractTimeoutMs: number;
}

/** Every problem found in the environment, each naming its variable. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Exit code for a configuration error, distinct from a crash (1). */
export const CONFIG_EXIT_CODE = 2;

type Env = Readonly<Record<string, string | undefined>>;

/** Where the built index is kept between starts unless `SNAPSHOT_PATH` says otherwise. */
export const DEFAULT_SNAPSHOT_PATH = '.cache/index.snapshot';
/** Where insights are kept unless `INSIGHTS_DB` says otherwise. */
export const DEFAULT_INSIGHTS_PATH = '.data/insights.sqlite';

const SNOWFLAKE = /^\d{17,20}$/;
/** A header value: printable ASCII, since Node refuses anything else in a header. */
const HEADER_VALUE = /^[\x20-\x7e]+$/;
const MAX_USER_AGENT_LENGTH = 256;
/** More answer threads than this only costs memory: each holds a copy of the index. */
const MAX_ANSWER_WORKERS = 64;

/**
 * Reads and validates the configuration from an environment object. Empty
 * values count as unset.
 *
 * @throws {ConfigError} listing every missing or malformed variable.
 * @example
 * parseConfig({ DISCORD_TOKEN: 'MTIz.Gw.abc', RATE_LIMIT_COUNT: '3' }).rateLimit // => { count: 3, windowMs: 10000 }
 * parseConfig({ LOG_LEVEL: 'loud' }) // throws: LOG_LEVEL must be one of fatal, error, …
 */
export function parseConfig(env: Env): Config {
  const problems: string[] = [];
  const read = (name: string): string | null => {
    const value = env[name]?.trim();
    return value ? value : null;
  };
  const snowflake = (name: string): string | null => {
    const value = read(name);
    if (value !== null && !SNOWFLAKE.test(value)) {
      problems.push(`${name} must be a Discord id (17 to 20 digits), got "${value}".`);
      return null;
    }
    return value;
  };
  const integer = (name: string, fallback: number, min: number, max?: number): number => {
    const value = read(name);
    if (value === null) return fallback;
    const number = Number(value);
    const tooBig = max === undefined ? !Number.isSafeInteger(number) : number > max;
    if (!/^\d+$/.test(value) || number < min || tooBig) {
      const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
      problems.push(`${name} must be a whole number ${range}, got "${value}".`);
      return fallback;
    }
    return number;
  };

  const flag = (name: string, fallback: boolean): boolean => {
    const value = read(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
    problems.push(`${name} must be true or false, got "${value}".`);
    return fallback;
  };

  const token = read('DISCORD_TOKEN');
  const tokenProblem = token === null ? null : malformedToken(token);
  if (tokenProblem) problems.push(tokenProblem);
  const logLevel = read('LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}".`);
  }
  const logFormat = read('LOG_FORMAT')?.toLowerCase() ?? null;
  if (logFormat !== null && !(LOG_FORMATS as readonly string[]).includes(logFormat)) {
    problems.push(
      `LOG_FORMAT must be json or pretty (or empty: pretty on a terminal, else JSON), got "${logFormat}".`,
    );
  }
  const restApi = read('DISCORD_REST_API');
  if (restApi !== null && !isHttpUrl(restApi)) {
    problems.push(
      `DISCORD_REST_API must be an http(s) URL such as http://127.0.0.1:8080/api, got "${restApi}".`,
    );
  }
  const ownerIds = (read('OWNER_IDS') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const badOwners = ownerIds.filter((id) => !SNOWFLAKE.test(id));
  if (badOwners.length > 0) {
    problems.push(
      `OWNER_IDS must be Discord user ids separated by commas; not ids: ${badOwners.join(', ')}.`,
    );
  }

  const userAgent = read('SOURCE_USER_AGENT');
  if (
    userAgent !== null &&
    (!HEADER_VALUE.test(userAgent) || userAgent.length > MAX_USER_AGENT_LENGTH)
  ) {
    problems.push(
      `SOURCE_USER_AGENT must be at most ${MAX_USER_AGENT_LENGTH} printable ASCII characters (it is sent as a header), such as "talkbot/1.0 (+https://example.com/bot)".`,
    );
  }

  const allowedPorts = portList(read('SOURCE_ALLOWED_PORTS'));
  if (allowedPorts === null) {
    problems.push(
      'SOURCE_ALLOWED_PORTS must be port numbers from 1 to 65535 separated by commas, such as "80,443,8080".',
    );
  }

  const config: Config = {
    discordToken: token,
    discordClientId: snowflake('DISCORD_CLIENT_ID'),
    discordGuildId: snowflake('DISCORD_GUILD_ID'),
    discordRestApi: restApi === null ? null : trimEndWhere(restApi, (c) => c === '/'),
    seedsDir: read('SEEDS_DIR') ?? './seeds',
    logLevel: logLevel as LogLevel,
    logFormat: logFormat as LogFormat | null,
    connectAttempts: integer('DISCORD_CONNECT_ATTEMPTS', DEFAULT_CONNECT_ATTEMPTS, 1, 100),
    loginTimeoutMs: integer('DISCORD_LOGIN_TIMEOUT_SECONDS', 60, 1, 600) * 1000,
    rateLimit: {
      count: integer('RATE_LIMIT_COUNT', 5, 1),
      windowMs: integer('RATE_LIMIT_WINDOW_SECONDS', 10, 1) * 1000,
    },
    refreshCooldownMs: integer('REFRESH_COOLDOWN_SECONDS', 30, 0) * 1000,
    ownerIds,
    snapshotPath: snapshotPath(read('SNAPSHOT_PATH')),
    watchSeeds: flag('WATCH_SEEDS', false),
    answerWorkers: integer('ANSWER_WORKERS', availableParallelism(), 1, MAX_ANSWER_WORKERS),
    ...(read('SHARD_COUNT') === null ? {} : { shardCount: integer('SHARD_COUNT', 1, 1) }),
    // Upper bounds: `/sources add` must answer within Discord's 15-minute
    // interaction window, and a page is held in memory while it is read.
    sourceFetch: {
      timeoutMs: integer('SOURCE_FETCH_TIMEOUT_MS', 10_000, 100, 300_000),
      maxBytes: integer('SOURCE_MAX_BYTES', 2 * 1024 * 1024, 1024, 64 * 1024 * 1024),
      ...(userAgent ? { userAgent } : {}),
      allowLoopback: flag('ALLOW_LOOPBACK_SOURCES', false),
      allowedPorts: allowedPorts ?? [...DEFAULT_ALLOWED_PORTS],
      refreshBudgetMs: integer('SOURCE_REFRESH_BUDGET_MS', 120_000, 1000, 840_000),
      extractTimeoutMs: integer('SOURCE_EXTRACT_TIMEOUT_MS', 5000, 100, 60_000),
    },
    insightsPath: offOr(read('INSIGHTS_DB'), DEFAULT_INSIGHTS_PATH),
    insightsRetentionDays: integer('INSIGHTS_RETENTION_DAYS', 30, 1, 3650),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * What `npm run deploy-commands` needs beyond {@link parseConfig}: a token and
 * the application id.
 *
 * @throws {ConfigError} naming the missing variables.
 * @example
 * requireDeployConfig(parseConfig({ DISCORD_TOKEN: 'MTIz.Gw.abc', DISCORD_CLIENT_ID: '123456789012345678' })).clientId // => '123456789012345678'
 */
export function requireDeployConfig(config: Config): Config & { token: string; clientId: string } {
  const problems: string[] = [];
  if (!config.discordToken) problems.push('DISCORD_TOKEN is required to deploy commands.');
  if (!config.discordClientId) {
    problems.push(
      'DISCORD_CLIENT_ID is required to deploy commands (the Application ID in the Developer Portal).',
    );
  }
  if (problems.length > 0 || !config.discordToken || !config.discordClientId) {
    throw new ConfigError(problems);
  }
  return { ...config, token: config.discordToken, clientId: config.discordClientId };
}

/**
 * Loads `.env` (variables already set win) and parses the environment. Empty
 * variables are then removed from it, so that they count as unset for the
 * libraries that read the environment themselves too: discord.js reads
 * `SHARD_COUNT` and `SHARDS`, and would take an empty `SHARD_COUNT=` as 0.
 *
 * @throws {ConfigError} see {@link parseConfig}.
 * @example
 * const config = loadConfig();
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  dotenv.config({ quiet: true, processEnv: env });
  removeEmptyVariables(env);
  return parseConfig(env);
}

/**
 * Deletes the variables whose value is empty or blank.
 *
 * @example
 * const env = { SHARD_COUNT: '', SEEDS_DIR: './seeds' };
 * removeEmptyVariables(env); // env is now { SEEDS_DIR: './seeds' }
 */
export function removeEmptyVariables(env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() === '') delete env[name];
  }
}

/**
 * Loads the configuration for a program's entry point, checked by `require`
 * when the program needs more than the defaults; on a {@link ConfigError}
 * prints its message and exits with {@link CONFIG_EXIT_CODE}.
 *
 * @example
 * const config = loadConfigOrExit(requireDeployConfig);
 */
export function loadConfigOrExit<T = Config>(require?: (config: Config) => T): T {
  try {
    const config = loadConfig();
    return require ? require(config) : (config as T);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee .env.example for every variable.\n`);
    process.exit(CONFIG_EXIT_CODE);
  }
}

/**
 * Why a token cannot be a bot token, before any request is sent: a bot token
 * is three dot-separated parts of letters, digits, `-` and `_` (about 70
 * characters). The usual slips are the "Bot " prefix, quotes, and the OAuth2
 * client secret, which has no dots.
 */
function malformedToken(token: string): string | null {
  if (/^Bot\s/i.test(token)) {
    return 'DISCORD_TOKEN must be the token alone, without "Bot " in front.';
  }
  if (/\s/.test(token)) {
    return 'DISCORD_TOKEN must not contain spaces; copy the token from the Developer Portal.';
  }
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) {
    return (
      'DISCORD_TOKEN does not look like a bot token (three parts separated by dots, about 70 characters): ' +
      'copy it from the Developer Portal (your application › Bot › Reset Token); the OAuth2 client secret is not the token.'
    );
  }
  return null;
}

function snapshotPath(value: string | null): string | null {
  return offOr(value, DEFAULT_SNAPSHOT_PATH);
}

/** A path setting: the default when unset, null when turned off. */
function offOr(value: string | null, fallback: string): string | null {
  if (value === null) return fallback;
  return ['off', 'none', 'false'].includes(value.toLowerCase()) ? null : value;
}

/** Ports from a comma-separated list; the default when unset; null when any is no port number. */
function portList(value: string | null): number[] | null {
  if (value === null) return [...DEFAULT_ALLOWED_PORTS];
  const ports = value.split(',').map((part) => part.trim());
  const valid = ports.every(
    (port) => /^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535,
  );
  return valid ? ports.map(Number) : null;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
