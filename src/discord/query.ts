/**
 * Running a question or search for a Discord user: the checks before it
 * (index loaded, valid text, rate limit), the core call with the page size of
 * its mode, and a reply that reaches Discord in time however long the answer takes.
 */
import { MessageFlags, type RepliableInteraction, TimestampStyles, time } from 'discord.js';
import { type Answer, validateQuestion } from '../answer/answer.ts';
import { cleanInput } from '../text/normalize.ts';
import { Emoji, PageSize } from './constants.ts';
import type { BotContext } from './context.ts';
import { notice, type QueryRequest, type ReplyPayload, renderAnswer } from './render.ts';
import { escapeText } from './text.ts';

/** After this long without an answer, the reply is deferred, well within Discord's 3 s. */
const DEFER_AFTER_MS = 1500;

/**
 * A private notice while the articles are still loading (the bot connects
 * before its index is ready), or null once they serve.
 *
 * @example
 * const loading = loadingNotice(context);
 * if (loading) return interaction.reply({ ...loading, flags: MessageFlags.Ephemeral });
 */
export function loadingNotice(context: BotContext): ReplyPayload | null {
  const { state } = context.library;
  if (state.state === 'ready') return null;
  if (state.state === 'failed') {
    return notice(`${Emoji.error} I could not load the articles; an operator has to fix that.`);
  }
  const readyBy = state.readyBy && state.readyBy.getTime() > Date.now() ? state.readyBy : null;
  const text = readyBy
    ? `they should be ready ${time(readyBy, TimestampStyles.RelativeTime)}); please ask again then.`
    : `started ${time(state.since, TimestampStyles.RelativeTime)}); please ask again in a moment.`;
  return notice(`${Emoji.wait} I'm still loading the articles (${text}`);
}

/**
 * Why a query cannot run now, as a message for the asker, or null when it can.
 * The index must be loaded; the text is checked before the rate limit so a
 * typo does not use up the asker's quota.
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
  const loading = loadingNotice(context);
  if (loading) return loading;
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
 * await interaction.reply(await queryPage(context, { mode: 'ask', query, article: null, offset: 0 }));
 */
export async function queryPage(context: BotContext, asked: QueryRequest): Promise<ReplyPayload> {
  return (await runQuery(context, asked)).page;
}

/**
 * {@link queryPage} with the core's answer beside the page, for callers that
 * record what was answered.
 *
 * @example
 * const { answer, page } = await runQuery(context, { mode: 'ask', query, article: null, offset: 0 });
 */
export async function runQuery(
  context: BotContext,
  asked: QueryRequest,
): Promise<{ answer: Answer; page: ReplyPayload }> {
  // Buttons carry the query on, so carry it without characters the core would drop anyway.
  const request = { ...asked, query: cleanInput(asked.query) };
  const options = {
    limit: PageSize[request.mode],
    offset: request.offset,
    ...(request.article ? { article: request.article } : {}),
  };
  const answer =
    request.mode === 'ask'
      ? await context.library.answer(request.query, options)
      : await context.library.search(request.query, options);
  if (answer.answered && answer.results.length === 0) {
    return { answer, page: notice(`${Emoji.miss} There are no more results for that.`) };
  }
  return { answer, page: renderAnswer(answer, request, context) };
}

/** How to answer an interaction at once, or defer and answer later. */
export interface Responder {
  now(payload: ReplyPayload): Promise<unknown>;
  defer(): Promise<unknown>;
  later(payload: ReplyPayload): Promise<unknown>;
}

/**
 * Answers with a page that is still being computed: at once when it comes
 * quickly, else after deferring (Discord fails an interaction not answered
 * within 3 s; an answer worker may be loading a new index). What `page`
 * throws propagates, for the router's apology.
 *
 * @example
 * await respondInTime(queryPage(context, request), {
 *   now: (payload) => interaction.update(payload),
 *   defer: () => interaction.deferUpdate(),
 *   later: (payload) => interaction.editReply(payload),
 * });
 */
export async function respondInTime(
  page: Promise<ReplyPayload>,
  respond: Responder,
): Promise<void> {
  // Awaited below; this only keeps a failure after a failed deferral from going unhandled.
  page.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), DEFER_AFTER_MS);
  });
  try {
    const first = await Promise.race([page, late]);
    if (first !== 'late') {
      await respond.now(first);
      return;
    }
  } finally {
    clearTimeout(timer);
  }
  await respond.defer();
  await respond.later(await page);
}

/**
 * {@link respondInTime} for a reply, public or private.
 *
 * @example
 * await replyInTime(interaction, queryPage(context, request), { ephemeral: false });
 */
export function replyInTime(
  interaction: RepliableInteraction,
  page: Promise<ReplyPayload>,
  { ephemeral }: { ephemeral: boolean },
): Promise<void> {
  const flags = ephemeral ? { flags: MessageFlags.Ephemeral as const } : {};
  return respondInTime(page, {
    now: (payload) => interaction.reply({ ...payload, ...flags }),
    defer: () => interaction.deferReply(flags),
    later: (payload) => interaction.editReply(payload),
  });
}
