/**
 * Running a question or search for a Discord user: the checks before it
 * (valid text, rate limit) and the core call with the page size of its mode.
 */
import { TimestampStyles, time } from 'discord.js';
import { type Answer, validateQuestion } from '../answer/answer.ts';
import { cleanInput } from '../text/normalize.ts';
import { Emoji, PageSize } from './constants.ts';
import type { BotContext } from './context.ts';
import { notice, type QueryRequest, type ReplyPayload, renderAnswer } from './render.ts';
import { escapeText } from './text.ts';

/**
 * Why a query cannot run now, as a message for the asker, or null when it can.
 * The text is checked first so a typo does not use up the asker's quota.
 *
 * @example
 * const refusal = refuseQuery(context, question, interaction.user.id);
 * if (refusal) return interaction.reply({ ...refusal, flags: MessageFlags.Ephemeral });
 */
export function refuseQuery(
  context: BotContext,
  query: string,
  userId: string,
): ReplyPayload | null {
  const invalid = validateQuestion(query);
  if (invalid)
    return notice(`${Emoji.warning} ${escapeText(invalid.reason ?? 'Please ask a question.')}`);
  const decision = context.rateLimiter.take(userId);
  if (!decision.allowed) {
    const retry = time(new Date(decision.retryAt), TimestampStyles.RelativeTime);
    return notice(`${Emoji.wait} You're asking quickly — try again ${retry}.`);
  }
  return null;
}

/**
 * One page of results for a query, rendered.
 *
 * @example
 * await interaction.reply(queryPage(context, { mode: 'ask', query, article: null, offset: 0 }));
 */
export function queryPage(context: BotContext, asked: QueryRequest): ReplyPayload {
  return runQuery(context, asked).page;
}

/**
 * {@link queryPage} with the core's answer beside the page, for callers that
 * record what was answered.
 *
 * @example
 * const { answer, page } = runQuery(context, { mode: 'ask', query, article: null, offset: 0 });
 */
export function runQuery(
  context: BotContext,
  asked: QueryRequest,
): { answer: Answer; page: ReplyPayload } {
  // Buttons carry the query on, so carry it without characters the core would drop anyway.
  const request = { ...asked, query: cleanInput(asked.query) };
  const options = {
    limit: PageSize[request.mode],
    offset: request.offset,
    ...(request.article ? { article: request.article } : {}),
  };
  const answer =
    request.mode === 'ask'
      ? context.library.answer(request.query, options)
      : context.library.search(request.query, options);
  if (answer.answered && answer.results.length === 0) {
    return { answer, page: notice(`${Emoji.miss} There are no more results for that.`) };
  }
  return { answer, page: renderAnswer(answer, request, context) };
}
