/**
 * Insights end to end against the fake Discord: members ask and vote, a
 * moderator reads `/insights`, an ordinary member is refused, and the records
 * outlive a restart with the same database file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BotHarness,
  customIdsOf,
  EPHEMERAL,
  freshUser,
  MODERATOR_PERMISSIONS,
  replyOf,
  shownText,
  startBotHarness,
} from './bot-harness.ts';
import { CallbackType, type RawCommandOption } from './fake-discord.ts';

/** An ordinary member: may read and send messages, may not manage the server. */
const MEMBER_PERMISSIONS = (1n << 10n) | (1n << 11n);
const UNANSWERABLE = 'What did China say about the talks?';
const HOSTILE = 'What did **Beijing** @everyone <@123456789012345678> say?';

let dir: string;
let databasePath: string;
let harness: BotHarness;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'talkbot-insights-e2e-'));
  databasePath = join(dir, 'insights.sqlite');
  harness = await startBotHarness({ insightsPath: databasePath });
});

afterAll(async () => {
  await harness?.close();
  await rm(dir, { recursive: true, force: true });
});

function report(days?: number): RawCommandOption[] {
  const options = days === undefined ? [] : [{ name: 'days', type: 4, value: days }];
  return [{ name: 'report', type: 1, options }];
}

async function moderatorReport(target: BotHarness, days?: number) {
  return replyOf(
    target.fake,
    target.fake.sendSlashCommand({
      name: 'insights',
      options: report(days),
      user: freshUser(),
      permissions: MODERATOR_PERMISSIONS,
    }),
  );
}

