/**
 * Connecting to Discord at start-up, and saying in one sentence why it failed:
 * a token Discord refuses, a Discord that cannot be reached (retried with a
 * bounded backoff first), intents Discord does not allow. The sentence is for
 * the person starting the bot, so it names the cause and what to do, never
 * the token.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Discord's API host, named when `DISCORD_REST_API` is not set. */
export const DISCORD_HOST = 'discord.com';
/** How many times to try reaching Discord at start when `DISCORD_CONNECT_ATTEMPTS` is unset. */
export const DEFAULT_CONNECT_ATTEMPTS = 5;
const FIRST_RETRY_MS = 1000;
const LONGEST_RETRY_MS = 30_000;

/** Why the bot could not start: one sentence for the operator. */
export class StartupError extends Error {
  constructor(sentence: string) {
    super(sentence);
    this.name = 'StartupError';
  }
}

/**
 * Thrown when logging in took longer than allowed: the API answered, but
 * the gateway (a WebSocket, which firewalls and proxies may block) was not
 * connected to in time. The process should end: the client it leaves behind
 * keeps trying.
 */
export class GatewayUnreachableError extends Error {
  /** The gateway's host, as Discord named it (the timeout counts only once the API answered). */
  readonly hostname: string;
  readonly timeoutMs: number;

  constructor(hostname: string, timeoutMs: number) {
    super(`logging in took over ${timeoutMs} ms`);
    this.name = 'GatewayUnreachableError';
    this.hostname = hostname;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * What a failed login means: Discord answered no (a whole sentence: what to
 * fix), or could not be reached (the reason, worth trying again).
 */
export type LoginFailure =
  | { retryable: false; sentence: string }
  | { retryable: true; reason: string };

/** Error codes of a network that did not carry the request, and how to say each. */
const NETWORK_CAUSES: Readonly<Record<string, (hostname: string) => string>> = {
  ENOTFOUND: (hostname) => `the name ${hostname} could not be resolved (DNS)`,
  EAI_AGAIN: (hostname) => `the name ${hostname} could not be resolved (DNS)`,
  ECONNREFUSED: () => 'the connection was refused',
  ECONNRESET: () => 'the connection was cut',
  UND_ERR_SOCKET: () => 'the connection was cut',
  ETIMEDOUT: () => 'it did not answer in time',
  UND_ERR_CONNECT_TIMEOUT: () => 'it did not answer in time',
  UND_ERR_HEADERS_TIMEOUT: () => 'it did not answer in time',
  ABORT_ERR: () => 'it did not answer in time',
  ENETUNREACH: () => 'there is no network route to it',
  EHOSTUNREACH: () => 'there is no network route to it',
};

/** Gateway close reasons discord.js reports as errors, by its message. */
const GATEWAY_REFUSALS: Readonly<Record<string, string>> = {
  'Authentication failed': tokenRefused('the gateway closed with 4004, authentication failed'),
  'Used disallowed intents':
    'Discord refused the gateway intents the bot asks for (4014, disallowed intents): turn on the ' +
    'privileged intents it needs in the Developer Portal (your application › Bot › Privileged ' +
    'Gateway Intents), or ask Discord to approve them for a verified bot.',
  'Used invalid intents':
    'Discord refused the gateway intents the bot asks for as invalid (4013); this is a bug in talkbot, please report it.',
  'Sharding is required':
    'Discord requires this bot to run in shards (4011): start it with `npm run start:sharded`.',
  'Invalid shard':
    'Discord refused the shard settings (4010): check SHARD_COUNT, or leave it empty for Discord’s recommendation.',
};

/**
 * The host a start-up error should name: `DISCORD_REST_API`'s, else Discord's.
 *
 * @example
 * discordHost('http://127.0.0.1:8080/api') // => '127.0.0.1:8080'
 * discordHost(null) // => 'discord.com'
 */
export function discordHost(restApi: string | null | undefined): string {
  return restApi ? new URL(restApi).host : DISCORD_HOST;
}

/**
 * Reads an error from `client.login` as what the operator must know.
 *
 * @example
 * explainLoginError(Object.assign(new Error('getaddrinfo ENOTFOUND discord.com'), { code: 'ENOTFOUND' }), 'discord.com')
 * // => { retryable: true, reason: 'the name discord.com could not be resolved (DNS)' }
 * explainLoginError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'discord.com')
 * // => { retryable: true, reason: 'the connection was refused' }
 */
export function explainLoginError(error: unknown, host: string): LoginFailure {
  if (error instanceof GatewayUnreachableError) return gatewayUnreachable(error, host);
  const { code, name, message, status, hostname } = errorFields(error);
  if (code === 'TokenInvalid' || status === 401) {
    return { retryable: false, sentence: tokenRefused('401 Unauthorized') };
  }
  const refusal = GATEWAY_REFUSALS[message];
  if (refusal) return { retryable: false, sentence: refusal };
  const network = NETWORK_CAUSES[code] ?? (name === 'AbortError' ? NETWORK_CAUSES.ABORT_ERR : null);
  // A DNS error names the host it looked up, which may be the gateway's rather than the API's.
  if (network) return { retryable: true, reason: network(hostname || host) };
  if (status >= 500) {
    return { retryable: true, reason: `it answered with a server error (HTTP ${status})` };
  }
  return {
    retryable: false,
    sentence: `Could not connect to Discord at ${host}: ${message || name || 'unknown error'}.`,
  };
}

/** Options for {@link connectWithRetry}. */
export interface ConnectOptions {
  /** The host named in messages (see {@link discordHost}). */
  host: string;
  /** Tries in all, at least 1. Default {@link DEFAULT_CONNECT_ATTEMPTS}. */
  attempts?: number;
  /** Waits between tries; tests pass one that records and returns at once. Default a real timer. */
  delay?: (ms: number) => Promise<unknown>;
  /** Told before each wait, to log it. */
  onRetry?: (retry: { attempt: number; attempts: number; waitMs: number; reason: string }) => void;
}

/**
 * Runs `connect` until it succeeds, trying again after 1 s, 2 s, 4 s … (at
 * most 30 s) while Discord cannot be reached, at most `attempts` times in all.
 * A refusal (a wrong token, disallowed intents) is not retried.
 *
 * @throws {StartupError} with one sentence naming the cause and what to do.
 * @example
 * const bot = await connectWithRetry(() => startBot(options), { host: discordHost(config.discordRestApi) });
 */
export async function connectWithRetry<T>(
  connect: () => Promise<T>,
  options: ConnectOptions,
): Promise<T> {
  const { host, attempts = DEFAULT_CONNECT_ATTEMPTS, delay = sleep } = options;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await connect();
    } catch (error) {
      const failure = explainLoginError(error, host);
      if (!failure.retryable) throw new StartupError(failure.sentence);
      if (attempt >= attempts) throw new StartupError(unreachable(host, failure.reason, attempt));
      const waitMs = backoffMs(attempt);
      options.onRetry?.({ attempt, attempts, waitMs, reason: failure.reason });
      await delay(waitMs);
    }
  }
}

