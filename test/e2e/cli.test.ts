import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ASK = ['--import', 'tsx', 'src/cli/ask.ts'];

/** Runs the JSON CLI as a real process, optionally feeding it standard input. */
function ask(args: string[], input?: string) {
  const child = run(process.execPath, [...ASK, ...args], {
    env: { ...process.env, SEEDS_DIR: 'seeds' },
  });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  return child;
}

describe('npm run ask -- --json', () => {
  it('prints one JSON object with the documented fields', async () => {
    const { stdout } = await ask(['--json', 'Who led Ukraine’s delegation?']);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] ?? '');
    expect(Object.keys(result)).toEqual(['question', 'answered', 'ms', 'results']);
    expect(result.answered).toBe(true);
    expect(result.ms).toBeGreaterThan(0);
    expect(Object.keys(result.results[0])).toEqual(['text', 'highlight', 'score', 'source']);
    expect(result.results[0].source).toEqual({
      article: '000_54ae5372d3de91ff',
      title: expect.any(String),
      publisher: 'Sky News',
      published: '2025-05-16',
      url: null,
      paragraph: 22,
    });
  });

  it('reads one question per line from stdin and answers each in order', async () => {
    const { stdout, stderr } = await ask(
      ['--json'],
      'How many POWs were swapped?\nWhat did China say?\n\n',
    );
    const results = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(results.map((r) => r.answered)).toEqual([true, false, false]);
    expect(results[1]).toMatchObject({
      code: 'unknown-name',
      reason: 'No article mentions China.',
      results: [],
    });
    expect(results[2].reason).toMatch(/type a question/);
    expect(stderr).toBe('');
  });

  it('answers bad input with a message, not a stack trace', async () => {
    // Arguments cannot carry null bytes, so those go through stdin.
    const { stdout } = await ask(['--json'], '**`@everyone`** .*+?\n\u0000\u0000\n😀😀\n');
    for (const line of stdout.trim().split('\n')) {
      const result = JSON.parse(line);
      expect(result.answered).toBe(false);
      expect(result.reason).not.toMatch(/at .+\.ts:\d+/);
    }
  });

  it('prints a readable answer without --json', async () => {
    const { stdout } = await ask(['prisoner swap']);
    expect(stdout).toMatch(/\*\*Both countries said.*\*\*/);
    expect(stdout).toContain('Sky News');
    expect(stdout).toContain('¶6');
  });
});
