/**
 * Runs one of talkbot's entry points as a real process, the way a person
 * does: `node --import tsx <script>` in a folder of the test's choosing, with only the
 * variables given (and PATH, HOME), so no developer's `.env` or environment
 * leaks in.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Json } from './fake-discord.ts';

/** The repository's root. */
export const ROOT = resolve(import.meta.dirname, '../..');
const WAIT_TIMEOUT_MS = 45_000;
/** tsx's loader by URL: the tests' folders have no node_modules to resolve `tsx` from. */
const TSX_LOADER = import.meta.resolve('tsx');

/**
 * The arguments of `node` that run one of the project's scripts as `npm start` does:
 * `node --import tsx <script>`. The script is the node process itself, so a signal
 * reaches its handlers directly (the `tsx` command relays it, and kills a child that
 * does not confirm it within 60 ms, as a busy one may not).
 *
 * @example
 * spawn(process.execPath, nodeArgs('src/main.ts'), { cwd: workDir });
 */
export function nodeArgs(script: string, ...args: string[]): string[] {
  return ['--import', TSX_LOADER, join(ROOT, script), ...args];
}

/** A process started by {@link runProcess}. */
export interface RunningProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

/**
 * Starts `node --import tsx <script>` (the project's own tsx, as `npm start` runs it),
 * with `input` on its standard input when given (then closed, unless
 * `keepInputOpen`: the test writes more to `child.stdin`).
 *
 * @example
 * const bot = runProcess('src/main.ts', { cwd: workDir, env: { SNAPSHOT_PATH: 'off' } });
 * expect(await bot.exited).toBe(0);
 */
export function runProcess(
  script: string,
  options: { cwd: string; env?: Record<string, string>; input?: string; keepInputOpen?: boolean },
): RunningProcess {
  const child = spawn(process.execPath, nodeArgs(script), {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    // A process group of its own, so that {@link killProcess} ends the processes it starts too (shards).
    detached: true,
  });
  return tracked(child, options);
}

/**
 * Runs `npm run <name>` as an operator does, the repository's own script: the
 * work folder gets its package.json and links to what the script reads (src/,
 * commands/, node_modules/, tsconfig.json), so no developer's `.env` is read.
 * A signal to the returned process goes to npm, as a service manager's does.
 *
 * @example
 * const bot = await runNpmScript('start', { cwd: workDir, env: { SNAPSHOT_PATH: 'off' } });
 * bot.child.kill('SIGTERM');
 * expect(await bot.exited).toBe(0);
 */
export async function runNpmScript(
  name: string,
  options: { cwd: string; env?: Record<string, string> },
): Promise<RunningProcess> {
  await copyFile(join(ROOT, 'package.json'), join(options.cwd, 'package.json'));
  for (const entry of ['src', 'commands', 'node_modules', 'tsconfig.json']) {
    await symlink(join(ROOT, entry), join(options.cwd, entry));
  }
  const child = spawn('npm', ['run', '--silent', name], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      // No registry: npm must not look for a newer version of itself.
      npm_config_update_notifier: 'false',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return tracked(child, {});
}

/** Collects a process's output and writes `input` to it (see {@link runProcess}). */
function tracked(
  child: ChildProcess,
  options: { input?: string; keepInputOpen?: boolean },
): RunningProcess {
  // Typed lines, as a person would pipe them in; the end of input ends the console.
  if (options.input !== undefined) {
    if (options.keepInputOpen) child.stdin?.write(options.input);
    else child.stdin?.end(options.input);
  }
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

/**
 * Ends a process that is still running, and everything it started (the
 * sharding manager's shards, which a kill of the manager alone would leave
 * running).
 *
 * @example
 * afterAll(() => children.forEach(killProcess));
 */
export function killProcess(running: RunningProcess): void {
  // The group, even when its first process has exited: npm's script may outlive npm.
  const { pid } = running.child;
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

/** The JSON log lines of a process's stderr (other lines skipped). */
export function logLines(stderr: string): Json[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Json);
}

/**
 * Resolves once `check` holds of the lines logged so far, looking again at
 * each chunk the process writes; rejects naming `what` when the process exits
 * first, or after 45 s (before the test's own time-out, so this message shows).
 */
export function waitForLog(
  running: RunningProcess,
  check: (lines: Json[]) => boolean,
  what: string,
): Promise<void> {
  return waitForStream(running, 'stderr', () => check(logLines(running.stderr())), what);
}

/**
 * Resolves once `check` holds of what the process wrote to its standard output so far, looking
 * again at each chunk it writes; rejects as {@link waitForLog} does.
 *
 * @example
 * await waitForOutput(console, (out) => out.includes('Refreshed'), 'the refresh result');
 */
export function waitForOutput(
  running: RunningProcess,
  check: (stdout: string) => boolean,
  what: string,
): Promise<void> {
  return waitForStream(running, 'stdout', () => check(running.stdout()), what);
}

function waitForStream(
  running: RunningProcess,
  stream: 'stdout' | 'stderr',
  holds: () => boolean,
  what: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      clearTimeout(giveUp);
      running.child[stream]?.off('data', onData);
      running.child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    const onData = () => {
      if (holds()) settle();
    };
    const onExit = (code: number | null) => {
      if (holds()) return settle();
      settle(new Error(`The process exited (${code}) before ${what}:\n${running.stderr()}`));
    };
    const giveUp = setTimeout(
      () => settle(new Error(`Timed out waiting for ${what}`)),
      WAIT_TIMEOUT_MS,
    );
    running.child[stream]?.on('data', onData);
    running.child.once('exit', onExit);
    if (holds()) settle();
    else if (running.child.exitCode !== null) onExit(running.child.exitCode);
  });
}
