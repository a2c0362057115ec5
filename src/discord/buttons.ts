/**
 * Button clicks. Who may click: anyone who sees the button. What a click
 * shows goes only to the clicker (an ephemeral message), so nobody can change
 * a message someone else asked for, and paging through an answer does not
 * flood the channel. A click on a button of an ephemeral message, which only
 * its owner can see, updates that message in place instead.
 */
import { type ButtonInteraction, MessageFlags } from 'discord.js';
import { Emoji } from './constants.ts';
import type { BotContext } from './context.ts';
import { handleInsightsButton } from './insights-buttons.ts';
import { loadingNotice, queryPage, replyInTime, respondInTime } from './query.ts';
import { notice, type ReplyPayload, renderContext } from './render.ts';

/**
 * Handles a click on one of the bot's buttons (see `custom-id.ts` for what
 * each id means).
 *
 * @example
 * if (interaction.isButton()) await handleButton(interaction, context);
 */
export async function handleButton(
  interaction: ButtonInteraction,
  context: BotContext,
): Promise<void> {
  const decoded = context.customIds.decode(interaction.customId);
  if (decoded.status !== 'ok') {
    const text =
      decoded.status === 'expired'
        ? `${Emoji.wait} This button expired — please ask again with /ask or /search.`
        : `${Emoji.warning} I don't recognise this button; please ask again with /ask or /search.`;
    await interaction.reply({ ...notice(text), flags: MessageFlags.Ephemeral });
    return;
  }
  const { action } = decoded;
  if (action.kind === 'vote' || action.kind === 'insights' || action.kind === 'clearInsights') {
    await handleInsightsButton(interaction, action, context);
    return;
  }
  const loading = loadingNotice(context);
  if (loading) {
    await interaction.reply({ ...loading, flags: MessageFlags.Ephemeral });
    return;
  }
  if (action.kind === 'context') {
    const article = await context.library.article(action.article);
    const payload =
      (article && renderContext(article, action.paragraph)) ??
      notice(
        `${Emoji.wait} That passage is no longer in the articles (they were refreshed); please ask again.`,
      );
    await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
    return;
  }
  const page = queryPage(context, {
    mode: action.mode,
    query: action.query,
    article: action.article,
    offset: action.kind === 'more' ? action.offset : 0,
  });
  await deliver(interaction, page);
}

function deliver(interaction: ButtonInteraction, page: Promise<ReplyPayload>): Promise<void> {
  if (interaction.message.flags.has(MessageFlags.Ephemeral)) {
    return respondInTime(page, {
      now: (payload) => interaction.update(payload),
      defer: () => interaction.deferUpdate(),
      later: (payload) => interaction.editReply(payload),
    });
  }
  return replyInTime(interaction, page, { ephemeral: true });
}
