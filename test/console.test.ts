/**
 * The console as the operator uses it: `/more` pages through what matched,
 * counts read as English, a command without words says what to type, the
 * operator's refresh has no cooldown, and log lines never land on the prompt.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newConsoleState, runConsoleCommand } from '../src/console/console.ts';
import { PromptGuard } from '../src/console/prompt-guard.ts';
import { PLAIN_STYLE, renderAnswer, renderSources } from '../src/console/render.ts';
import { Library } from '../src/library/library.ts';

let seedsDir: string;
let library: Library;

beforeAll(async () => {
  seedsDir = await mkdtemp(join(tmpdir(), 'talkbot-console-'));
  await cp('seeds', seedsDir, { recursive: true });
  library = await Library.open({ seedsDir });
});

afterAll(async () => {
  await rm(seedsDir, { recursive: true, force: true });
});

const QUESTION = 'Who led Ukraine’s delegation?';

/** The numbers in front of the passages of a console reply. */
function numbers(text: string): number[] {
  return [...text.matchAll(/^(\d+)\. /gm)].map((match) => Number(match[1]));
}

describe('console /more', () => {
  it('shows the next passages of the last question, numbered on, until none is left', async () => {
    const state = newConsoleState();
    const total = (await library.answer(QUESTION)).total;
    expect(total).toBeGreaterThan(3);
    const first = await runConsoleCommand(library, QUESTION, PLAIN_STYLE, undefined, state);
    expect(numbers(first)).toEqual([1, 2, 3]);
    const more = total - 3;
    const match = more === 1 ? 'passage matches' : 'passages match';
    expect(first).toContain(`(${more} more ${match}; type /more to see more)`);
    const seen = [first];
    let reply = await runConsoleCommand(library, '/more', PLAIN_STYLE, undefined, state);
    while (!reply.startsWith('No more')) {
      seen.push(reply);
      reply = await runConsoleCommand(library, '/more', PLAIN_STYLE, undefined, state);
    }
    expect(seen.flatMap(numbers)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(reply).toBe(`No more passages match “${QUESTION}”.`);
  });

  it('pages a search five passages at a time', async () => {
    const state = newConsoleState();
    await runConsoleCommand(library, '/search Istanbul talks', PLAIN_STYLE, undefined, state);
    const more = await runConsoleCommand(library, '/more', PLAIN_STYLE, undefined, state);
    expect(numbers(more)[0]).toBe(6);
  });

  it('says what to do when nothing was asked yet', async () => {
    expect(await runConsoleCommand(library, '/more')).toBe(
      'Nothing to show more of yet: ask a question or /search first.',
    );
  });
});

describe('console wording', () => {
  it('says what to type after a command without words', async () => {
    expect(await runConsoleCommand(library, '/search')).toBe(
      'Type the words to look up after /search, for example: /search prisoner exchange',
    );
    expect(await runConsoleCommand(library, '/ask   ')).toMatch(/^Type a question after \/ask/);
  });

  it('counts in the singular for one', async () => {
    const { total } = await library.answer(QUESTION);
    const answer = await library.answer(QUESTION, { limit: total - 1 });
    expect(renderAnswer(answer, PLAIN_STYLE)).toMatch(/\(1 more passage matches\)$/);
    const [source] = library.sources();
    expect(source).toBeDefined();
    if (!source) return;
    expect(renderSources([{ ...source, paragraphs: 1 }], library.loadedAt)).toContain(
      ', 1 paragraph [',
    );
  });

  it('refreshes for the operator without a cooldown', async () => {
    expect(await runConsoleCommand(library, '/refresh')).toMatch(
      /^Refreshed: 1 article, \d+ passages\./,
    );
    expect(await runConsoleCommand(library, '/refresh')).toMatch(/^Refreshed: 1 article/);
  });
});

describe('PromptGuard', () => {
  /** A terminal-like stdout that records what is drawn on it. */
  function fakeTerminal() {
    const output = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
    let drawn = '';
    output.on('data', (chunk) => {
      drawn += String(chunk);
    });
    const input = new PassThrough();
    const terminal = createInterface({ input, output, prompt: 'ask> ', terminal: true });
    return { output, terminal, drawn: () => drawn };
  }

  it('writes a log line above a waiting prompt and draws the prompt again with what was typed', () => {
    const { output, terminal, drawn } = fakeTerminal();
    const logged: string[] = [];
    const guard = new PromptGuard({
      write: (line) => logged.push(line),
      promptOutput: output as unknown as NodeJS.WriteStream,
    });
    guard.attach(terminal);
    terminal.prompt();
    terminal.write('who le');
    guard.setWaiting(true);
    const before = drawn().length;
    guard.write('WARN: snapshot could not be saved\n');
    const after = drawn().slice(before);
    expect(logged).toEqual(['WARN: snapshot could not be saved\n']);
    // Back to the line's start and cleared, then the prompt with the typed words again.
    expect(after.startsWith('\u001b[1G\u001b[2K') || after.startsWith('\r\u001b[2K')).toBe(true);
    expect(after).toContain('ask> who le');
    terminal.close();
  });

  it('prints a notice for the operator above the prompt too', () => {
    const { output, terminal, drawn } = fakeTerminal();
    const guard = new PromptGuard({
      write: () => {},
      promptOutput: output as unknown as NodeJS.WriteStream,
    });
    guard.attach(terminal);
    terminal.prompt();
    guard.setWaiting(true);
    const before = drawn().length;
    guard.print('(SIGHUP) Refreshed: 1 article, 28 passages.\n');
    const after = drawn().slice(before);
    expect(
      after.startsWith('\u001b[1G\u001b[2K(SIGHUP) Refreshed: 1 article, 28 passages.\n'),
    ).toBe(true);
    expect(after.slice(after.indexOf('\n'))).toContain('ask> ');
    terminal.close();
  });

  it('leaves the screen alone while a command runs', () => {
    const { output, terminal, drawn } = fakeTerminal();
    const guard = new PromptGuard({
      write: () => {},
      promptOutput: output as unknown as NodeJS.WriteStream,
    });
    guard.attach(terminal);
    guard.setWaiting(false);
    const before = drawn().length;
    guard.write('WARN: something\n');
    expect(drawn().slice(before)).toBe('');
    terminal.close();
  });
});
