/**
 * `/insights` as Discord messages: the report cut into pages that fit an
 * embed, with buttons to page through it; the `/insights clear` confirmation;
 * the acknowledgement of a 👍/👎 vote. Every question and passage shown back
 * is escaped and pings nobody.
 */
import { ButtonStyle } from 'discord.js';
import { citeParagraph } from '../answer/answer.ts';
import type { InsightsReport, InsightsStatus, VoteOutcome } from '../insights/insights.ts';
import type { VoteKind } from '../insights/store.ts';
import { Colors, Emoji, Limits } from './constants.ts';
import { button, notice, type RenderContext, type ReplyPayload, row } from './render.ts';
import { fitEscaped, truncate } from './text.ts';

/** Room for one page's entries, below the embed description's 4096. */
const PAGE_ROOM = 3800;
/** Longest question, reason and passage excerpt shown in an entry. */
const QUESTION_LENGTH = 200;
const REASON_LENGTH = 150;
const EXCERPT_LENGTH = 300;

/** Which page of which report. */
export interface InsightsView {
  days: number;
  /** Zero-based; a page past the end shows the last. */
  page: number;
}

/**
 * A page of the report, or why there is none.
 *
 * @example
 * await interaction.reply({ ...renderInsights(insights.report(guildId, 30), insights.status, { days: 30, page: 0 }, context), flags: MessageFlags.Ephemeral });
 */
export function renderInsights(
  report: InsightsReport | null,
  status: InsightsStatus,
  view: InsightsView,
  context: RenderContext,
): ReplyPayload {
  if (!report) return notice(unavailableText(status));
  const pages = paginate(reportBlocks(report));
  const page = Math.min(view.page, pages.length - 1);
  const buttons = [];
  if (page > 0) {
    buttons.push(
      button(
        '◀ Previous',
        context.customIds.encode({ kind: 'insights', days: view.days, page: page - 1 }),
        ButtonStyle.Secondary,
      ),
    );
  }
  if (page < pages.length - 1) {
    buttons.push(
      button(
        'Next ▶',
        context.customIds.encode({ kind: 'insights', days: view.days, page: page + 1 }),
        ButtonStyle.Secondary,
      ),
    );
  }
  return {
    embeds: [
      {
        title: `${Emoji.insights} Insights · last ${report.days} day${report.days === 1 ? '' : 's'}`,
        description: truncate(pages[page] ?? '', Limits.embedDescription),
        footer: { text: `Page ${page + 1} of ${pages.length}` },
        color: Colors.info,
      },
    ],
    components: buttons.length > 0 ? [row(buttons)] : [],
    allowedMentions: { parse: [] },
  };
}

/**
 * Asks a moderator to confirm deleting the server's records.
 *
 * @example
 * await interaction.reply({ ...renderClearConfirmation(context), flags: MessageFlags.Ephemeral });
 */
export function renderClearConfirmation(context: RenderContext): ReplyPayload {
  return {
    content: `${Emoji.warning} Delete every insights record of this server (questions, refusals and votes)? This cannot be undone. Dismiss this message to keep them.`,
    embeds: [],
    components: [
      row([
        button(
          'Delete the records',
          context.customIds.encode({ kind: 'clearInsights' }),
          ButtonStyle.Danger,
        ),
      ]),
    ],
    allowedMentions: { parse: [] },
  };
}

/**
 * What a confirmed clear did.
 *
 * @example
 * renderCleared(3, 'ok').content // => '✅ Deleted 3 recorded questions and their votes.'
 */
export function renderCleared(removed: number | null, status: InsightsStatus): ReplyPayload {
  if (removed === null) return notice(unavailableText(status));
  const questions = `${removed} recorded question${removed === 1 ? '' : 's'}`;
  return notice(`${Emoji.success} Deleted ${questions} and their votes.`);
}

/**
 * The private acknowledgement of a 👍/👎 click.
 *
 * @example
 * renderVote('counted', 'down').content // => '👎 Thanks — your vote is counted.'
 */
