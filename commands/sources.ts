import { type ChatInputCommandInteraction, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { MAX_SOURCE_URL_LENGTH } from '../src/discord/constants.ts';
import type { BotContext } from '../src/discord/context.ts';
import { loadingNotice } from '../src/discord/query.ts';
import { renderAddSource, renderSources } from '../src/discord/render.ts';
import type { AddSourceResult } from '../src/library/reports.ts';
import type { Logger } from '../src/log.ts';
import { withoutCredentials } from '../src/sources/credentials.ts';

/**
 * `/sources list`: the articles the bot knows. `/sources add url`: add an
 * article by its link, for the bot's owners (`OWNER_IDS`). Discord cannot
 * hide one subcommand from some users, so `add` is shown to everyone and
 * refused here (the library adds for whoever it is asked by).
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
  const requestedBy = interaction.user.id;
  const { guildId } = interaction;
  // Anyone but an owner is refused at once, and the attempt audited as the library audits its own.
  const refusal = ownerRefusal(url, requestedBy, context.ownerIds);
  if (refusal) {
    auditRefusal(context.logger, refusal, { requestedBy, guildId });
    await interaction.reply({ ...renderAddSource(refusal), flags: MessageFlags.Ephemeral });
    return;
  }
  // An owner waits for a fetch and a refresh, longer than Discord's 3 s to answer.
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const result = await context.library.addSource(url, { requestedBy, guildId });
  await interaction.editReply(renderAddSource(result));
}

/**
 * Writes the audit line of a refused `/sources add`, shaped as the library's
 * `source-add` event so that one log search finds every attempt.
 *
 * @example
 * auditRefusal(context.logger, refusal, { requestedBy: interaction.user.id, guildId: interaction.guildId });
 */
export function auditRefusal(
  logger: Logger,
  refusal: AddSourceResult,
  asker: { requestedBy: string; guildId: string | null },
): void {
  const { url, status } = refusal;
  const reason = 'reason' in refusal ? refusal.reason : null;
  logger.info(
    { audit: { event: 'source-add', ...asker, url, status, reason } },
    'library source-add',
  );
}

/**
 * Why `userId` may not add `url` as a source, or null when they may: only the
 * bot's owners (`OWNER_IDS`) can, and nobody when none is configured. The
 * refusal names the URL without any `user:password@` in it.
 *
 * @example
 * ownerRefusal('https://news.example/a', '42', ['7'])
 * // => { status: 'refused', reason: 'not-owner', url: 'https://news.example/a' }
 */
export function ownerRefusal(
  url: string,
  userId: string,
  ownerIds: readonly string[],
): AddSourceResult | null {
  if (ownerIds.includes(userId)) return null;
  const reason = ownerIds.length === 0 ? 'no-owners' : 'not-owner';
  return { status: 'refused', reason, url: withoutCredentials(url.trim()) };
}
