/**
 * Routes each interaction to its command or button handler, and turns any
 * failure into a friendly ephemeral message and one log line.
 */
import { performance } from 'node:perf_hooks';
import {
  type Interaction,
  MessageFlags,
  type RepliableInteraction,
  TimestampStyles,
  time,
} from 'discord.js';
import { describeError } from '../log.ts';
import { handleButton } from './buttons.ts';
import { Emoji } from './constants.ts';
import type { BotContext, Command, MessageCommand, SlashCommand } from './context.ts';
import { isSlashCommand } from './context.ts';
import { notice, type ReplyPayload } from './render.ts';

const FAILURE_MESSAGE = `${Emoji.error} Something went wrong on my side. Please try again in a moment.`;
const UNKNOWN_COMMAND_MESSAGE = `${Emoji.warning} I don't know that command any more. A server manager can update my commands with \`npm run deploy-commands\`.`;

/**
 * A handler for `interactionCreate` that never throws.
 *
 * @example
 * client.on(Events.InteractionCreate, createInteractionHandler(commands, context));
 */
export function createInteractionHandler(
  commands: ReadonlyArray<Command>,
  context: BotContext,
): (interaction: Interaction) => Promise<void> {
  const slash = new Map<string, SlashCommand>();
  const message = new Map<string, MessageCommand>();
  for (const command of commands) {
    if (isSlashCommand(command)) slash.set(command.data.name, command);
    else message.set(command.data.name, command);
  }

  return async (interaction) => {
    const started = performance.now();
    const fields = describeInteraction(interaction);
    try {
      if (interaction.isChatInputCommand()) {
        const command = slash.get(interaction.commandName);
        if (command) await command.execute(interaction, context);
        else await sendEphemeral(interaction, notice(UNKNOWN_COMMAND_MESSAGE));
      } else if (interaction.isMessageContextMenuCommand()) {
        const command = message.get(interaction.commandName);
        if (command) await command.execute(interaction, context);
        else await sendEphemeral(interaction, notice(UNKNOWN_COMMAND_MESSAGE));
      } else if (interaction.isAutocomplete()) {
        const command = slash.get(interaction.commandName);
        await (command?.autocomplete
          ? command.autocomplete(interaction, context)
          : interaction.respond([]));
      } else if (interaction.isButton()) {
        const refusal = refuseClick(context, interaction.user.id);
        if (refusal) await interaction.reply({ ...refusal, flags: MessageFlags.Ephemeral });
        else await handleButton(interaction, context);
      }
      const ms = Math.round(performance.now() - started);
      context.logger[interaction.isAutocomplete() ? 'debug' : 'info'](
        { ...fields, ms },
        'interaction handled',
      );
    } catch (error) {
      context.logger.error({ ...fields, err: describeError(error) }, 'interaction failed');
      await apologize(interaction, context);
    }
  };
}

/**
 * Sends a message only the user sees, whatever state the interaction is in:
 * a reply, the edit of a deferred reply, or a follow-up.
 *
 * @example
 * await sendEphemeral(interaction, notice('Done.'));
 */
export async function sendEphemeral(
  interaction: RepliableInteraction,
  payload: ReplyPayload,
): Promise<void> {
  if (interaction.deferred && !interaction.replied) {
    await interaction.editReply(payload);
  } else if (interaction.replied) {
    await interaction.followUp({ ...payload, flags: MessageFlags.Ephemeral });
  } else {
    await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
  }
}

/**
 * A private notice when a user clicks faster than the per-user rate limit
 * allows, or null (the click is then counted). Every button counts, whatever
 * it does, toward the same limit as questions: a click runs a query, shows a
 * context, records a vote or opens a report, all work a flood should not buy.
 */
function refuseClick(context: BotContext, userId: string): ReplyPayload | null {
  const decision = context.rateLimiter.take(userId);
  if (decision.allowed) return null;
  const retry = time(new Date(decision.retryAt), TimestampStyles.RelativeTime);
  return notice(`${Emoji.wait} You're clicking quickly — try again ${retry}.`);
}

async function apologize(interaction: Interaction, context: BotContext): Promise<void> {
  try {
    if (interaction.isAutocomplete()) {
      if (!interaction.responded) await interaction.respond([]);
    } else if (interaction.isRepliable()) {
      await sendEphemeral(interaction, notice(FAILURE_MESSAGE));
    }
  } catch (error) {
    context.logger.warn(
      { ...describeInteraction(interaction), err: describeError(error) },
      'could not tell the user about a failure',
    );
  }
}

/** Who did what where, for log lines (no tokens, no message text). */
function describeInteraction(interaction: Interaction): Record<string, string | null> {
  const fields: Record<string, string | null> = {
    interaction: interaction.id,
    type: String(interaction.type),
    user: interaction.user.id,
    guild: interaction.guildId,
  };
  if (interaction.isCommand() || interaction.isAutocomplete()) {
    fields.command = interaction.commandName;
  } else if (interaction.isButton()) {
    fields.button = interaction.customId.split(':', 1)[0] ?? null;
  }
  return fields;
}
