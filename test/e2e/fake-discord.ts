/**
 * A local fake of Discord (REST API + gateway WebSocket) for end-to-end tests.
 *
 * The real, unmodified discord.js client connects to it when given
 * `rest: { api: fake.restBase }` in its options: discord.js appends `/v10`
 * itself and learns the gateway URL from `GET /gateway/bot`, which the fake
 * answers with its own `ws://127.0.0.1:PORT`. Everything listens on loopback
 * with an ephemeral port, so tests can run in parallel and need no network.
 *
 * What it does:
 * - records every HTTP request (bot token never stored) and gateway payload;
 * - plays the gateway: HELLO, heartbeat ACKs, IDENTIFY → READY + GUILD_CREATE,
 *   RESUME with replay of missed events, sharding by `(guild_id >> 22) % shards`;
 * - dispatches interactions (slash command, autocomplete, button, message
 *   context menu) and tracks their callbacks and webhook follow-ups, emulating
 *   Discord's rules (one callback per interaction, 3 s to acknowledge);
 * - injects faults: REST 429/5xx/Discord error codes/delays/hang-ups, and
 *   gateway closes, INVALID_SESSION, RECONNECT and zombie connections.
 */
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type RawData, WebSocket, WebSocketServer } from 'ws';

/** A loosely typed JSON object, as payloads arrive from and go to discord.js. */
export type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

/** Options for {@link FakeDiscord.start}. All are optional. */
export interface FakeDiscordOptions {
  /** The bot token the fake accepts (REST `Authorization: Bot <token>` and IDENTIFY). Default {@link FAKE_BOT_TOKEN}. */
  token?: string;
  /** Recommended shard count returned by `GET /gateway/bot`. Default 1. */
  shardCount?: number;
  /**
   * `session_start_limit.max_concurrency` from `GET /gateway/bot`. Default 16.
   * discord.js waits 5 s between two IDENTIFYs in the same bucket
   * (`shardId % maxConcurrency`), so 1 would make multi-shard tests slow.
   */
  maxConcurrency?: number;
  /** Guilds the bot is in: a count, or explicit definitions. Default 1. */
  guilds?: number | FakeGuildInit[];
  /** The bot's user (and application) id and name. */
  botUser?: Partial<FakeUser>;
  /** Application id; defaults to the bot user id, as for real bots. */
  applicationId?: string;
  /** Heartbeat interval announced in HELLO. Default 41 250 ms (Discord's usual value). */
  heartbeatIntervalMs?: number;
  /** Time an interaction may wait for its first callback before it is "unknown" (10062). Default 3000; `Infinity` disables. */
  interactionTimeoutMs?: number;
  /** Check the REST Authorization header (401 when wrong). Default true. Set false to test the gateway 4004 path. */
  checkRestAuth?: boolean;
  /** Receives one line per request/gateway event, with tokens redacted. Default: silent. */
  log?: (line: string) => void;
  /**
   * The clock behind every `at` and `createdAt`, and so behind the acknowledgement deadline.
   * Default `performance.now`. A test passes a clock it moves to reach the deadline without waiting.
   */
  now?: () => number;
}

/** A guild definition for {@link FakeDiscordOptions.guilds}. */
export interface FakeGuildInit {
  id?: string;
  name?: string;
  /** Id of the guild's one text channel. */
  channelId?: string;
}

/** A guild the fake serves. */
export interface FakeGuild {
  readonly id: string;
  readonly name: string;
  readonly channelId: string;
  readonly ownerId: string;
}

/** A Discord user as the fake builds it. */
export interface FakeUser {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

/** One HTTP request the fake received, in arrival order. */
export interface RecordedRequest {
  /** Position in {@link FakeDiscord.requests}. */
  readonly index: number;
  /** Arrival time, milliseconds on the fake's clock ({@link FakeDiscordOptions.now}). */
  readonly at: number;
  readonly method: string;
  /** Path below `/api/v10`, URL-decoded per segment (`%40original` → `@original`). */
  readonly path: string;
  /** The path exactly as sent, including `/api/v10`. */
  readonly rawPath: string;
  readonly query: Record<string, string>;
  /** Lower-cased headers, without `authorization`. */
  readonly headers: Record<string, string>;
  /** Whether an Authorization header was sent and matched the expected token. */
  readonly auth: 'valid' | 'invalid' | 'none';
  /** Parsed JSON body (the text when it is not JSON), or undefined. */
  readonly body: unknown;
  /** HTTP status sent; 0 while pending or when the fake hung up. */
  status: number;
  /** The kind of injected fault that shaped the response, if any. */
  fault?: RestFault['kind'];
  /** Body the fake answered with. */
  responseBody?: unknown;
}

/**
 * A REST fault. `delayMs` on an error kind delays the error; `delay` serves the
 * request normally (state changes happen at once) and delays only the answer,
 * as a slow Discord would.
 */
export type RestFault =
  | {
      kind: 'rateLimit';
      /** Default 100 ms, so tests stay fast; sent as fractional seconds. */
      retryAfterMs?: number;
      global?: boolean;
      scope?: 'user' | 'global' | 'shared';
      delayMs?: number;
    }
  | { kind: 'status'; status: number; body?: unknown; delayMs?: number }
  | { kind: 'discordError'; code: number; message: string; status?: number; delayMs?: number }
  | {
      kind: 'delay';
      /** How long to hold the answer. Default 0. */
      delayMs?: number;
      /** Holds the answer until this settles too: the test decides when a slow Discord answers. */
      until?: Promise<unknown>;
    }
  | {
      kind: 'hangUp';
      /**
       * true (default): TCP reset, which the client sees as ECONNRESET and
       * @discordjs/rest retries. false: a plain close, which undici reports as
       * "other side closed" and @discordjs/rest does not retry.
       */
      reset?: boolean;
      delayMs?: number;
    };

/** Which requests a fault applies to. */
export interface RestFaultMatch {
  /** HTTP method, any case. Default: any. */
  method?: string;
  /**
   * A path below `/api/v10` where `:name` segments match anything
   * (e.g. `'/interactions/:id/:token/callback'`), or a RegExp tested on the path.
   * Default: any path.
   */
  path?: string | RegExp;
  /** How many matching requests to fault. Default 1; `Infinity` for all. */
  times?: number;
}

/** A fault added by {@link FakeDiscord.injectFault}. */
export interface InjectedFault {
  readonly match: RestFaultMatch;
  readonly fault: RestFault;
  /** Requests this fault has answered so far. */
  readonly hits: number;
}

/** The token the fake accepts by default, shaped like a real one (three dot-separated parts), as talkbot's configuration requires. */
export const FAKE_BOT_TOKEN = 'ZmFrZS1ib3QtdXNlcg.ZmFrZQ.fake-bot-token-for-tests';

/** Ready-made Discord error faults with the real codes and messages. */
export const DiscordErrors = {
  unknownInteraction: {
    kind: 'discordError',
    status: 404,
    code: 10062,
    message: 'Unknown interaction',
  },
  alreadyAcknowledged: {
    kind: 'discordError',
    status: 400,
    code: 40060,
    message: 'Interaction has already been acknowledged.',
  },
  unknownWebhook: { kind: 'discordError', status: 404, code: 10015, message: 'Unknown Webhook' },
  unknownMessage: { kind: 'discordError', status: 404, code: 10008, message: 'Unknown Message' },
  missingAccess: { kind: 'discordError', status: 403, code: 50001, message: 'Missing Access' },
  missingPermissions: {
    kind: 'discordError',
    status: 403,
    code: 50013,
    message: 'Missing Permissions',
  },
} as const satisfies Record<string, RestFault>;

/** Interaction callback (response) types. */
export const CallbackType = {
  Pong: 1,
  ChannelMessageWithSource: 4,
  DeferredChannelMessageWithSource: 5,
  DeferredUpdateMessage: 6,
  UpdateMessage: 7,
  ApplicationCommandAutocompleteResult: 8,
  Modal: 9,
} as const;

/** Interaction types the fake dispatches. */
export const InteractionKind = {
  ApplicationCommand: 2,
  MessageComponent: 3,
  ApplicationCommandAutocomplete: 4,
} as const;

/** Who sends an interaction and where. */
export interface InteractionContextOptions {
  /** Guild to send from. Default: the first guild. Ignored when `dm` is true. */
  guildId?: string;
  /** Channel to send from. Default: the guild's text channel (or a DM channel). */
  channelId?: string;
  /** Send as a direct message: `user` instead of `member`, no guild. */
  dm?: boolean;
  /** The invoking user. Default: a fixed test user. */
  user?: Partial<FakeUser>;
  /** The member's permission bitfield. Default: ordinary member permissions. */
  permissions?: string | bigint;
  /** The bot's permissions in the channel (`app_permissions`). */
  appPermissions?: string | bigint;
  /** Role ids of the member. */
  roles?: string[];
  locale?: string;
}

/** A raw application command option, as in the API. */
export interface RawCommandOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: RawCommandOption[];
  focused?: boolean;
}

