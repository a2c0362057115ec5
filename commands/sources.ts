import { type ChatInputCommandInteraction, SlashCommandBuilder } from 'discord.js';
import type { BotContext } from '../src/discord/context.ts';
import { renderSources } from '../src/discord/render.ts';

/** `/sources`: the articles the bot knows. */
export const data = new SlashCommandBuilder()
  .setName('sources')
  .setDescription('List the articles I can answer from')
  .toJSON();

export async function execute(
  interaction: ChatInputCommandInteraction,
  context: BotContext,
): Promise<void> {
  await interaction.reply(renderSources(context.library.sources(), context.library.loadedAt));
}