export function renderVote(outcome: VoteOutcome, vote: VoteKind): ReplyPayload {
  const icon = vote === 'up' ? Emoji.up : Emoji.down;
  const text: Record<VoteOutcome, string> = {
    counted: `${icon} Thanks — your vote is counted.`,
    changed: `${icon} Changed your vote to ${icon}.`,
    unchanged: `${icon} You already voted ${icon} on this answer; it is counted once.`,
    unknown: `${Emoji.wait} This answer is no longer in the records (they were cleared, or it is too old), so the vote was not counted.`,
    forged: `${Emoji.warning} I don't recognise this vote button, so nothing was counted; please vote on an answer I sent.`,
    'not-recorded': `${icon} Thanks! Answers in direct messages and private answers are not recorded, so this vote is not kept.`,
    unavailable: `${Emoji.wait} Thanks! Votes cannot be recorded right now, so this one was not kept.`,
  };
  return notice(text[outcome]);
}

/**
 * Why there is no report.
 *
 * @example
 * unavailableText('off') // => 'Insights are turned off (INSIGHTS_DB=off), so nothing is recorded.'
 */
export function unavailableText(status: InsightsStatus): string {
  return status === 'off'
    ? 'Insights are turned off (INSIGHTS_DB=off), so nothing is recorded.'
    : `${Emoji.warning} Insights storage is unavailable right now, so there is nothing to show. I keep answering questions; the bot's log says what went wrong.`;
}

/** The report as blocks of text, each kept whole on one page. */
function reportBlocks(report: InsightsReport): string[] {
  const { totals } = report;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const blocks = [
    `**Totals:** ${plural(totals.questions, 'question')} from ${plural(totals.members, 'member')} · ${totals.answered} answered · ${totals.refused} refused · ${totals.up} ${Emoji.up} · ${totals.down} ${Emoji.down}`,
  ];
  const refused = report.refused.map((group, i) => {
    const why = [group.code, group.reason].filter(Boolean).join(' · ');
    const times = `${plural(group.count, 'time')} by ${plural(group.members, 'member')}`;
    const line = `**${i + 1}.** “${fitEscaped(group.question, QUESTION_LENGTH)}” — ${times}`;
    return why ? `${line}\n  ${fitEscaped(why, REASON_LENGTH)}` : line;
  });
  blocks.push(
    ...withHeading(
      `**${Emoji.miss} Refused most often**`,
      refused,
      'No question was refused in this period.',
    ),
  );
  const downvoted = report.downvoted.map((answer, i) => {
    const line = `**${i + 1}.** “${fitEscaped(answer.question, QUESTION_LENGTH)}” — ${answer.down} ${Emoji.down} · ${answer.up} ${Emoji.up}`;
    const { citation } = answer;
    if (!citation) return `${line}\n  refused: ${fitEscaped(answer.reason ?? '', REASON_LENGTH)}`;
    const excerpt = fitEscaped(citation.excerpt, EXCERPT_LENGTH);
    return `${line}\n> ${excerpt}\n${Emoji.source} ${fitEscaped(citation.article, 100)} ${citeParagraph(citation)}`;
  });
  blocks.push(
    ...withHeading(
      `**${Emoji.down} Answers with the most ${Emoji.down}**`,
      downvoted,
      'No answer was voted down in this period.',
    ),
  );
  return blocks;
}

/** A section's heading joined to its first entry, so a heading never ends a page. */
function withHeading(heading: string, entries: string[], empty: string): string[] {
  const [first = empty, ...rest] = entries;
  return [`\n${heading}\n${first}`, ...rest];
}

/** Blocks packed into pages of at most {@link PAGE_ROOM} characters. */
function paginate(blocks: ReadonlyArray<string>): string[] {
  const pages: string[] = [];
  let current = '';
  for (const block of blocks) {
    if (current && [...current].length + 1 + [...block].length > PAGE_ROOM) {
      pages.push(current.trim());
      current = '';
    }
    current = current ? `${current}\n${block}` : block;
  }
  pages.push(current.trim());
  return pages;
}