/**
 * Command options: raw API options, or a shorthand record where strings become
 * type 3, integers type 4, other numbers type 10 and booleans type 5.
 */
export type CommandOptionsInput = Record<string, string | number | boolean> | RawCommandOption[];

/** Options for {@link FakeDiscord.sendSlashCommand}. */
export interface SlashCommandOptions extends InteractionContextOptions {
  name: string;
  options?: CommandOptionsInput;
  /** Command id. Default: the id from a deployed command of that name, else a new snowflake. */
  commandId?: string;
}

/** Options for {@link FakeDiscord.sendAutocomplete}. */
export interface AutocompleteOptions extends SlashCommandOptions {
  /** Name of the option being typed (gets `focused: true`). Default: the first option. */
  focused?: string;
}

/** A message the test describes (for buttons and context menus). */
export interface FakeMessageInit {
  id?: string;
  content?: string;
  author?: Partial<FakeUser>;
  embeds?: unknown[];
  components?: unknown[];
}

/** Options for {@link FakeDiscord.sendButton}. */
export interface ButtonOptions extends InteractionContextOptions {
  customId: string;
  /** The message carrying the button. Default: a bot message with that button. */
  message?: FakeMessageInit;
}

/** Options for {@link FakeDiscord.sendMessageContextMenu}. */
export interface MessageContextMenuOptions extends InteractionContextOptions {
  name: string;
  targetMessage: FakeMessageInit;
  commandId?: string;
}

/** A dispatched interaction. Pass it to the waiting and inspection helpers. */
export interface InteractionHandle {
  readonly id: string;
  readonly token: string;
  readonly type: number;
  readonly guildId: string | null;
  readonly channelId: string;
  readonly userId: string;
  /** Shard whose session received (or will replay) the dispatch. */
  readonly shardId: number;
  /** When the fake created and dispatched it, on the fake's clock ({@link FakeDiscordOptions.now}). */
  readonly createdAt: number;
  /** The full INTERACTION_CREATE payload. */
  readonly payload: Json;
}

/** What the bot answered to an interaction, from {@link FakeDiscord.waitForResponse}. */
export interface InteractionResponse {
  handle: InteractionHandle;
  /** The first accepted callback. */
  callback: { type: number; data: Json | undefined; request: RecordedRequest };
  /** Milliseconds from dispatch to the callback's arrival. */
  latencyMs: number;
  /** Accepted webhook requests (edits, follow-ups, deletes) at the time this resolved. */
  webhooks: RecordedRequest[];
  /** The content the user sees now: the `@original` message's, else the callback data's. */
  content: string | undefined;
  /**
   * Milliseconds from dispatch to the first visible answer: the callback, or for
   * deferred callbacks (5, 6) the first edit or follow-up.
   */
  finalLatencyMs: number;
}

/**
 * How long a wait gives up after by default: a safety net for a hang, never what a test measures
 * (latency is `npm run load`'s). A reply may need a worker thread to start or an index to be
 * built, which takes seconds on a quiet machine and many more on a shared one; 45 s is under the
 * e2e project's 60 s test time-out, so the wait's message, naming what it waited for, comes first.
 */
export const WAIT_TIMEOUT_MS = 45_000;

/**
 * The acknowledgement deadline for tests that do not test it. Discord's 3 s (the default) is
 * wall-clock time, which a busy machine stretches: tests check instead that each interaction is
 * acknowledged once, before the work that can be slow (latency is measured by `npm run load`), and
 * test the deadline itself on a clock of their own (`now`).
 */
export const ACK_DEADLINE_MS = 60_000;

/** Options for waiting helpers. */
export interface WaitOptions {
  /** Default {@link WAIT_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** A handled IDENTIFY. */
export interface GatewayIdentify {
  at: number;
  connectionId: number;
  shard: [number, number];
  intents: number;
  tokenValid: boolean;
  /** Session created for it, if accepted. */
  sessionId: string | null;
}

/** A handled RESUME. */
export interface GatewayResume {
  at: number;
  connectionId: number;
  /** Path of the connection: `/resume` when discord.js used `resume_gateway_url`. */
  path: string;
  sessionId: string;
  seq: number;
  accepted: boolean;
  /** Events replayed because the client had missed them. */
  replayed: number;
}

/** A gateway payload the fake received from a client (tokens redacted). */
export interface GatewayPayloadRecord {
  at: number;
  connectionId: number;
  op: number;
  d: unknown;
}

/** A gateway session (what RESUME continues), as seen by tests. */
export interface GatewaySessionInfo {
  sessionId: string;
  shard: [number, number];
  /** Whether a socket is attached right now. */
  connected: boolean;
  /** Last sequence number sent. */
  seq: number;
  /** False after INVALID_SESSION(false): RESUME is refused. */
  resumable: boolean;
  resumes: number;
}

/** Context given to custom route handlers ({@link FakeDiscord.route}). */
export interface RouteContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  request: RecordedRequest;
}

/** What a route handler answers. */
export interface RouteReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A custom REST route handler. */
export type RouteHandler = (ctx: RouteContext) => RouteReply | Promise<RouteReply>;

// ---------------------------------------------------------------------------
// Internal state types and helpers
// ---------------------------------------------------------------------------

interface Session {
  sessionId: string;
  shard: [number, number];
  seq: number;
  /** Every dispatch sent in this session, for replay on RESUME. */
  history: Json[];
  socket: GatewayConnection | null;
  resumable: boolean;
  resumes: number;
}

interface GatewayConnection {
  id: number;
  ws: WebSocket;
  path: string;
  session: Session | null;
}

interface InteractionState {
  handle: InteractionHandle;
  /** Accepted callbacks (the fake answered 2xx, or is about to). */
  callbacks: RecordedRequest[];
  /** Accepted webhook requests for this interaction's token. */
  webhooks: RecordedRequest[];
  /** The message `@original` refers to, once there is one. */
  original: Json | null;
  /** For component interactions: the message holding the component. */
  componentMessage: Json | null;
  followups: Map<string, Json>;
}

interface FaultEntry {
  match: RestFaultMatch;
  fault: RestFault;
  hits: number;
  remaining: number;
}

interface CustomRoute {
  method: string;
  pattern: string;
  handler: RouteHandler;
}

interface RouteMatch {
  params: Record<string, string>;
}

const DISCORD_EPOCH = 1_420_070_400_000n;
/** lcm(1..15): guild i gets timestamp part BASE + i, so it lands on shard i % n for any n ≤ 15. */
const GUILD_ID_BASE = 360_360_000_000n;
const API_VERSION_PREFIX = /^\/api(?:\/v\d+)?/;

const Permission = {
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  UseExternalEmojis: 1n << 18n,
  UseApplicationCommands: 1n << 31n,
  SendMessagesInThreads: 1n << 38n,
} as const;

