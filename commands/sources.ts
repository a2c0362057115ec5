import { type ChatInputCommandInteraction, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { MAX_SOURCE_URL_LENGTH } from '../src/discord/constants.ts';
import type { BotContext } from '../src/discord/context.ts';
import { loadingNotice } from '../src/discord/query.ts';
import { renderAddSource, renderSources } from '../src/discord/render.ts';

/**
 * `/sources list`: the articles the bot knows. `/sources add url`: add an
 * article by its link, for the bot's owners (`OWNER_IDS`). Discord cannot
 * hide one subcommand from some users, so `add` is shown to everyone and
 * refused here, and again by the library.
 */
export const data = new SlashCommandBuilder()
  .setName('sources')
  .setDescription('The articles I answer from')
  .addSubcommand((subcommand) =>
    subcommand.setName('list').setDescription('List the articles I can answer from'),
  )
  .addSubcommand((subcommand) =>
    subcommand
      .setName('add')
      .setDescription('Add a news article by its link (bot owners only)')
      .addStringOption((option) =>
        option
          .setName('url')
          .setDescription('The article’s address, starting with https://')
          .setRequired(true)
          .setMaxLength(MAX_SOURCE_URL_LENGTH),
      ),
  )
  .toJSON();

export async function execute(
  interaction: ChatInputCommandInteraction,
  context: BotContext,
): Promise<void> {
  // No subcommand: `/sources` as deployed before it had any, which listed.
  if (interaction.options.getSubcommand(false) === 'add') {
    await addSource(interaction, context);
    return;
  }
  const loading = loadingNotice(context);
  if (loading) {
    await interaction.reply({ ...loading, flags: MessageFlags.Ephemeral });
    return;
  }
  await interaction.reply(renderSources(context.library.sources(), context.library.loadedAt));
}

async function addSource(
  interaction: ChatInputCommandInteraction,
  context: BotContext,
): Promise<void> {
  const url = interaction.options.getString('url', true);
  // An owner waits for a fetch and a refresh, longer than Discord's 3 s to
  // answer; anyone else is refused at once. The library refuses non-owners
  // itself and audits every attempt, so it is asked either way.
  const isOwner = context.ownerIds.includes(interaction.user.id);
  if (isOwner) await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const result = await context.library.addSource(url, {
    requestedBy: interaction.user.id,
    ownerIds: context.ownerIds,
    guildId: interaction.guildId,
  });
  const reply = renderAddSource(result);
  if (isOwner) await interaction.editReply(reply);
  else await interaction.reply({ ...reply, flags: MessageFlags.Ephemeral });
}
