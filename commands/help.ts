import { type ChatInputCommandInteraction, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { renderHelp } from '../src/discord/render.ts';

/** `/help`: what the bot does, for the asker only. */
export const data = new SlashCommandBuilder()
  .setName('help')
  .setDescription('How to ask me about the news articles')
  .toJSON();

export async function execute(interaction: ChatInputCommandInteraction): Promise<void> {
  await interaction.reply({ ...renderHelp(), flags: MessageFlags.Ephemeral });
}
