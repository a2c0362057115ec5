/**
 * What `npm start` runs once `src/main.ts` has found its configuration valid:
 * with DISCORD_TOKEN set, the Discord bot; without it, the console, to ask
 * questions locally. The bot connects at once and loads its
 * index in worker threads meanwhile (questions asked until then are told it is
 * loading); the console loads first, then answers on its own thread. Exit
 * codes: 0 stopped cleanly, 1 could not start (one sentence on stderr says
 * why), 2 configuration error.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { commands } from '../commands/index.ts';
import type { Config, LogLevel } from './config.ts';
import { PromptGuard } from './console/prompt-guard.ts';
import { renderRefresh } from './console/render.ts';
import { startBot } from './discord/client.ts';
import { connectWithRetry, discordHost, StartupError } from './discord/startup.ts';
import { Insights } from './insights/insights.ts';
import type { LibraryEvent } from './library/audit.ts';
import { Library, type LibraryOptions } from './library/library.ts';
import { reloadOnSignal, watchSeeds } from './library/triggers.ts';
import { chooseLogFormat, createLogger, describeError, type Logger } from './log.ts';
import { WorkerEngine } from './workers/worker-engine.ts';

/** How long shutdown waits for a running refresh to finish writing. */
const SHUTDOWN_REFRESH_WAIT_MS = 5000;

/**
 * Runs the bot (with a token) or the console (without), as `config` says.
 *
 * @example
 * await start(loadConfigOrExit());
 */
export async function start(config: Config): Promise<void> {
  // The console shows the operator only warnings and errors, and never over the prompt.
  const consoleMode = !config.discordToken;
  const guard = new PromptGuard();
  const logger = createLogger({
    level: consoleMode ? atLeastWarn(config.logLevel) : config.logLevel,
    format: chooseLogFormat(config.logFormat),
    colorize: process.stderr.isTTY === true,
    secrets: [config.discordToken],
    // The console's reader wants the sentence; the audit record is for log collectors.
    ...(consoleMode ? { destination: guard, hide: ['audit'] } : {}),
  });
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: describeError(reason) }, 'unhandled promise rejection');
  });
  const audit = (event: LibraryEvent) => {
    const problem = problemOf(event);
    if (problem) {
      logger.warn({ audit: event }, problem);
      return;
    }
    logger.info({ audit: event }, `library ${event.event}`);
    // Said apart from the routine line, which tests and log searches wait for as it is.
    if (event.event === 'open' && event.problems.length > 0) {
      const files = event.problems.map((file) => `${file.file}: ${file.reason}`);
      const count = files.length === 1 ? '1 file' : `${files.length} files`;
      logger.warn(`skipped ${count} in the articles folder: ${files.join('; ')}`);
    }
  };

  if (config.sourceFetch.allowLoopback) {
    logger.warn('ALLOW_LOOPBACK_SOURCES is on: article URLs on this machine can be fetched');
  }

  const options: LibraryOptions = {
    seedsDir: config.seedsDir,
    ...(config.snapshotPath ? { snapshotPath: config.snapshotPath } : {}),
    sourceFetch: config.sourceFetch,
    log: audit,
  };
  const couldNotLoad = (error: unknown): never =>
    exitWith(`Could not load the articles: ${(error as Error).message}`);
  const insights = Insights.open({
    path: config.insightsPath,
    retentionDays: config.insightsRetentionDays,
    logger,
  });

  if (!config.discordToken) {
    // A refresh the operator asked for outside the console (SIGHUP, a file change) says what it did there too.
    const log = (event: LibraryEvent) => {
      audit(event);
      if (event.event === 'refresh' && event.requestedBy !== 'console') {
        guard.print(`(${event.requestedBy ?? 'refresh'}) ${renderRefresh(event)}\n`);
      }
    };
    const library = await Library.open({ ...options, log }).catch(couldNotLoad);
    followFiles(config, library, log);
    const { runConsole } = await import('./console/console.ts');
    await runConsole(library, { insights, guard });
    insights.close();
    return;
  }
  // The index is loaded, built and asked in worker threads, so this thread is free to talk to Discord.
  const engine = new WorkerEngine({ answerWorkers: config.answerWorkers });
  const library = Library.start({ ...options, engine });
  library.ready.catch(couldNotLoad);
  followFiles(config, library, audit);
  // npm does not pass SIGHUP on to this process: say which one to signal.
  logger.info({ pid: process.pid }, `kill -HUP ${process.pid} refreshes the articles`);
  await runBot(config, config.discordToken, library, logger, insights);
}

/** Refreshes on SIGHUP, and on file changes when `WATCH_SEEDS` is on. */
function followFiles(config: Config, library: Library, audit: (event: LibraryEvent) => void) {
  reloadOnSignal(library, 'SIGHUP', audit);
  if (config.watchSeeds) watchSeeds(library, { log: audit });
}

async function runBot(
  config: Config,
  token: string,
  library: Library,
  logger: Logger,
  insights: Insights,
) {
  let bot: Awaited<ReturnType<typeof startBot>>;
  try {
    bot = await connectWithRetry(
      () =>
        startBot({
          token,
          restApi: config.discordRestApi,
          loginTimeoutMs: config.loginTimeoutMs,
          library,
          logger,
          commands,
          rateLimit: config.rateLimit,
          ownerIds: config.ownerIds,
          refreshCooldownMs: config.refreshCooldownMs,
          insights,
        }),
      {
        host: discordHost(config.discordRestApi),
        attempts: config.connectAttempts,
        onRetry: ({ attempt, attempts, waitMs, reason }) =>
          logger.warn(
            { attempt, attempts, waitMs },
            `could not reach Discord (${reason}); trying again in ${waitMs / 1000} s`,
          ),
      },
    );
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    exitWith(error.message);
  }
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await bot.stop();
      insights.close();
      await Promise.race([
        library.idle(),
        delay(SHUTDOWN_REFRESH_WAIT_MS, undefined, { ref: false }),
      ]);
      await library.close();
      process.exit(0);
    } catch (error) {
      logger.error({ err: describeError(error) }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', (signal) => void stop(signal));
  process.on('SIGTERM', (signal) => void stop(signal));
}

/**
 * The sentence for an audit event that reports a problem, which the operator
 * should see even in the console (it shows only warnings); null for the others.
 */
function problemOf(event: LibraryEvent): string | null {
  switch (event.event) {
    case 'snapshot-error':
      return event.action === 'load'
        ? `could not load the index snapshot ${event.path} (${event.error}); the index is built instead`
        : `could not save the index snapshot ${event.path} (${event.error}); the next start builds the index again`;
    case 'watch-error':
      return `watching ${event.seedsDir} for changes failed (${event.error}); use /refresh when files change`;
    default:
      return null;
  }
}

/** Ends a start that cannot go on, with one sentence for the person starting it. */
function exitWith(sentence: string): never {
  process.stderr.write(`${sentence}\n`);
  process.exit(1);
}

/** The console's log level: the configured one, but never chattier than warnings. */
function atLeastWarn(level: LogLevel): LogLevel {
  return ['fatal', 'error', 'silent'].includes(level) ? level : 'warn';
}
