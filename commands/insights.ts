import {
  ApplicationIntegrationType,
  type ChatInputCommandInteraction,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from 'discord.js';
import { Emoji } from '../src/discord/constants.ts';
import type { BotContext } from '../src/discord/context.ts';
import { daysProblem, insightsRefusal } from '../src/discord/insights-buttons.ts';
import { renderClearConfirmation, renderInsights } from '../src/discord/insights-render.ts';
import { notice } from '../src/discord/render.ts';
import { MAX_REPORT_DAYS, MIN_REPORT_DAYS } from '../src/insights/insights.ts';

/** Days a report covers unless `days:` says otherwise. */
const DEFAULT_DAYS = 30;

/**
 * `/insights report [days]`: what members asked that the articles did not
 * answer, and the answers they voted down; `/insights clear`: delete this
 * server's records after a confirmation. For Manage Server, checked again
 * here since Discord's defaults can be changed by server admins.
 */
export const data = new SlashCommandBuilder()
  .setName('insights')
  .setDescription('What members ask that the articles do not answer (needs Manage Server)')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild)
  .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
  .addSubcommand((sub) =>
    sub
      .setName('report')
      .setDescription('Refused questions, answers voted down, and totals')
      .addIntegerOption((option) =>
        option
          .setName('days')
          .setDescription(`How many days back (default ${DEFAULT_DAYS})`)
          .setMinValue(MIN_REPORT_DAYS)
          .setMaxValue(MAX_REPORT_DAYS),
      ),
  )
  .addSubcommand((sub) =>
    sub.setName('clear').setDescription("Delete this server's insights records (asks to confirm)"),
  )
  .toJSON();

export async function execute(
  interaction: ChatInputCommandInteraction,
  context: BotContext,
): Promise<void> {
  const days = interaction.options.getInteger('days') ?? DEFAULT_DAYS;
  const refusal = insightsRefusal(interaction) ?? daysProblem(days);
  if (refusal) {
    await interaction.reply({
      ...notice(`${Emoji.warning} ${refusal}`),
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  const { insights } = context;
  const payload =
    interaction.options.getSubcommand(false) === 'clear'
      ? renderClearConfirmation(context)
      : renderInsights(
          insights.report(interaction.guildId, days),
          insights.status,
          { days, page: 0 },
          context,
        );
  await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
}
