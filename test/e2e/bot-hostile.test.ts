/**
 * Hostile input through Discord: every entry of `HOSTILE_INPUTS` as an
 * `/ask` question, a `/search` query, a message for "Ask about this message",
 * and typed into autocomplete. Each must get exactly one clear reply, within
 * Discord's limits, that pings nobody.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choiceProblems, HOSTILE_INPUTS, messageProblems } from '../hostile-inputs.ts';
import { type BotHarness, freshUser, replyOf, shownText, startBotHarness } from './bot-harness.ts';
import { CallbackType } from './fake-discord.ts';

let harness: BotHarness;

beforeAll(async () => {
  harness = await startBotHarness();
});
afterAll(async () => {
  await harness?.close();
});

describe.each(HOSTILE_INPUTS)('$name', ({ text }) => {
  it('gets one clear, safe reply from /ask, /search and the message menu', async () => {
    const { fake } = harness;
    const handles = [
      fake.sendSlashCommand({ name: 'ask', options: { question: text }, user: freshUser() }),
      fake.sendSlashCommand({ name: 'search', options: { query: text }, user: freshUser() }),
      fake.sendMessageContextMenu({
        name: 'Ask about this message',
        targetMessage: { content: text },
        user: freshUser(),
      }),
    ];
    for (const handle of handles) {
      const reply = await replyOf(fake, handle);
      expect(reply.type).toBe(CallbackType.ChannelMessageWithSource);
      expect(shownText(reply.message).trim()).not.toBe('');
      expect(messageProblems(reply.sent)).toEqual([]);
      expect(fake.callbacksFor(handle)).toHaveLength(1);
    }
  });

  it('gets valid autocomplete choices', async () => {
    const { fake } = harness;
    const response = await fake.waitForResponse(
      fake.sendAutocomplete({ name: 'ask', options: { question: text }, user: freshUser() }),
    );
    expect(response.callback.type).toBe(CallbackType.ApplicationCommandAutocompleteResult);
    expect(choiceProblems(response.callback.data)).toEqual([]);
  });
});

describe('refusals', () => {
  it.each([
    ['empty', ''],
    ['whitespace', ' \t\n '],
    ['emoji only', '🇺🇦🤝🇷🇺'],
    ['5000 characters', 'x'.repeat(5000)],
  ])('refuses %s privately, saying why', async (_name, question) => {
    const reply = await replyOf(
      harness.fake,
      harness.fake.sendSlashCommand({ name: 'ask', options: { question }, user: freshUser() }),
    );
    expect(reply.ephemeral).toBe(true);
    expect(reply.message.content).toMatch(
      /^⚠️ (Please type a question|That has no words|That is 5000 characters)/,
    );
  });

  it('echoes markdown and @everyone as plain text, and drops user mentions from the question', async () => {
    const reply = await replyOf(
      harness.fake,
      harness.fake.sendSlashCommand({
        name: 'ask',
        options: { question: '**Who** led @everyone <@123456789012345678> the delegation?' },
        user: freshUser(),
      }),
    );
    const text = shownText(reply.message);
    // `<@id>` names nobody's words, so the core reads the question without it.
    expect(text).toContain('\\*\\*Who\\*\\* led @\u200beveryone the delegation?');
    expect(text).not.toMatch(/@everyone|<@\d/);
  });
});
