/**
 * What every handler receives, and the shape of a command module: its
 * definition (the JSON deployed to Discord) and its handlers.
 */
import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  MessageContextMenuCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord.js';
import { ApplicationCommandType } from 'discord.js';
import { Insights } from '../insights/insights.ts';
import type { Library } from '../library/library.ts';
import type { Logger } from '../log.ts';
import { CustomIdCodec } from './custom-id.ts';
import { RateLimiter } from './rate-limit.ts';
import { RefreshCooldown } from './refresh-cooldown.ts';
import type { RenderContext } from './render.ts';

/** The `/refresh` cooldown when none is configured (config's default too). */
const DEFAULT_REFRESH_COOLDOWN_MS = 30_000;

/** Shared state of the running bot, passed to every handler. */
export interface BotContext extends RenderContext {
  library: Library;
  logger: Logger;
  /** Per-user limit on queries (`/ask`, `/search`, "Ask about this message") and button clicks, counted together. */
  rateLimiter: RateLimiter;
  /** Users who may add article URLs (config `OWNER_IDS`). */
  ownerIds: readonly string[];
  /** How often each server may `/refresh`. */
  refreshCooldown: RefreshCooldown;
  /** Questions and votes recorded for `/insights`. */
  insights: Insights;
}

/** Options for {@link createBotContext}. */
export interface BotContextOptions {
  library: Library;
  logger: Logger;
  /** Per-user query limit: `count` per `windowMs`. */
  rateLimit: { count: number; windowMs: number };
  /** Users who may add article URLs. Default none. */
  ownerIds?: readonly string[];
  /** Least time between two `/refresh` runs from one server, in ms. Default 30 s. */
  refreshCooldownMs?: number;
  /** Where questions and votes are recorded. Default: nowhere (insights off). */
  insights?: Insights;
  /** Clock for the rate limiter and the refresh cooldown, for tests. Default `Date.now`. */
  now?: () => number;
}

/**
 * The context handlers share.
 *
 * @example
 * const context = createBotContext({ library, logger, rateLimit: { count: 5, windowMs: 10_000 } });
 */
export function createBotContext(options: BotContextOptions): BotContext {
  return {
    library: options.library,
    logger: options.logger,
    customIds: new CustomIdCodec(),
    rateLimiter: new RateLimiter({
      limit: options.rateLimit.count,
      windowMs: options.rateLimit.windowMs,
      ...(options.now ? { now: options.now } : {}),
    }),
    ownerIds: options.ownerIds ?? [],
    refreshCooldown: new RefreshCooldown({
      cooldownMs: options.refreshCooldownMs ?? DEFAULT_REFRESH_COOLDOWN_MS,
      ...(options.now ? { now: options.now } : {}),
    }),
    insights:
      options.insights ?? Insights.open({ path: null, retentionDays: 1, logger: options.logger }),
  };
}

/** A slash command module. */
export interface SlashCommand {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, context: BotContext): Promise<void>;
}

/** A message context-menu command module. */
export interface MessageCommand {
  data: RESTPostAPIContextMenuApplicationCommandsJSONBody;
  execute(interaction: MessageContextMenuCommandInteraction, context: BotContext): Promise<void>;
}

export type Command = SlashCommand | MessageCommand;

/** Tells slash commands (type 1 or unset) from context-menu commands. */
export function isSlashCommand(command: Command): command is SlashCommand {
  return (
    (command.data.type ?? ApplicationCommandType.ChatInput) === ApplicationCommandType.ChatInput
  );
}
