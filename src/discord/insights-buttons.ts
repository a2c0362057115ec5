/**
 * The clicks of insights: 👍/👎 on an answer (anyone who sees it; the reply
 * is private and the answer stays as it is), and the moderator's paging and
 * clear confirmation of `/insights` (checked for Manage Server again, since a
 * custom id can be sent by anyone).
 */
import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  MessageFlags,
  PermissionFlagsBits,
} from 'discord.js';
import { MAX_REPORT_DAYS, MIN_REPORT_DAYS } from '../insights/insights.ts';
import { Emoji } from './constants.ts';
import type { BotContext } from './context.ts';
import type { ButtonAction } from './custom-id.ts';
import { renderCleared, renderInsights, renderVote } from './insights-render.ts';
import { notice } from './render.ts';

/**
 * The server an interaction's records belong to, or null where nothing is
 * recorded: DMs, and servers where the bot is used as a user app (their
 * moderators have no `/insights`).
 *
 * @example
 * insights.recordAnswer({ guildId: recordingGuild(interaction), … });
 */
export function recordingGuild(interaction: Interaction): string | null {
  if (!interaction.inGuild()) return null;
  return interaction.authorizingIntegrationOwners.guildId === interaction.guildId
    ? interaction.guildId
    : null;
}

/**
 * Why a member may not see or clear insights here, or null when they may.
 *
 * @example
 * const refusal = insightsRefusal(interaction);
 */
export function insightsRefusal(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
): string | null {
  if (!interaction.inGuild()) return '/insights only works in a server, not in direct messages.';
  if (recordingGuild(interaction) === null) {
    return '/insights only works where I am added to the server, not as a user app.';
  }
  if (!interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild)) {
    return '/insights needs the Manage Server permission.';
  }
  return null;
}

/**
 * Why `days` is not a period a report covers, or null when it is.
 *
 * @example
 * daysProblem(0) // => 'days must be a whole number from 1 to 365.'
 */
export function daysProblem(days: number): string | null {
  return Number.isInteger(days) && days >= MIN_REPORT_DAYS && days <= MAX_REPORT_DAYS
    ? null
    : `days must be a whole number from ${MIN_REPORT_DAYS} to ${MAX_REPORT_DAYS}.`;
}

/**
 * Handles a click on a vote, report page or clear button.
 *
 * @example
 * if (action.kind === 'vote') return handleInsightsButton(interaction, action, context);
 */
export async function handleInsightsButton(
  interaction: ButtonInteraction,
  action: Extract<ButtonAction, { kind: 'vote' | 'insights' | 'clearInsights' }>,
  context: BotContext,
): Promise<void> {
  const { insights } = context;
  if (action.kind === 'vote') {
    const outcome = insights.vote({
      guildId: recordingGuild(interaction),
      userId: interaction.user.id,
      token: action.token,
      vote: action.vote,
    });
    await interaction.reply({ ...renderVote(outcome, action.vote), flags: MessageFlags.Ephemeral });
    return;
  }
  const refusal =
    insightsRefusal(interaction) ?? (action.kind === 'insights' ? daysProblem(action.days) : null);
  if (refusal) {
    await interaction.reply({
      ...notice(`${Emoji.warning} ${refusal}`),
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  const guildId = interaction.guildId ?? '';
  const payload =
    action.kind === 'insights'
      ? renderInsights(
          insights.report(guildId, action.days),
          insights.status,
          { days: action.days, page: action.page },
          context,
        )
      : renderCleared(insights.clear(guildId), insights.status);
  // Only the moderator sees the report (it is ephemeral), so it is updated in place;
  // the same id on a message others see (a forged one) gets a private reply instead.
  if (interaction.message.flags.has(MessageFlags.Ephemeral)) await interaction.update(payload);
  else await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
}