/**
 * The wait before try `attempt + 1`: doubling from 1 s, at most 30 s.
 *
 * @example
 * [1, 2, 3, 7].map(backoffMs) // => [1000, 2000, 4000, 30000]
 */
export function backoffMs(attempt: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), LONGEST_RETRY_MS);
}

function unreachable(host: string, reason: string, attempts: number): string {
  const tries = attempts === 1 ? 'after 1 attempt' : `after ${attempts} attempts`;
  return (
    `Could not reach Discord at ${host}: ${reason}, ${tries}. ` +
    'Check the network connection, any firewall or proxy, and DISCORD_REST_API if it is set.'
  );
}

/**
 * discord.js has retried the gateway all along, and the client it leaves keeps
 * trying, so this is not retried: the start ends with the host to check.
 */
function gatewayUnreachable(error: GatewayUnreachableError, host: string): LoginFailure {
  const seconds = `${Math.round(error.timeoutMs / 1000)} s`;
  return {
    retryable: false,
    sentence:
      `Could not connect to Discord's gateway at ${error.hostname} within ${seconds}, though its API at ${host} answered: ` +
      'check that the network lets WebSocket connections through (a firewall or proxy may block them), or raise DISCORD_LOGIN_TIMEOUT_SECONDS.',
  };
}

function tokenRefused(how: string): string {
  return (
    `Discord refused the bot token in DISCORD_TOKEN (${how}): it is mistyped or was reset. ` +
    'Copy a new one from the Developer Portal (your application › Bot › Reset Token) into .env.'
  );
}

/** The fields of a thrown value that say what failed, looking into `cause`, where fetch errors keep theirs. */
function errorFields(error: unknown) {
  const outer = (error ?? {}) as Record<string, unknown>;
  const cause = (outer.cause ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return {
    code: text(outer.code) || text(cause.code),
    name: text(outer.name),
    message: error instanceof Error ? error.message : String(error),
    status: typeof outer.status === 'number' ? outer.status : 0,
    hostname: text(outer.hostname) || text(cause.hostname),
  };
}
