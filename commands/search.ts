import {
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  MessageFlags,
  SlashCommandBuilder,
} from 'discord.js';
import { MAX_QUESTION_LENGTH } from '../src/answer/answer.ts';
import { Emoji } from '../src/discord/constants.ts';
import type { BotContext } from '../src/discord/context.ts';
import {
  choicesInTime,
  questionChoices,
  resolveSource,
  sourceChoices,
} from '../src/discord/options.ts';
import { loadingNotice, queryPage, refuseQuery, replyInTime } from '../src/discord/query.ts';
import { notice } from '../src/discord/render.ts';
import { escapeText, truncate } from '../src/discord/text.ts';

/** `/search query [source]`: passages matching keywords, optionally in one article. */
export const data = new SlashCommandBuilder()
  .setName('search')
  .setDescription('Find passages in the news articles by keywords')
  .addStringOption((option) =>
    option
      .setName('query')
      .setDescription('Keywords, e.g. "prisoners of war"')
      .setRequired(true)
      .setMaxLength(MAX_QUESTION_LENGTH)
      .setAutocomplete(true),
  )
  .addStringOption((option) =>
    option.setName('source').setDescription('Only search this article').setAutocomplete(true),
  )
  .toJSON();

export async function execute(
  interaction: ChatInputCommandInteraction,
  context: BotContext,
): Promise<void> {
  const query = interaction.options.getString('query', true);
  const sourceValue = interaction.options.getString('source');
  const loading = loadingNotice(context);
  if (loading) {
    await interaction.reply({ ...loading, flags: MessageFlags.Ephemeral });
    return;
  }
  const source = sourceValue === null ? null : await resolveSource(context.library, sourceValue);
  if (source === undefined) {
    const shown = escapeText(truncate(sourceValue ?? '', 100));
    await interaction.reply({
      ...notice(
        `${Emoji.warning} I don't know a source called “${shown}”. Pick one from the list while typing, or see /sources list.`,
      ),
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  const refusal = refuseQuery(context, query, interaction.user.id);
  if (refusal) {
    await interaction.reply({ ...refusal, flags: MessageFlags.Ephemeral });
    return;
  }
  const page = queryPage(context, {
    mode: 'search',
    query,
    article: source?.id ?? null,
    offset: 0,
  });
  await replyInTime(interaction, page, { ephemeral: false });
}

export async function autocomplete(
  interaction: AutocompleteInteraction,
  context: BotContext,
): Promise<void> {
  // Until the articles are loaded there is nothing to suggest, and Discord wants an answer at once.
  if (context.library.state.state !== 'ready') return interaction.respond([]);
  const focused = interaction.options.getFocused(true);
  const { library } = context;
  await interaction.respond(
    await choicesInTime(
      focused.name === 'source'
        ? sourceChoices(library, focused.value)
        : questionChoices(library, focused.value),
    ),
  );
}
