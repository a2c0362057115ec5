import {
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  MessageFlags,
  SlashCommandBuilder,
} from 'discord.js';
import { MAX_QUESTION_LENGTH } from '../src/answer/answer.ts';
import type { BotContext } from '../src/discord/context.ts';
import { recordingGuild } from '../src/discord/insights-buttons.ts';
import { choicesInTime, questionChoices } from '../src/discord/options.ts';
import { refuseQuery, replyInTime, runQuery } from '../src/discord/query.ts';
import { withFeedback } from '../src/discord/render.ts';

/** `/ask question [private]`: the passage that best answers a question. */
export const data = new SlashCommandBuilder()
  .setName('ask')
  .setDescription('Ask a question about the news articles')
  .addStringOption((option) =>
    option
      .setName('question')
      .setDescription('What you want to know, e.g. "Who led Ukraine\'s delegation?"')
      .setRequired(true)
      .setMaxLength(MAX_QUESTION_LENGTH)
      .setAutocomplete(true),
  )
  .addBooleanOption((option) =>
    option.setName('private').setDescription('Show the answer only to you'),
  )
  .toJSON();

export async function execute(
  interaction: ChatInputCommandInteraction,
  context: BotContext,
): Promise<void> {
  const question = interaction.options.getString('question', true);
  const refusal = refuseQuery(context, question, interaction.user.id);
  if (refusal) {
    await interaction.reply({ ...refusal, flags: MessageFlags.Ephemeral });
    return;
  }
  const isPrivate = interaction.options.getBoolean('private') ?? false;
  const page = runQuery(context, { mode: 'ask', query: question, article: null, offset: 0 }).then(
    ({ answer, page }) => {
      // Queued, not written: the reply does not wait for the insights store.
      const token = context.insights.recordAnswer({
        guildId: recordingGuild(interaction),
        userId: interaction.user.id,
        private: isPrivate,
        answer,
      });
      return withFeedback(page, token, context);
    },
  );
  await replyInTime(interaction, page, { ephemeral: isPrivate });
}

export async function autocomplete(
  interaction: AutocompleteInteraction,
  context: BotContext,
): Promise<void> {
  // Until the articles are loaded there is nothing to suggest, and Discord wants an answer at once.
  if (context.library.state.state !== 'ready') return interaction.respond([]);
  const typed = interaction.options.getFocused();
  await interaction.respond(await choicesInTime(questionChoices(context.library, typed)));
}
