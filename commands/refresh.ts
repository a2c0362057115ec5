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
import { notice, renderRefresh } from '../src/discord/render.ts';
import { notRunReport } from '../src/library/reports.ts';

/**
 * `/refresh`: reload the articles. Discord hides it from members without
 * Manage Server and outside servers, but those settings can be changed by
 * server admins and are not enforced for every client, so they are checked
 * again here.
 */
export const data = new SlashCommandBuilder()
  .setName('refresh')
  .setDescription('Reload the articles (needs Manage Server)')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild)
  .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
  .toJSON();

export async function execute(
  interaction: ChatInputCommandInteraction,
  context: BotContext,
): Promise<void> {
  const refusal = refusalFor(interaction);
  if (refusal) {
    await interaction.reply({
      ...notice(`${Emoji.warning} ${refusal}`),
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  // refusalFor made sure this is a server; the fallback only satisfies the type.
  const guildId = interaction.guildId ?? 'local';
  // The cooldown is per server: one server's moderators cannot lock out another's.
  const cooldown = context.refreshCooldown.check(guildId);
  if (!cooldown.allowed) {
    const report = notRunReport({ status: 'cooldown', retryAt: cooldown.retryAt });
    // Audited as the library audits the refreshes it runs, so one log search finds every request.
    const audit = { event: 'refresh', requestedBy: interaction.user.id, guildId, ...report };
    context.logger.info({ audit }, 'library refresh');
    await interaction.editReply(renderRefresh(report));
    return;
  }
  const started = context.refreshCooldown.now();
  // The library writes the audit line (who, where, when, what changed) for every refresh it runs.
  const report = await context.library.refresh({ requestedBy: interaction.user.id, guildId });
  // A refresh refused as busy did not run: it does not start the cooldown.
  if (report.status !== 'busy') context.refreshCooldown.record(guildId, started);
  await interaction.editReply(renderRefresh(report));
}

function refusalFor(interaction: ChatInputCommandInteraction): string | null {
  if (!interaction.inGuild()) return '/refresh only works in a server, not in direct messages.';
  if (interaction.authorizingIntegrationOwners.guildId !== interaction.guildId) {
    return '/refresh only works where I am added to the server, not as a user app.';
  }
  if (!interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild)) {
    return '/refresh needs the Manage Server permission.';
  }
  return null;
}
