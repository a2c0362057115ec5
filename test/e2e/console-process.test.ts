/**
 * `npm start` without a token, as the README's first command runs it: the
 * console prints its banner first, answers, refreshes, and writes no log
 * line of its own (it shows only warnings and errors).
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  killProcess,
  logLines,
  ROOT,
  type RunningProcess,
  runProcess,
  waitForOutput,
} from './process.ts';

let workDir: string;
const children: RunningProcess[] = [];

/** `npm start` in the work folder, ended in `afterAll` if a test leaves it running. */
function start(options: Omit<Parameters<typeof runProcess>[1], 'cwd'>): RunningProcess {
  const running = runProcess('src/main.ts', { cwd: workDir, ...options });
  children.push(running);
  return running;
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'talkbot-console-process-'));
  await cp(join(ROOT, 'seeds'), join(workDir, 'seeds'), { recursive: true });
});

afterAll(async () => {
  for (const running of children) killProcess(running);
  await rm(workDir, { recursive: true, force: true });
});

describe('npm start without a token', () => {
  it('opens the console: banner first, answers, refreshes, no log line', async () => {
    // The template's values, as a newcomer's .env before the token is filled in.
    await writeFile(join(workDir, '.env'), 'DISCORD_TOKEN=\nLOG_LEVEL=info\nSHARD_COUNT=\n');
    const console = start({
      input: 'Who led Ukraine’s delegation?\n/more\n/refresh\n/quit\n',
    });
    expect(await console.exited).toBe(0);
    const out = console.stdout();
    expect(out.startsWith('talkbot console: 1 article loaded.')).toBe(true);
    expect(out).toContain('1. **Ukraine’s delegation was led by defence minister Rustem Umerov.**');
    expect(out).toContain('type /more to see more');
    expect(out).toMatch(/^4\. /m);
    expect(out).toMatch(/^Refreshed: 1 article, \d+ passages\.$/m);
    expect(out).not.toContain('ask> ');
    expect(out).toMatch(/\(From another terminal, kill -HUP \d+ refreshes too\.\)/);
    expect(console.stderr()).toBe('');
  });

  it('warns of a file it skipped, naming it, and of nothing else', async () => {
    const seedsDir = join(workDir, 'seeds-with-a-bad-file');
    await cp(join(ROOT, 'seeds'), seedsDir, { recursive: true });
    await writeFile(join(seedsDir, 'scan.txt'), Buffer.from([0x25, 0x50, 0x44, 0x46, 0, 1]));
    const console = start({
      env: { SEEDS_DIR: seedsDir, SNAPSHOT_PATH: 'off' },
      input: '/quit\n',
    });
    expect(await console.exited).toBe(0);
    // The console shows warnings only: the routine "library open" line is not there.
    expect(logLines(console.stderr()).map((line) => [line.level, line.msg])).toEqual([
      [40, 'skipped 1 file in the articles folder: scan.txt: is a binary file, not text'],
    ]);
  });

  it('shows the result of a refresh asked for with SIGHUP, at the pid its banner gives', async () => {
    const console = start({
      env: { SNAPSHOT_PATH: 'off' },
      input: '',
      keepInputOpen: true,
    });
    await waitForOutput(console, (out) => /kill -HUP (\d+)/.test(out), 'the banner');
    const pid = Number(/kill -HUP (\d+)/.exec(console.stdout())?.[1]);
    process.kill(pid, 'SIGHUP');
    await waitForOutput(
      console,
      (out) => out.includes('(SIGHUP) Refreshed: 1 article'),
      'the refresh result',
    );
    console.child.stdin?.end('/quit\n');
    expect(await console.exited).toBe(0);
    expect(console.stderr()).toBe('');
  });
});
