/**
 * The discord.js client of the bot: created with pings disabled, wired to the
 * interaction router, logged in. Commands are not deployed here; that is
 * `npm run deploy-commands`.
 */
import { once } from 'node:events';
import { ApplicationIntegrationType, Client, Events, GatewayIntentBits } from 'discord.js';
import type { Insights } from '../insights/insights.ts';
import type { Library } from '../library/library.ts';
import { describeError, type Logger } from '../log.ts';
import { type BotContext, type Command, createBotContext } from './context.ts';
import { createInteractionHandler } from './router.ts';
import { followShardManager } from './sharding.ts';
import { GatewayUnreachableError } from './startup.ts';

/** Options for {@link startBot}. */
export interface BotOptions {
  token: string;
  /** REST API base (e.g. a local fake's `http://127.0.0.1:PORT/api`); default Discord's. */
  restApi?: string | null;
  /** How long one REST request may take before discord.js gives up on it; default its own 15 s. */
  restTimeoutMs?: number;
  /**
   * How long logging in may take. discord.js retries a gateway it cannot reach
   * for ever, so past this the login fails with {@link GatewayUnreachableError}.
   * Default 60 s.
   */
  loginTimeoutMs?: number;
  library: Library;
  logger: Logger;
  commands: ReadonlyArray<Command>;
  /** Per-user query limit: `count` per `windowMs`. */
  rateLimit: { count: number; windowMs: number };
  /** Users who may add article URLs with `/sources add`. Default none. */
  ownerIds?: readonly string[];
  /** Least time between two `/refresh` runs from one server, in ms. Default 30 s. */
  refreshCooldownMs?: number;
  /** Where questions and votes are recorded for `/insights`. Default: nowhere. */
  insights?: Insights;
}

/** A logged-in bot. */
export interface Bot {
  client: Client;
  context: BotContext;
  /** Resolves when the gateway session is ready (`login` resolves before that). */
  ready: Promise<void>;
  /**
   * Resolves once the interactions with these ids (default: every one) are no longer being
   * handled: every reply, retry and apology the bot started for them has been sent or given up.
   * Tests wait on it, not on time, before they count what reached Discord.
   */
  idle(interactionIds?: Iterable<string>): Promise<void>;
  /** Closes the gateway connection and REST queues. */
  stop(): Promise<void>;
}

/**
 * Creates the client, installs the handlers and logs in.
 *
 * @throws when Discord refuses the token or cannot be reached (see `startup.ts` for what each means).
 * @example
 * const bot = await startBot({ token, library, logger, commands, rateLimit: { count: 5, windowMs: 10_000 } });
 * await bot.ready;
 */
