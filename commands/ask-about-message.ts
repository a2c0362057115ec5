import {
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  type MessageContextMenuCommandInteraction,
  MessageFlags,
} from 'discord.js';
import { MAX_QUESTION_LENGTH } from '../src/answer/answer.ts';
import { Emoji } from '../src/discord/constants.ts';
import type { BotContext } from '../src/discord/context.ts';
import { queryPage, refuseQuery, replyInTime } from '../src/discord/query.ts';
import { notice } from '../src/discord/render.ts';

/** "Ask about this message": answers using a message's text as the question. */
export const data = new ContextMenuCommandBuilder()
  .setName('Ask about this message')
  .setType(ApplicationCommandType.Message)
  .toJSON();

export async function execute(
  interaction: MessageContextMenuCommandInteraction,
  context: BotContext,
): Promise<void> {
  const text = interaction.targetMessage.content;
  if (text.trim() === '') {
    await interaction.reply({
      ...notice(`${Emoji.warning} That message has no text to ask about.`),
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  const question = firstWords(text, MAX_QUESTION_LENGTH);
  const refusal = refuseQuery(context, question, interaction.user.id);
  if (refusal) {
    await interaction.reply({ ...refusal, flags: MessageFlags.Ephemeral });
    return;
  }
  const page = queryPage(context, { mode: 'ask', query: question, article: null, offset: 0 });
  await replyInTime(interaction, page, { ephemeral: false });
}

/** A message longer than a question may be is asked about by its beginning, cut at a space. */
function firstWords(text: string, max: number): string {
  const points = [...text.trim()];
  if (points.length <= max) return text.trim();
  const cut = points.slice(0, max).join('');
  const space = cut.lastIndexOf(' ');
  return space > max / 2 ? cut.slice(0, space) : cut;
}