describe('insights end to end', () => {
  let downvote = '';

  it('records two members asking the same unanswerable question', async () => {
    const { fake } = harness;
    for (const question of [UNANSWERABLE, 'what did china say']) {
      const miss = await replyOf(
        fake,
        fake.sendSlashCommand({ name: 'ask', options: { question }, user: freshUser() }),
      );
      // A refusal: no passage, so no "Show context".
      expect(customIdsOf(miss.message).some((id) => id.startsWith('ctx:'))).toBe(false);
      expect(customIdsOf(miss.message).filter((id) => id.startsWith('vote:'))).toHaveLength(2);
    }
  });

  it('puts 👍 and 👎 on every answer, public or private, and takes a vote privately', async () => {
    const { fake } = harness;
    const askHandle = fake.sendSlashCommand({
      name: 'ask',
      options: { question: 'Who led Ukraine’s delegation?' },
      user: freshUser(),
    });
    const asked = await replyOf(fake, askHandle);
    const ids = customIdsOf(asked.message);
    downvote = ids.find((id) => id.startsWith('vote:d:')) ?? '';
    expect(downvote).toMatch(/^vote:d:[\w-]{18}$/);
    expect(ids.some((id) => id.startsWith('vote:u:'))).toBe(true);

    const privately = await replyOf(
      fake,
      fake.sendSlashCommand({
        name: 'ask',
        options: { question: 'Who led Ukraine’s delegation?', private: true },
        user: freshUser(),
      }),
    );
    expect(privately.ephemeral).toBe(true);
    expect(customIdsOf(privately.message)).toContain('vote:d:');
    const inDm = await replyOf(
      fake,
      fake.sendSlashCommand({
        name: 'ask',
        options: { question: 'Who led Ukraine’s delegation?' },
        user: freshUser(),
        dm: true,
      }),
    );
    expect(customIdsOf(inDm.message)).toContain('vote:d:');

    // A late answer is deferred, then edited in: count the edits before the votes.
    const editsBefore = fake.webhooksFor(askHandle).length;
    const voter = freshUser();
    const click = () =>
      replyOf(
        fake,
        fake.sendButton({
          customId: downvote,
          user: voter,
          message: { components: asked.message.components as unknown[] },
        }),
      );
    const first = await click();
    expect(first.type).toBe(CallbackType.ChannelMessageWithSource);
    expect(first.ephemeral).toBe(true);
    expect(first.message.content).toContain('your vote is counted');
    const again = await click();
    expect(again.message.content).toContain('already voted 👎');
    // The answer itself was not edited: the clicks got new messages, and nothing edited the answer.
    expect(fake.webhooksFor(askHandle)).toHaveLength(editsBefore);
  });

  it('shows a moderator the refused questions as one entry, and the answer voted down', async () => {
    const reply = await moderatorReport(harness);
    expect(reply.ephemeral).toBe(true);
    const text = shownText(reply.message);
    expect(text).toMatch(
      /“(?:what did china say|What did China say about the talks\?)” — 2 times by 2 members/,
    );
    expect(text).toContain('“Who led Ukraine’s delegation?” — 1 👎 · 0 👍');
    expect(text).toContain('Ukraine’s delegation was led by defence minister Rustem Umerov.');
    expect(text).toContain(
      '**Totals:** 3 questions from 3 members · 1 answered · 2 refused · 0 👍 · 1 👎',
    );
  });

  it('refuses an ordinary member, and days out of range, changing nothing', async () => {
    const { fake } = harness;
    const member = await replyOf(
      fake,
      fake.sendSlashCommand({
        name: 'insights',
        options: report(),
        user: freshUser(),
        permissions: MEMBER_PERMISSIONS,
      }),
    );
    expect(member.ephemeral).toBe(true);
    expect(member.message.content).toBe('⚠️ /insights needs the Manage Server permission.');
    const clearByMember = await replyOf(
      fake,
      fake.sendButton({ customId: 'insclr:', user: freshUser(), permissions: MEMBER_PERMISSIONS }),
    );
    expect(clearByMember.message.content).toBe('⚠️ /insights needs the Manage Server permission.');
    const outOfRange = await moderatorReport(harness, 0);
    expect(outOfRange.message.content).toBe('⚠️ days must be a whole number from 1 to 365.');
    const page = await replyOf(
      fake,
      fake.sendButton({
        customId: 'ins:9999:0',
        user: freshUser(),
        permissions: MODERATOR_PERMISSIONS,
      }),
    );
    expect(page.message.content).toBe('⚠️ days must be a whole number from 1 to 365.');
    expect(shownText((await moderatorReport(harness)).message)).toContain('3 questions');
  });

  it('refuses a forged vote and counts nothing', async () => {
    const { fake } = harness;
    const forged = `${downvote.slice(0, 15)}AAAAAAAAAA`;
    const reply = await replyOf(fake, fake.sendButton({ customId: forged, user: freshUser() }));
    expect(reply.ephemeral).toBe(true);
    expect(reply.message.content).toContain("I don't recognise this vote button");
    const junk = await replyOf(
      fake,
      fake.sendButton({ customId: 'vote:d:@everyone', user: freshUser() }),
    );
    expect(junk.message.content).toMatch(/don't recognise this button/);
    expect(shownText((await moderatorReport(harness)).message)).toContain('1 👎');
  });

  it('shows a hostile question escaped, pinging nobody', async () => {
    const { fake } = harness;
    await replyOf(
      fake,
      fake.sendSlashCommand({ name: 'ask', options: { question: HOSTILE }, user: freshUser() }),
    );
    const reply = await moderatorReport(harness);
    const text = shownText(reply.message);
    expect(text).not.toContain('@everyone');
    expect(text).not.toContain('<@123456789012345678>');
    expect(text).toContain('@\u200beveryone');
    expect(text).toContain('\\*\\*');
    expect(reply.sent.allowed_mentions).toEqual({ parse: [] });
  });

  it('still lists them after a restart with the same database, and the old buttons still work', async () => {
    await harness.close();
    harness = await startBotHarness({ insightsPath: databasePath });
    const text = shownText((await moderatorReport(harness)).message);
    expect(text).toMatch(/— 2 times by 2 members/);
    expect(text).toContain('“Who led Ukraine’s delegation?” — 1 👎 · 0 👍');
    const vote = await replyOf(
      harness.fake,
      harness.fake.sendButton({ customId: downvote, user: freshUser() }),
    );
    expect(vote.message.content).toContain('your vote is counted');
  });

  it('clears the server after a confirmation; a vote on a cleared answer counts nothing', async () => {
    const { fake } = harness;
    const asked = await replyOf(
      fake,
      fake.sendSlashCommand({
        name: 'insights',
        options: [{ name: 'clear', type: 1 }],
        user: freshUser(),
        permissions: MODERATOR_PERMISSIONS,
      }),
    );
    expect(asked.ephemeral).toBe(true);
    expect(customIdsOf(asked.message)).toEqual(['insclr:']);
    expect(shownText((await moderatorReport(harness)).message)).toContain('4 questions');
    const confirmed = await replyOf(
      fake,
      fake.sendButton({
        customId: 'insclr:',
        user: freshUser(),
        permissions: MODERATOR_PERMISSIONS,
        message: { flags: EPHEMERAL } as never,
      }),
    );
    expect(confirmed.type).toBe(CallbackType.UpdateMessage);
    expect(confirmed.message.content).toBe('✅ Deleted 4 recorded questions and their votes.');
    const late = await replyOf(fake, fake.sendButton({ customId: downvote, user: freshUser() }));
    expect(late.message.content).toContain('no longer in the records');
    expect(shownText((await moderatorReport(harness)).message)).toContain('0 questions');
  });
});

describe('insights storage faults end to end', () => {
  it('keeps answering with one warning when the database cannot be opened, and /insights says so', async () => {
    const blocked = await mkdtemp(join(tmpdir(), 'talkbot-insights-blocked-'));
    await writeFile(join(blocked, 'not-a-folder'), 'a file where the folder should be');
    const broken = await startBotHarness({
      insightsPath: join(blocked, 'not-a-folder', 'insights.sqlite'),
    });
    try {
      const { fake } = broken;
      for (const question of ['Who led Ukraine’s delegation?', UNANSWERABLE]) {
        const reply = await replyOf(
          fake,
          fake.sendSlashCommand({ name: 'ask', options: { question }, user: freshUser() }),
        );
        expect(reply.type).toBe(CallbackType.ChannelMessageWithSource);
        expect(shownText(reply.message)).not.toContain('Something went wrong');
      }
      const answer = await replyOf(
        fake,
        fake.sendSlashCommand({
          name: 'ask',
          options: { question: 'Who led Ukraine’s delegation?' },
          user: freshUser(),
        }),
      );
      const vote = customIdsOf(answer.message).find((id) => id.startsWith('vote:d:')) ?? '';
      expect(vote).toBe('vote:d:');
      const click = await replyOf(fake, fake.sendButton({ customId: vote, user: freshUser() }));
      expect(click.ephemeral).toBe(true);
      expect(click.message.content).toContain('Votes cannot be recorded right now');
      const reportReply = await moderatorReport(broken);
      expect(reportReply.message.content).toContain('Insights storage is unavailable');
      const warnings = broken
        .logs()
        .filter((line) => String(line.msg).startsWith('insights storage'));
      expect(warnings).toHaveLength(1);
    } finally {
      await broken.close();
      await rm(blocked, { recursive: true, force: true });
    }
  });
});