export async function startBot(options: BotOptions): Promise<Bot> {
  const { logger } = options;
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    rest: {
      ...(options.restApi ? { api: options.restApi } : {}),
      ...(options.restTimeoutMs ? { timeout: options.restTimeoutMs } : {}),
    },
  });
  const context = createBotContext(options);
  const handle = createInteractionHandler(options.commands, context);
  /** The handlers running, by interaction id. */
  const handling = new Map<string, Promise<void>>();
  client.on(Events.Raw, fillAuthorizingOwners);
  client.on(Events.InteractionCreate, (interaction) => {
    const handled = handle(interaction).finally(() => {
      // A replayed interaction may have taken the id's place meanwhile.
      if (handling.get(interaction.id) === handled) handling.delete(interaction.id);
    });
    handling.set(interaction.id, handled);
  });
  client.on(Events.Error, (error) =>
    logger.error({ err: describeError(error) }, 'discord client error'),
  );
  // Until login succeeds, an error ends the login, and the caller says why in one sentence.
  let loggedIn = false;
  client.on(Events.ShardError, (error, shard) =>
    logger[loggedIn ? 'error' : 'debug'](
      { shard, err: describeError(error) },
      'gateway connection error',
    ),
  );
  client.on(Events.Warn, (message) => logger.warn({ warning: message }, 'discord client warning'));
  client.on(Events.ShardDisconnect, (event, shard) =>
    logger.warn({ shard, code: event.code }, 'gateway disconnected'),
  );
  client.on(Events.ShardResume, (shard, replayed) =>
    logger.info({ shard, replayed }, 'gateway resumed'),
  );
  const ready = once(client, Events.ClientReady).then(() => {
    logger.info(
      {
        user: client.user?.tag,
        application: client.application?.id,
        guilds: client.guilds.cache.size,
      },
      'ready',
    );
  });
  // A rejected `ready` (client destroyed before READY) is not an error of its own.
  ready.catch(() => {});
  try {
    await loginWithin(client, options.token, options.loginTimeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS);
    loggedIn = true;
  } catch (error) {
    // A client whose gateway cannot be reached is left alone: discord.js keeps
    // reconnecting after `destroy` anyway, and destroying it while a connection
    // is being opened makes that connection's failure an uncaught exception.
    // The caller ends the process.
    if (!(error instanceof GatewayUnreachableError)) await client.destroy();
    throw error;
  }
  // Started by `npm run start:sharded`: keep this shard's index in step with the others.
  const unfollow = client.shard
    ? followShardManager(client.shard, options.library, logger)
    : () => {};
  return {
    client,
    context,
    ready,
    idle: async (interactionIds) => {
      if (interactionIds) {
        await Promise.all([...interactionIds].map((id) => handling.get(id)));
        return;
      }
      // Handlers that start while others are awaited are awaited too.
      while (handling.size > 0) await Promise.all(handling.values());
    },
    stop: async () => {
      unfollow();
      await client.destroy();
      logger.info('stopped');
    },
  };
}

/** See {@link BotOptions.loginTimeoutMs}. */
const DEFAULT_LOGIN_TIMEOUT_MS = 60_000;

/** `client.login`, failing with {@link GatewayUnreachableError} when it takes longer than `timeoutMs`. */
async function loginWithin(client: Client, token: string, timeoutMs: number): Promise<void> {
  const login = client.login(token);
  // After a timeout the client is destroyed, which ends the login with an error nobody waits for.
  login.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // The time counts for the gateway only: until `GET /gateway/bot` answered,
    // REST's own timeout and retries decide, so a slow API is never reported
    // as an unreachable gateway of unknown host.
    const check = () => {
      const host = gatewayHost(client);
      if (host === null) timer = setTimeout(check, timeoutMs);
      else reject(new GatewayUnreachableError(host, timeoutMs));
    };
    timer = setTimeout(check, timeoutMs);
  });
  try {
    await Promise.race([login, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The gateway's host as Discord named it in `GET /gateway/bot`; null before it answered. */
function gatewayHost(client: Client): string | null {
  try {
    return new URL(client.ws.gateway ?? '').host || null;
  } catch {
    return null;
  }
}

/**
 * Discord sends `authorizing_integration_owners` with every interaction since
 * apps became user-installable, and discord.js 14 throws while building an
 * interaction without it, outside any handler, which ends the process. So a
 * payload without it (older or simplified senders) gets what Discord sends
 * for a guild install, before discord.js reads it: raw packets are emitted
 * first, as the same object.
 */
function fillAuthorizingOwners(packet: unknown): void {
  if (typeof packet !== 'object' || packet === null) return;
  const { t, d } = packet as { t?: unknown; d?: unknown };
  if (t !== 'INTERACTION_CREATE' || typeof d !== 'object' || d === null) return;
  const data = d as { authorizing_integration_owners?: unknown; guild_id?: unknown };
  if (data.authorizing_integration_owners !== undefined) return;
  data.authorizing_integration_owners =
    typeof data.guild_id === 'string'
      ? { [ApplicationIntegrationType.GuildInstall]: data.guild_id }
      : {};
}