/** What an ordinary member (and, by default, the bot) may do in a channel. */
const DEFAULT_PERMISSIONS = String(Object.values(Permission).reduce((bits, bit) => bits | bit, 0n));

let snowflakeCounter = 0n;

/** A fresh snowflake with the current timestamp, unique within the process. */
function snowflake(): string {
  snowflakeCounter = (snowflakeCounter + 1n) & 0x3fffffn;
  return String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | snowflakeCounter);
}

/** The shard a guild belongs to, by Discord's formula. */
export function shardForGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** `Array.prototype.findLast` is ES2023; the project targets ES2022 typings. */
function findLast<T>(items: readonly T[], predicate: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i -= 1) {
    const item = items[i] as T;
    if (predicate(item)) return item;
  }
  return undefined;
}

function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

function nowIso(): string {
  return new Date().toISOString();
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Matches a path against `/a/:b/c` (segments, `:x` = any) and returns the params. */
function matchPattern(pattern: string, path: string): RouteMatch | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [i, segment] of want.entries()) {
    const actual = got[i] ?? '';
    if (segment.startsWith(':')) params[segment.slice(1)] = actual;
    else if (segment !== actual) return null;
  }
  return { params };
}

/** Interaction and webhook tokens sit in paths; keep them out of log lines. */
function redactPath(path: string): string {
  return path
    .replace(/^(\/interactions\/[^/]+\/)[^/]+/, '$1<token>')
    .replace(/^(\/webhooks\/[^/]+\/)[^/]+/, '$1<token>');
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses a JSON body (the bot sends no files, so no multipart); the text when it is not JSON. */
function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Turns shorthand or raw command options into API options. */
function toRawOptions(input: CommandOptionsInput | undefined): RawCommandOption[] {
  if (!input) return [];
  if (Array.isArray(input)) return input.map((option) => ({ ...option }));
  return Object.entries(input).map(([name, value]) => {
    if (typeof value === 'string') return { name, type: 3, value };
    if (typeof value === 'boolean') return { name, type: 5, value };
    return { name, type: Number.isInteger(value) ? 4 : 10, value };
  });
}

function userPayload(user: FakeUser): Json {
  return {
    id: user.id,
    username: user.username,
    global_name: user.globalName,
    discriminator: '0',
    avatar: null,
    public_flags: 0,
    bot: user.bot,
  };
}

// ---------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------

/**
 * A fake Discord for one test (or one file). Start with {@link FakeDiscord.start},
 * give `fake.restBase` to the client, and `close()` it afterwards.
 *
 * @example
 * const fake = await FakeDiscord.start({ guilds: 2 });
 * const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.restBase } });
 * await client.login(fake.token);
 * const handle = fake.sendSlashCommand({ name: 'ask', options: { question: 'why?' } });
 * const response = await fake.waitForResponse(handle);
 */
export class FakeDiscord {
  /** Every HTTP request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Every IDENTIFY, accepted or not. */
  readonly identifies: GatewayIdentify[] = [];
  /** Every RESUME, accepted or not. */
  readonly resumes: GatewayResume[] = [];
  /** Every gateway payload received (heartbeats included), tokens redacted. */
  readonly gatewayPayloads: GatewayPayloadRecord[] = [];
  /** Commands deployed globally (last PUT wins), as echoed back with ids. */
  readonly globalCommands: Json[] = [];
  /** Commands deployed per guild id. */
  readonly guildCommands = new Map<string, Json[]>();
  /** The guilds the bot is in. */
  readonly guilds: readonly FakeGuild[];
  /** The bot user. */
  readonly botUser: FakeUser;
  readonly applicationId: string;
  /** The token the fake accepts. Tests may pass it to `client.login`. */
  readonly token: string;

  private readonly options: Required<
    Pick<
      FakeDiscordOptions,
      | 'shardCount'
      | 'maxConcurrency'
      | 'heartbeatIntervalMs'
      | 'interactionTimeoutMs'
      | 'checkRestAuth'
    >
  >;
  private readonly log: (line: string) => void;
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly changes = new EventEmitter();
  private readonly sessions: Session[] = [];
  private readonly connections = new Set<GatewayConnection>();
  private readonly interactions = new Map<string, InteractionState>();
  private readonly faults: FaultEntry[] = [];
  private readonly customRoutes: CustomRoute[] = [];
  private readonly sleeps = new Set<{ timer?: NodeJS.Timeout; resolve: () => void }>();
  private readonly now: () => number;
  private readonly defaultUser: FakeUser = {
    id: '111111111111111111',
    username: 'tester',
    globalName: 'Tester',
    bot: false,
  };
  private nextConnectionId = 1;
  private heartbeatAcks = true;
  private identifyRefusal: { code: number; reason: string } | null = null;
  private closed = false;
  private port = 0;

  private constructor(options: FakeDiscordOptions) {
    this.token = options.token ?? FAKE_BOT_TOKEN;
    this.options = {
      shardCount: options.shardCount ?? 1,
      maxConcurrency: options.maxConcurrency ?? 16,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      interactionTimeoutMs: options.interactionTimeoutMs ?? 3000,
      checkRestAuth: options.checkRestAuth ?? true,
    };
    this.log = options.log ?? (() => {});
    this.now = options.now ?? (() => performance.now());
    this.botUser = {
      id: options.botUser?.id ?? '999999999999999999',
      username: options.botUser?.username ?? 'talkbot',
      globalName: options.botUser?.globalName ?? null,
      bot: true,
    };
    this.applicationId = options.applicationId ?? this.botUser.id;
    this.guilds = this.buildGuilds(options.guilds ?? 1);
    this.changes.setMaxListeners(0);
    this.server = createServer((req, res) => void this.onHttpRequest(req, res));
    // Keep-alive sockets from undici would otherwise hold close() open.
    this.server.keepAliveTimeout = 10_000;
    this.server.on('upgrade', (req, socket, head) => {
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onGatewayConnection(ws, req));
    });
  }

  /** Starts a fake on 127.0.0.1 with an ephemeral port. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(0, '127.0.0.1', () => resolve());
    });
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** `http://127.0.0.1:PORT/api`: pass as `rest: { api }` to the discord.js Client. */
  get restBase(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  /** The gateway URL announced by `GET /gateway/bot`. */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /**
   * Closes every WebSocket, HTTP connection and timer, so tests leak no handles.
   * Idempotent. Pending waits reject.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const entry of this.sleeps) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.sleeps.clear();
    for (const connection of this.connections) connection.ws.terminate();
    this.connections.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.changed();
    this.changes.removeAllListeners();
  }

  // -------------------------------------------------------------------------
  // Waiting and inspection
  // -------------------------------------------------------------------------

  /**
   * Resolves with the first truthy value `check` returns, re-checking after every
   * request, gateway payload or state change, and every 10 ms (so conditions on
   * client-side state work too). Rejects after `timeoutMs` (default
   * {@link WAIT_TIMEOUT_MS}) or when the fake closes.
   */
  waitFor<T>(
    check: () => T | undefined | null | false,
    options: WaitOptions & { description?: string } = {},
  ): Promise<T> {
    const timeoutMs = options.timeoutMs ?? WAIT_TIMEOUT_MS;
    const description = options.description ?? 'a condition';
    return new Promise<T>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.changes.off('change', evaluate);
      };
      const evaluate = () => {
        let value: T | undefined | null | false;
        try {
          value = check();
        } catch (error) {
          cleanup();
          reject(error);
          return;
        }
        if (value) {
          cleanup();
          resolve(value);
        } else if (this.closed) {
          cleanup();
          reject(new Error(`FakeDiscord closed while waiting for ${description}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`));
      }, timeoutMs);
      const poll = setInterval(evaluate, 10);
      this.changes.on('change', evaluate);
      evaluate();
    });
  }

  /** Requests matching a method and/or path pattern (see {@link RestFaultMatch.path}). */
  findRequests(filter: { method?: string; path?: string | RegExp } = {}): RecordedRequest[] {
    return this.requests.filter((request) => this.requestMatches(request, filter));
  }

  /** Accepted callbacks for an interaction (normally exactly one). */
  callbacksFor(interaction: InteractionHandle | string): RecordedRequest[] {
    return [...this.interactionState(interaction).callbacks];
  }

  /** Every callback request for an interaction, including rejected and faulted ones. */
  callbackAttemptsFor(interaction: InteractionHandle | string): RecordedRequest[] {
    const { id } = this.interactionState(interaction).handle;
    return this.requests.filter((r) => r.path.startsWith(`/interactions/${id}/`));
  }

  /** Accepted webhook requests (edits, follow-ups, fetches, deletes) for an interaction. */
  webhooksFor(interaction: InteractionHandle | string): RecordedRequest[] {
    return [...this.interactionState(interaction).webhooks];
  }

  /** The current `@original` message of an interaction, if any. */
  originalMessage(interaction: InteractionHandle | string): Json | null {
    const original = this.interactionState(interaction).original;
    return original ? structuredClone(original) : null;
  }

  /** Accepted callbacks per dispatched interaction id (0 = never answered). */
  callbackCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [id, state] of this.interactions) counts.set(id, state.callbacks.length);
    return counts;
  }

  /** Interactions not answered exactly once, for "every interaction gets one answer" checks. */
  interactionsNotAnsweredOnce(): Array<{ id: string; callbacks: number }> {
    return [...this.callbackCounts()]
      .filter(([, callbacks]) => callbacks !== 1)
      .map(([id, callbacks]) => ({ id, callbacks }));
  }

  /** Waits for the first accepted callback of an interaction. */
  async waitForCallback(
    interaction: InteractionHandle,
    options: WaitOptions = {},
  ): Promise<RecordedRequest> {
    const state = this.interactionState(interaction);
    return this.waitFor(() => state.callbacks[0], {
      ...options,
      description: `a callback for interaction ${interaction.id}`,
    });
  }

  /**
   * Waits until the bot has answered an interaction: its callback, and for
   * deferred callbacks (types 5 and 6) also the first edit or follow-up.
   */
  async waitForResponse(
    interaction: InteractionHandle,
    options: WaitOptions = {},
  ): Promise<InteractionResponse> {
    const state = this.interactionState(interaction);
    const deferred = (callback: RecordedRequest) => {
      const type = isObject(callback.body) ? Number(callback.body.type) : Number.NaN;
      return (
        type === CallbackType.DeferredChannelMessageWithSource ||
        type === CallbackType.DeferredUpdateMessage
      );
    };
    // One wait for both steps, so that `timeoutMs` bounds the whole answer.
    const [callbackRequest, firstVisible] = await this.waitFor(
      (): [RecordedRequest, RecordedRequest] | undefined => {
        const callback = state.callbacks[0];
        if (!callback) return undefined;
        if (!deferred(callback)) return [callback, callback];
        const edit = state.webhooks.find((r) => r.method === 'PATCH' || r.method === 'POST');
        return edit ? [callback, edit] : undefined;
      },
      {
        ...options,
        description: `a callback for interaction ${interaction.id}, and an edit or follow-up if it deferred`,
      },
    );
    const body = isObject(callbackRequest.body) ? callbackRequest.body : {};
    const type = Number(body.type);
    const data = isObject(body.data) ? body.data : undefined;
    // The stored @original tracks edits and deferred follow-ups; autocomplete has none.
    const contentSource = state.original ?? data;
    return {
      handle: interaction,
      callback: { type, data, request: callbackRequest },
      latencyMs: callbackRequest.at - interaction.createdAt,
      webhooks: [...state.webhooks],
      content: typeof contentSource?.content === 'string' ? contentSource.content : undefined,
      finalLatencyMs: firstVisible.at - interaction.createdAt,
    };
  }

  /** Waits until `count` gateway sessions are connected (identified or resumed). */
  async waitForSessions(count: number, options: WaitOptions = {}): Promise<GatewaySessionInfo[]> {
    return this.waitFor(
      () => {
        const connected = this.sessionInfo().filter((s) => s.connected);
        return connected.length >= count ? connected : undefined;
      },
      { ...options, description: `${count} connected gateway session(s)` },
    );
  }

  /** Snapshot of every gateway session, oldest first. */
  sessionInfo(): GatewaySessionInfo[] {
    return this.sessions.map((s) => ({
      sessionId: s.sessionId,
      shard: [...s.shard],
      connected: s.socket !== null,
      seq: s.seq,
      resumable: s.resumable,
      resumes: s.resumes,
    }));
  }

  /** Number of WebSocket connections currently open. */
  get openGatewayConnections(): number {
    return this.connections.size;
  }

  // -------------------------------------------------------------------------
  // Interactions
  // -------------------------------------------------------------------------

  /** Dispatches a chat-input (slash) command interaction. */
  sendSlashCommand(options: SlashCommandOptions): InteractionHandle {
    const data: Json = {
      id: options.commandId ?? this.commandIdFor(options.name),
      name: options.name,
      type: 1,
      options: toRawOptions(options.options),
    };
    return this.dispatchInteraction(InteractionKind.ApplicationCommand, data, options);
  }

  /** Dispatches an autocomplete interaction; the `focused` option gets `focused: true`. */
  sendAutocomplete(options: AutocompleteOptions): InteractionHandle {
    const raw = toRawOptions(options.options);
    const focusedName = options.focused ?? raw[0]?.name;
    const withFocus = raw.map((option) =>
      option.name === focusedName ? { ...option, focused: true } : option,
    );
    const data: Json = {
      id: options.commandId ?? this.commandIdFor(options.name),
      name: options.name,
      type: 1,
      options: withFocus,
    };
    return this.dispatchInteraction(InteractionKind.ApplicationCommandAutocomplete, data, options);
  }

  /** Dispatches a button click on a bot message. */
  sendButton(options: ButtonOptions): InteractionHandle {
    const data: Json = { custom_id: options.customId, component_type: 2 };
    const components = options.message?.components ?? [
      {
        type: 1,
        components: [{ type: 2, style: 1, label: 'Button', custom_id: options.customId }],
      },
    ];
    return this.dispatchInteraction(InteractionKind.MessageComponent, data, options, {
      ...options.message,
      author: options.message?.author ? this.resolveUser(options.message.author) : this.botUser,
      components,
    });
  }

  /** Dispatches a message context-menu command on `targetMessage`. */
  sendMessageContextMenu(options: MessageContextMenuOptions): InteractionHandle {
    const channelId = this.channelFor(options);
    const target = this.buildMessage({
      id: options.targetMessage.id ?? snowflake(),
      channelId,
      guildId: options.dm ? null : this.guildFor(options).id,
      content: options.targetMessage.content ?? '',
      author: this.resolveUser(options.targetMessage.author),
      embeds: options.targetMessage.embeds,
      components: options.targetMessage.components,
    });
    const data: Json = {
      id: options.commandId ?? this.commandIdFor(options.name),
      name: options.name,
      type: 3,
      target_id: target.id,
      resolved: { messages: { [String(target.id)]: target } },
    };
    return this.dispatchInteraction(InteractionKind.ApplicationCommand, data, options);
  }

  /**
   * Sends any dispatch event to a shard's session (by `shardId`, or the shard of
   * `guildId`). If the session's socket is down, the event is kept for replay on
   * RESUME, as Discord does. Returns the sequence number.
   */
  dispatchEvent(
    event: string,
    data: Json,
    target: { shardId?: number; guildId?: string } = {},
  ): number {
    const session =
      target.guildId !== undefined
        ? this.sessionForGuild(target.guildId)
        : this.sessionForShard(target.shardId ?? 0);
    return this.sendDispatch(session, event, data);
  }

  // -------------------------------------------------------------------------
  // Fault injection
  // -------------------------------------------------------------------------

  /**
   * Makes the next `match.times` (default 1) matching REST requests fail with
   * `fault`. Faults are tried in the order added; the first match applies.
   *
   * @example
   * fake.injectFault({ method: 'POST', path: '/interactions/:id/:token/callback' }, { kind: 'rateLimit', retryAfterMs: 200 });
   * fake.injectFault({ path: /^\/webhooks\// , times: 2 }, { kind: 'status', status: 502 });
   * fake.injectFault({ path: '/interactions/:id/:token/callback' }, DiscordErrors.unknownInteraction);
   */
  injectFault(match: RestFaultMatch, fault: RestFault): InjectedFault {
    const entry: FaultEntry = { match, fault, hits: 0, remaining: match.times ?? 1 };
    this.faults.push(entry);
    return {
      match,
      fault,
      get hits() {
        return entry.hits;
      },
    };
  }

  /** Removes every injected REST fault. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /**
   * Closes the socket of a shard's session with `code` (default 4000, "unknown
   * error", which discord.js answers with RESUME). The session stays resumable.
   */
  closeGateway(shardId = 0, code = 4000, reason = 'Closed by FakeDiscord'): void {
    const connection = this.connectedSession(shardId).socket;
    this.detach(connection);
    connection?.ws.close(code, reason);
  }

  /**
   * Drops a shard's socket without a close frame, so the client sees 1006
   * (abnormal closure), like a network failure.
   */
  terminateGateway(shardId = 0): void {
    const connection = this.connectedSession(shardId).socket;
    this.detach(connection);
    connection?.ws.terminate();
  }

  /**
   * Sends op 9 INVALID_SESSION. With `resumable` false the session can no longer
   * be resumed and discord.js re-identifies (note: its identify throttle then
   * waits up to ~6.5 s if the previous IDENTIFY was under 5 s ago).
   */
  invalidateSession(shardId = 0, resumable = false): void {
    const session = this.connectedSession(shardId);
    if (!resumable) session.resumable = false;
    session.socket?.ws.send(JSON.stringify({ op: 9, d: resumable }));
  }

  /** Sends op 7 RECONNECT: discord.js closes and resumes. */
  requestReconnect(shardId = 0): void {
    this.connectedSession(shardId).socket?.ws.send(JSON.stringify({ op: 7, d: null }));
  }

  /**
   * Closes every later IDENTIFY with a token that is right with this code, as
   * Discord does for a bot that asks what it may not: `4014` "Disallowed
   * intent(s)." for privileged intents the application has not turned on.
   * `null` accepts IDENTIFYs again.
   */
  refuseIdentify(refusal: { code: number; reason: string } | null): void {
    this.identifyRefusal = refusal;
  }

  /** Stops (or restarts) answering heartbeats, to simulate a zombie connection. */
  setHeartbeatAcks(enabled: boolean): void {
    this.heartbeatAcks = enabled;
  }

  /**
   * Adds a REST route, tried before the built-in ones. `pattern` is a path
   * below `/api/v10` with `:name` params. Returns a function removing it.
   */
  route(method: string, pattern: string, handler: RouteHandler): () => void {
    const entry: CustomRoute = { method: method.toUpperCase(), pattern, handler };
    this.customRoutes.push(entry);
    return () => {
      const index = this.customRoutes.indexOf(entry);
      if (index >= 0) this.customRoutes.splice(index, 1);
    };
  }

  // -------------------------------------------------------------------------
  // Internals: guilds, users, messages
  // -------------------------------------------------------------------------

  private buildGuilds(spec: number | FakeGuildInit[]): FakeGuild[] {
    const inits = typeof spec === 'number' ? Array.from({ length: spec }, () => ({})) : spec;
    return inits.map((init: FakeGuildInit, index) => ({
      id: init.id ?? String((GUILD_ID_BASE + BigInt(index)) << 22n),
      name: init.name ?? `Fake Guild ${index + 1}`,
      channelId: init.channelId ?? String(((GUILD_ID_BASE + BigInt(index)) << 22n) | 1n),
      ownerId: this.defaultUser.id,
    }));
  }

  private guildFor(options: InteractionContextOptions): FakeGuild {
    const guild = options.guildId
      ? this.guilds.find((g) => g.id === options.guildId)
      : this.guilds[0];
    if (!guild) throw new Error(`FakeDiscord has no guild ${options.guildId ?? '(none defined)'}`);
    return guild;
  }

  private channelFor(options: InteractionContextOptions): string {
    if (options.channelId) return options.channelId;
    if (options.dm) return String(BigInt(this.resolveUser(options.user).id) + 1n);
    return this.guildFor(options).channelId;
  }

  private resolveUser(user: Partial<FakeUser> | undefined): FakeUser {
    return { ...this.defaultUser, ...user };
  }

  private commandIdFor(name: string): string {
    const deployed = [...this.globalCommands, ...[...this.guildCommands.values()].flat()];
    const match = deployed.find((command) => command.name === name);
    return typeof match?.id === 'string' ? match.id : snowflake();
  }

  private buildMessage(fields: {
    id?: string;
    channelId: string;
    guildId?: string | null;
    content?: string;
    author: FakeUser;
    embeds?: unknown[] | undefined;
    components?: unknown[] | undefined;
    flags?: number;
    type?: number;
    fromInteraction?: boolean;
  }): Json {
    const message: Json = {
      id: fields.id ?? snowflake(),
      type: fields.type ?? 0,
      channel_id: fields.channelId,
      content: fields.content ?? '',
      author: userPayload(fields.author),
      timestamp: nowIso(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: fields.embeds ?? [],
      components: fields.components ?? [],
      pinned: false,
      flags: fields.flags ?? 0,
    };
    if (fields.guildId) message.guild_id = fields.guildId;
    if (fields.fromInteraction) {
      message.webhook_id = this.applicationId;
      message.application_id = this.applicationId;
    }
    return message;
  }

  /** Applies message fields from a reply/edit body to a stored message. */
  private applyMessageBody(message: Json, body: Json | undefined, edited: boolean): Json {
    if (!body) return message;
    for (const key of ['content', 'embeds', 'components', 'flags', 'poll'] as const) {
      if (key in body && body[key] !== undefined) message[key] = body[key];
    }
    if (Array.isArray(body.attachments)) {
      message.attachments = body.attachments.map((attachment: unknown) => {
        const a = isObject(attachment) ? attachment : {};
        const filename = String(a.filename ?? 'file');
        const url = `${this.restBase}/attachments/${filename}`;
        return { id: snowflake(), filename, size: 0, url, proxy_url: url };
      });
    }
    if (edited) message.edited_timestamp = nowIso();
    return message;
  }

  // -------------------------------------------------------------------------
  // Internals: interactions
  // -------------------------------------------------------------------------

  private interactionState(interaction: InteractionHandle | string): InteractionState {
    const id = typeof interaction === 'string' ? interaction : interaction.id;
    const state = this.interactions.get(id);
    if (!state) throw new Error(`FakeDiscord never dispatched interaction ${id}`);
    return state;
  }

  private dispatchInteraction(
    type: number,
    data: Json,
    options: InteractionContextOptions,
    componentMessage?: FakeMessageInit & { author: FakeUser },
  ): InteractionHandle {
    const user = this.resolveUser(options.user);
    const guild = options.dm ? null : this.guildFor(options);
    const channelId = this.channelFor(options);
    const session = guild ? this.sessionForGuild(guild.id) : this.sessionForShard(0);
    const payload: Json = {
      id: snowflake(),
      application_id: this.applicationId,
      type,
      token: randomToken(),
      version: 1,
      data,
      channel_id: channelId,
      app_permissions: String(options.appPermissions ?? DEFAULT_PERMISSIONS),
      locale: options.locale ?? 'en-US',
      entitlements: [],
      attachment_size_limit: 10 * 1024 * 1024,
    };
    if (guild) {
      Object.assign(payload, {
        guild_id: guild.id,
        guild_locale: 'en-US',
        guild: { id: guild.id, locale: 'en-US', features: [] },
        channel: { id: channelId, type: 0, guild_id: guild.id, name: 'general', flags: 0 },
        member: {
          user: userPayload(user),
          roles: options.roles ?? [],
          permissions: String(options.permissions ?? DEFAULT_PERMISSIONS),
          joined_at: nowIso(),
          nick: null,
          avatar: null,
          premium_since: null,
          communication_disabled_until: null,
          deaf: false,
          mute: false,
          pending: false,
          flags: 0,
        },
        // '0' = GUILD_INSTALL: the guild that installed the app.
        authorizing_integration_owners: { '0': guild.id },
        context: 0,
      });
    } else {
      Object.assign(payload, {
        channel: { id: channelId, type: 1, recipients: [userPayload(user)], flags: 0 },
        user: userPayload(user),
        // '1' = USER_INSTALL; a bot DM still reports the user.
        authorizing_integration_owners: { '1': user.id },
        context: 1,
      });
    }
    let message: Json | null = null;
    if (componentMessage) {
      message = this.buildMessage({
        ...componentMessage,
        channelId,
        guildId: guild?.id ?? null,
        fromInteraction: true,
      });
      payload.message = message;
    }
    const handle: InteractionHandle = {
      id: String(payload.id),
      token: String(payload.token),
      type,
      guildId: guild?.id ?? null,
      channelId,
      userId: user.id,
      shardId: session.shard[0],
      createdAt: this.now(),
      payload,
    };
    this.interactions.set(handle.id, {
      handle,
      callbacks: [],
      webhooks: [],
      original: null,
      componentMessage: message,
      followups: new Map(),
    });
    this.sendDispatch(session, 'INTERACTION_CREATE', payload);
    return handle;
  }

  // -------------------------------------------------------------------------
  // Internals: REST
  // -------------------------------------------------------------------------

  private async onHttpRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const record = await this.recordRequest(req);
      this.log(`REST ${record.method} ${redactPath(record.path)}`);
      this.changed();
      const reply = await this.replyTo(record, req);
      if (this.closed) return;
      if (reply === 'reset') {
        req.socket.resetAndDestroy();
      } else if (reply === 'close') {
        req.socket.destroy();
      } else {
        record.status = reply.status;
        record.responseBody = reply.body;
        this.send(res, reply);
      }
      this.changed();
    } catch (error) {
      if (this.closed) return;
      const message = error instanceof Error ? error.message : String(error);
      this.log(`REST handler error: ${message}`);
      this.send(res, { status: 500, body: { message: `FakeDiscord error: ${message}`, code: 0 } });
    }
  }

  private async recordRequest(req: IncomingMessage): Promise<RecordedRequest> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const body = parseBody(raw);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      // The Authorization header carries the bot token: never keep it.
      if (name !== 'authorization' && value !== undefined) headers[name] = String(value);
    }
    const authorization = req.headers.authorization;
    const relative = url.pathname.replace(API_VERSION_PREFIX, '');
    const record: RecordedRequest = {
      index: this.requests.length,
      at: this.now(),
      method: (req.method ?? 'GET').toUpperCase(),
      path: relative
        .split('/')
        .map((segment) => decodeURIComponent(segment))
        .join('/'),
      rawPath: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      auth:
        authorization === undefined
          ? 'none'
          : authorization === `Bot ${this.token}`
            ? 'valid'
            : 'invalid',
      body,
      status: 0,
    };
    this.requests.push(record);
    return record;
  }

  /** Faults first (they model infrastructure failing), then auth, then routes. */
  private async replyTo(
    record: RecordedRequest,
    req: IncomingMessage,
  ): Promise<RouteReply | 'reset' | 'close'> {
    const fault = this.takeFault(record);
    if (fault && fault.kind !== 'delay') {
      record.fault = fault.kind;
      if (fault.delayMs) await this.sleep(fault.delayMs);
      if (fault.kind === 'hangUp') return fault.reset === false ? 'close' : 'reset';
      return this.faultReply(fault, record);
    }
    if (!req.url?.startsWith('/api')) {
      return { status: 404, body: { message: '404: Not Found', code: 0 } };
    }
    const reply = await this.serveRoute(record);
    if (fault) {
      record.fault = fault.kind;
      this.changed();
      await this.sleep(fault.delayMs ?? 0);
      if (fault.until) await this.unlessClosed(fault.until);
    }
    return reply;
  }

  private takeFault(record: RecordedRequest): RestFault | undefined {
    const entry = this.faults.find((f) => f.remaining > 0 && this.requestMatches(record, f.match));
    if (!entry) return undefined;
    entry.remaining -= 1;
    entry.hits += 1;
    return entry.fault;
  }

  private requestMatches(
    record: RecordedRequest,
    filter: { method?: string; path?: string | RegExp },
  ): boolean {
    if (filter.method && filter.method.toUpperCase() !== record.method) return false;
    if (filter.path === undefined) return true;
    if (typeof filter.path === 'string') return matchPattern(filter.path, record.path) !== null;
    return filter.path.test(record.path);
  }

  private faultReply(fault: RestFault, record: RecordedRequest): RouteReply {
    switch (fault.kind) {
      case 'rateLimit':
        return this.rateLimitReply(fault, record);
      case 'status':
        return {
          status: fault.status,
          body: fault.body ?? { message: `${fault.status}: Fake failure`, code: 0 },
        };
      case 'discordError':
        return {
          status: fault.status ?? 400,
          body: { message: fault.message, code: fault.code },
        };
      default:
        return { status: 500, body: { message: 'Unhandled fault', code: 0 } };
    }
  }

  /**
   * Discord's 429: JSON `retry_after` in seconds plus headers. `x-ratelimit-global`
   * is only sent for global limits because @discordjs/rest tests its presence
   * (`headers.has`), not its value: `x-ratelimit-global: false` would read as global.
   */
  private rateLimitReply(
    fault: Extract<RestFault, { kind: 'rateLimit' }>,
    record: RecordedRequest,
  ): RouteReply {
    const retryAfterS = (fault.retryAfterMs ?? 100) / 1000;
    const global = fault.global ?? false;
    const bucket = createHash('sha1')
      .update(`${record.method} ${record.path}`)
      .digest('hex')
      .slice(0, 16);
    const headers: Record<string, string> = {
      'retry-after': String(retryAfterS),
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Date.now() / 1000 + retryAfterS),
      'x-ratelimit-reset-after': String(retryAfterS),
      'x-ratelimit-bucket': bucket,
      'x-ratelimit-scope': fault.scope ?? (global ? 'global' : 'user'),
    };
    if (global) headers['x-ratelimit-global'] = 'true';
    return {
      status: 429,
      headers,
      body: { message: 'You are being rate limited.', retry_after: retryAfterS, global },
    };
  }

  private authorized(record: RecordedRequest): boolean {
    return !this.options.checkRestAuth || record.auth === 'valid';
  }

  private async serveRoute(record: RecordedRequest): Promise<RouteReply> {
    const ctx = (params: Record<string, string>): RouteContext => ({
      method: record.method,
      path: record.path,
      params,
      query: record.query,
      body: record.body,
      request: record,
    });
    for (const custom of this.customRoutes) {
      const match = custom.method === record.method && matchPattern(custom.pattern, record.path);
      if (match) return custom.handler(ctx(match.params));
    }
    for (const [method, pattern, needsAuth, handler] of this.builtInRoutes()) {
      if (method !== record.method) continue;
      const match = matchPattern(pattern, record.path);
      if (!match) continue;
      // Interaction callbacks and webhook-token routes are unauthenticated, as on Discord.
      if (needsAuth && !this.authorized(record)) {
        return { status: 401, body: { message: '401: Unauthorized', code: 0 } };
      }
      return handler(ctx(match.params));
    }
    return { status: 404, body: { message: '404: Not Found', code: 0 } };
  }

  private builtInRoutes(): Array<[string, string, boolean, (ctx: RouteContext) => RouteReply]> {
    return [
      // Only what the bot and `npm run deploy-commands` call; anything else is a 404.
      ['GET', '/gateway/bot', true, () => this.gatewayBot()],
      ['PUT', '/applications/:app/commands', true, (c) => this.putCommands(c, null)],
      ['PUT', '/applications/:app/guilds/:guild/commands', true, (c) => this.putCommands(c, c)],
      ['POST', '/interactions/:id/:token/callback', false, (c) => this.interactionCallback(c)],
      ['POST', '/webhooks/:app/:token', false, (c) => this.webhookFollowUp(c)],
      ['PATCH', '/webhooks/:app/:token/messages/:message', false, (c) => this.editMessage(c)],
    ];
  }

  private gatewayBot(): RouteReply {
    return {
      status: 200,
      body: {
        url: this.gatewayUrl,
        shards: this.options.shardCount,
        session_start_limit: {
          total: 1000,
          remaining: 1000,
          reset_after: 0,
          max_concurrency: this.options.maxConcurrency,
        },
      },
    };
  }

  private botUserPayload(): Json {
    return { ...userPayload(this.botUser), verified: true, mfa_enabled: false, flags: 0 };
  }

  private commandList(ctx: RouteContext | null): Json[] {
    if (!ctx) return this.globalCommands;
    const guildId = ctx.params.guild ?? '';
    let list = this.guildCommands.get(guildId);
    if (!list) {
      list = [];
      this.guildCommands.set(guildId, list);
    }
    return list;
  }

  /** Echoes a command body as Discord stores it (with id, application id, version). */
  private storedCommand(body: unknown, guildId: string | undefined): Json {
    const command = isObject(body) ? body : {};
    return {
      type: 1,
      description: '',
      options: [],
      default_member_permissions: null,
      nsfw: false,
      ...command,
      id: snowflake(),
      application_id: this.applicationId,
      version: snowflake(),
      ...(guildId ? { guild_id: guildId } : {}),
    };
  }

  private putCommands(ctx: RouteContext, guildCtx: RouteContext | null): RouteReply {
    const list = this.commandList(guildCtx);
    const bodies = Array.isArray(ctx.body) ? ctx.body : [];
    list.splice(0, list.length, ...bodies.map((b) => this.storedCommand(b, ctx.params.guild)));
    return { status: 200, body: list };
  }

  /**
   * An interaction callback, with Discord's rules: unknown id/token or a first
   * callback later than `interactionTimeoutMs` → 10062; a second callback → 40060.
   */
  private interactionCallback(ctx: RouteContext): RouteReply {
    const state = this.interactions.get(ctx.params.id ?? '');
    if (!state || state.handle.token !== ctx.params.token) {
      return this.faultReply(DiscordErrors.unknownInteraction, ctx.request);
    }
    if (state.callbacks.length > 0) {
      return this.faultReply(DiscordErrors.alreadyAcknowledged, ctx.request);
    }
    if (ctx.request.at - state.handle.createdAt > this.options.interactionTimeoutMs) {
      return this.faultReply(DiscordErrors.unknownInteraction, ctx.request);
    }
    state.callbacks.push(ctx.request);
    const body = isObject(ctx.body) ? ctx.body : {};
    const type = Number(body.type);
    const data = isObject(body.data) ? body.data : undefined;
    this.updateMessagesForCallback(state, type, data);
    if (ctx.query.with_response !== 'true') return { status: 204 };
    const original = state.original;
    const flags = Number(original?.flags ?? 0);
    return {
      status: 200,
      body: {
        interaction: {
          id: state.handle.id,
          type: state.handle.type,
          activity_instance_id: null,
          response_message_id: original?.id ?? null,
          response_message_loading: type === CallbackType.DeferredChannelMessageWithSource,
          response_message_ephemeral: (flags & 64) !== 0,
        },
        resource: original ? { type, message: original } : { type },
      },
    };
  }

  private updateMessagesForCallback(state: InteractionState, type: number, data: Json | undefined) {
    const { handle } = state;
    switch (type) {
      case CallbackType.ChannelMessageWithSource:
      case CallbackType.DeferredChannelMessageWithSource: {
        const message = this.buildMessage({
          channelId: handle.channelId,
          guildId: handle.guildId,
          author: this.botUser,
          type: handle.type === InteractionKind.ApplicationCommand ? 20 : 19,
          fromInteraction: true,
        });
        if (type === CallbackType.DeferredChannelMessageWithSource) {
          // 128 = LOADING ("bot is thinking"), plus any ephemeral flag asked for.
          message.flags = Number(data?.flags ?? 0) | 128;
        }
        state.original = this.applyMessageBody(message, data, false);
        break;
      }
      case CallbackType.UpdateMessage:
        state.original = state.componentMessage
          ? this.applyMessageBody(state.componentMessage, data, true)
          : null;
        break;
      case CallbackType.DeferredUpdateMessage:
        state.original = state.componentMessage;
        break;
      default:
        break;
    }
  }

  private webhookState(ctx: RouteContext): InteractionState | undefined {
    if (ctx.params.app !== this.applicationId) return undefined;
    for (const state of this.interactions.values()) {
      if (state.handle.token === ctx.params.token) return state;
    }
    return undefined;
  }

  /** `POST /webhooks/:app/:token`: a follow-up message. */
  private webhookFollowUp(ctx: RouteContext): RouteReply {
    const state = this.webhookState(ctx);
    if (!state) return this.faultReply(DiscordErrors.unknownWebhook, ctx.request);
    if (state.callbacks.length === 0) {
      // Discord refuses follow-ups before the interaction is acknowledged.
      return this.faultReply(DiscordErrors.unknownWebhook, ctx.request);
    }
    const message = this.buildMessage({
      channelId: state.handle.channelId,
      guildId: state.handle.guildId,
      author: this.botUser,
      fromInteraction: true,
    });
    this.applyMessageBody(message, isObject(ctx.body) ? ctx.body : undefined, false);
    state.followups.set(String(message.id), message);
    // A follow-up to a deferred reply replaces the "thinking" message.
    if (state.original && (Number(state.original.flags) & 128) !== 0) {
      state.original = message;
    }
    state.webhooks.push(ctx.request);
    return { status: 200, body: message };
  }

  /** `PATCH /webhooks/:app/:token/messages/:message` (`@original` or a follow-up's id). */
  private editMessage(ctx: RouteContext): RouteReply {
    const state = this.webhookState(ctx);
    if (!state) return this.faultReply(DiscordErrors.unknownWebhook, ctx.request);
    const messageId = ctx.params.message ?? '';
    const message =
      messageId === '@original' ? state.original : (state.followups.get(messageId) ?? null);
    if (!message) return this.faultReply(DiscordErrors.unknownMessage, ctx.request);
    state.webhooks.push(ctx.request);
    // Editing a deferred reply ends its loading state.
    message.flags = Number(message.flags ?? 0) & ~128;
    this.applyMessageBody(message, isObject(ctx.body) ? ctx.body : undefined, true);
    return { status: 200, body: message };
  }

  private send(res: ServerResponse, reply: RouteReply): void {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.body === undefined || reply.status === 204) {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(reply.body);
    headers['content-type'] = 'application/json';
    res.writeHead(reply.status, headers);
    res.end(text);
  }

  // -------------------------------------------------------------------------
  // Internals: gateway
  // -------------------------------------------------------------------------

  private onGatewayConnection(ws: WebSocket, req: IncomingMessage): void {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const connection: GatewayConnection = { id: this.nextConnectionId++, ws, path, session: null };
    this.connections.add(connection);
    this.log(`GW #${connection.id} open ${path}`);
    ws.on('message', (raw: RawData) => this.onGatewayMessage(connection, raw));
    ws.on('close', (code: number) => {
      this.log(`GW #${connection.id} closed ${code}`);
      this.connections.delete(connection);
      this.detach(connection);
      this.changed();
    });
    ws.on('error', () => {});
    this.sendPayload(connection, {
      op: 10,
      d: { heartbeat_interval: this.options.heartbeatIntervalMs },
    });
    this.changed();
  }

  private onGatewayMessage(connection: GatewayConnection, raw: RawData): void {
    let payload: Json;
    try {
      const parsed: unknown = JSON.parse(raw.toString());
      if (!isObject(parsed)) return;
      payload = parsed;
    } catch {
      connection.ws.close(4002, 'Error while decoding payload.');
      return;
    }
    const op = Number(payload.op);
    const d = isObject(payload.d) ? { ...payload.d } : payload.d;
    if (isObject(d) && 'token' in d) d.token = '<redacted>';
    this.gatewayPayloads.push({ at: this.now(), connectionId: connection.id, op, d });
    switch (op) {
      case 1:
        if (this.heartbeatAcks) this.sendPayload(connection, { op: 11 });
        break;
      case 2:
        this.onIdentify(connection, isObject(payload.d) ? payload.d : {});
        break;
      case 6:
        this.onResume(connection, isObject(payload.d) ? payload.d : {});
        break;
      default:
        // Presence updates, member requests, voice: recorded above, otherwise ignored.
        break;
    }
    this.changed();
  }

  private onIdentify(connection: GatewayConnection, d: Json): void {
    const shardField = Array.isArray(d.shard) ? d.shard : [0, 1];
    const shard: [number, number] = [Number(shardField[0] ?? 0), Number(shardField[1] ?? 1)];
    const tokenValid = d.token === this.token;
    const identify: GatewayIdentify = {
      at: this.now(),
      connectionId: connection.id,
      shard,
      intents: Number(d.intents ?? 0),
      tokenValid,
      sessionId: null,
    };
    this.identifies.push(identify);
    this.log(`GW #${connection.id} IDENTIFY shard [${shard.join(', ')}]`);
    if (!tokenValid) {
      connection.ws.close(4004, 'Authentication failed.');
      return;
    }
    if (this.identifyRefusal) {
      connection.ws.close(this.identifyRefusal.code, this.identifyRefusal.reason);
      return;
    }
    if (connection.session) {
      connection.ws.close(4005, 'Already authenticated.');
      return;
    }
    if (!(shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1])) {
      connection.ws.close(4010, 'Invalid shard.');
      return;
    }
    const session: Session = {
      sessionId: randomBytes(16).toString('hex'),
      shard,
      seq: 0,
      history: [],
      socket: connection,
      resumable: true,
      resumes: 0,
    };
    identify.sessionId = session.sessionId;
    connection.session = session;
    this.sessions.push(session);
    this.sendReady(session);
  }

  /** READY lists the shard's guilds as unavailable; a GUILD_CREATE follows for each, or discord.js waits 15 s. */
  private sendReady(session: Session): void {
    const [shardId, shardCount] = session.shard;
    const guilds = this.guilds.filter((g) => shardForGuild(g.id, shardCount) === shardId);
    this.sendDispatch(session, 'READY', {
      v: 10,
      user: this.botUserPayload(),
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.sessionId,
      resume_gateway_url: `${this.gatewayUrl}/resume`,
      shard: [shardId, shardCount],
      application: { id: this.applicationId, flags: 0 },
      private_channels: [],
    });
    for (const guild of guilds)
      this.sendDispatch(session, 'GUILD_CREATE', this.guildPayload(guild));
  }

  private guildPayload(guild: FakeGuild): Json {
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      owner_id: guild.ownerId,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      preferred_locale: 'en-US',
      system_channel_id: null,
      features: [],
      joined_at: nowIso(),
      large: false,
      unavailable: false,
      member_count: 2,
      roles: [
        {
          id: guild.id,
          name: '@everyone',
          permissions: DEFAULT_PERMISSIONS,
          position: 0,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
        },
      ],
      channels: [
        {
          id: guild.channelId,
          type: 0,
          name: 'general',
          position: 0,
          parent_id: null,
          topic: null,
          nsfw: false,
          last_message_id: null,
          rate_limit_per_user: 0,
          permission_overwrites: [],
          flags: 0,
        },
      ],
      members: [],
      emojis: [],
      stickers: [],
      threads: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  /** RESUME: replays what the session missed, then RESUMED; unknown or invalidated sessions get op 9 false. */
  private onResume(connection: GatewayConnection, d: Json): void {
    const sessionId = String(d.session_id ?? '');
    const seq = Number(d.seq ?? 0);
    const session = this.sessions.find((s) => s.sessionId === sessionId);
    const record: GatewayResume = {
      at: this.now(),
      connectionId: connection.id,
      path: connection.path,
      sessionId,
      seq,
      accepted: false,
      replayed: 0,
    };
    this.resumes.push(record);
    this.log(`GW #${connection.id} RESUME seq ${seq}`);
    if (d.token !== this.token) {
      connection.ws.close(4004, 'Authentication failed.');
      return;
    }
    if (!session?.resumable) {
      this.sendPayload(connection, { op: 9, d: false });
      return;
    }
    // A session has one socket: a resume from a new socket replaces an old one.
    if (session.socket && session.socket !== connection) {
      const old = session.socket;
      this.detach(old);
      old.ws.terminate();
    }
    session.socket = connection;
    session.resumes += 1;
    connection.session = session;
    const missed = session.history.filter((p) => Number(p.s) > seq);
    for (const payload of missed) this.sendPayload(connection, payload);
    record.accepted = true;
    record.replayed = missed.length;
    this.sendDispatch(session, 'RESUMED', {});
  }

  /** Sends a dispatch in a session; kept in its history for replay even if no socket is attached. */
  private sendDispatch(session: Session, event: string, data: Json): number {
    session.seq += 1;
    const payload: Json = { op: 0, t: event, s: session.seq, d: data };
    session.history.push(payload);
    if (session.socket) this.sendPayload(session.socket, payload);
    return session.seq;
  }

  private sendPayload(connection: GatewayConnection, payload: Json): void {
    if (connection.ws.readyState === WebSocket.OPEN) connection.ws.send(JSON.stringify(payload));
  }

  /** Unlinks a connection from its session, so later dispatches are buffered for RESUME. */
  private detach(connection: GatewayConnection | null): void {
    if (!connection) return;
    if (connection.session?.socket === connection) connection.session.socket = null;
    connection.session = null;
  }

  /** The newest resumable session of a shard (connected or not). */
  private sessionForShard(shardId: number): Session {
    const session = findLast(this.sessions, (s) => s.shard[0] === shardId && s.resumable);
    if (!session) {
      throw new Error(
        `FakeDiscord has no gateway session for shard ${shardId}; log a client in first`,
      );
    }
    return session;
  }

  /** The newest resumable session whose shard owns the guild. */
  private sessionForGuild(guildId: string): Session {
    const session = findLast(
      this.sessions,
      (s) => s.resumable && shardForGuild(guildId, s.shard[1]) === s.shard[0],
    );
    if (!session) {
      throw new Error(
        `FakeDiscord has no gateway session for guild ${guildId}; log a client in first`,
      );
    }
    return session;
  }

  private connectedSession(shardId: number): Session {
    const session = findLast(this.sessions, (s) => s.shard[0] === shardId && s.socket !== null);
    if (!session) throw new Error(`FakeDiscord has no connected session for shard ${shardId}`);
    return session;
  }

  // -------------------------------------------------------------------------
  // Internals: misc
  // -------------------------------------------------------------------------

  /** Waits for `promise`, or less when the fake closes first. */
  private async unlessClosed(promise: Promise<unknown>): Promise<void> {
    if (this.closed) return;
    let entry: { resolve: () => void } | undefined;
    const closing = new Promise<void>((resolve) => {
      entry = { resolve };
      this.sleeps.add(entry);
    });
    await Promise.race([promise.catch(() => {}), closing]);
    if (entry) this.sleeps.delete(entry);
  }

  /** A sleep that ends early when the fake closes, so no timer outlives it. */
  private sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleeps.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.sleeps.add(entry);
    });
  }

  private changed(): void {
    this.changes.emit('change');
  }
}
