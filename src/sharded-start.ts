/**
 * What `npm run start:sharded` runs once `src/sharded.ts` has found its
 * configuration valid: the ShardingManager and the snapshot it builds first.
 */
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type Shard, ShardingManager } from 'discord.js';
import { planShards, relaySnapshotNotices, type ShardPlan } from './discord/sharding.ts';
import { connectWithRetry, discordHost, StartupError } from './discord/startup.ts';
import type { LibraryEvent } from './library/audit.ts';
import { Library } from './library/library.ts';
import { chooseLogFormat, createLogger, describeError, type Logger } from './log.ts';
import type { ShardedConfig } from './sharded.ts';

const SHARD_ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));
/** Time a shard may take to load the snapshot and connect; discord.js's 30 s default is short for a large index. */
const SHARD_READY_TIMEOUT_MS = 120_000;
/** Time a shard may take to stop (it waits up to 5 s for a running refresh) before it is killed. */
const SHARD_STOP_TIMEOUT_MS = 10_000;

/**
 * Builds the index once, then runs and watches the shards, as `config` says.
 *
 * @example
 * await startSharded(loadConfigOrExit(requireShardedConfig));
 */
export async function startSharded(config: ShardedConfig): Promise<void> {
  const logger = createLogger({
    level: config.logLevel,
    format: chooseLogFormat(config.logFormat),
    secrets: [config.discordToken],
  });
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: describeError(reason) }, 'unhandled promise rejection');
  });

  let plan: ShardPlan;
  try {
    await prepareSnapshot(config, logger);
  } catch (error) {
    exitWith(`Could not load the articles: ${(error as Error).message}`);
  }
  try {
    plan = await connectWithRetry(
      () =>
        planShards({
          token: config.discordToken,
          restApi: config.discordRestApi,
          ...(config.shardCount ? { shardCount: config.shardCount } : {}),
        }),
      {
        host: discordHost(config.discordRestApi),
        attempts: config.connectAttempts,
        onRetry: ({ waitMs, reason }) =>
          logger.warn(`could not reach Discord (${reason}); trying again in ${waitMs / 1000} s`),
      },
    );
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    exitWith(error.message);
  }
  logger.info({ plan }, 'starting shards');
  if (plan.remainingSessions < plan.shards) {
    logger.warn(
      { remainingSessions: plan.remainingSessions, shards: plan.shards },
      'Discord allows fewer session starts today than there are shards; some will wait',
    );
  }

  const manager = new ShardingManager(SHARD_ENTRY, {
    totalShards: plan.shards,
    token: config.discordToken,
    // The shards run like this process: the same TypeScript loader (tsx) and Node flags, such as a heap limit.
    execArgv: process.execArgv,
  });
  relaySnapshotNotices(manager, logger);
  let stopping = false;
  manager.on('shardCreate', (shard: Shard) => {
    shard.on('ready', () => logger.info({ shard: shard.id }, 'shard ready'));
    shard.on('death', (child) => {
      if (stopping) return;
      const code = 'exitCode' in child ? child.exitCode : null;
      logger.warn({ shard: shard.id, code }, 'shard exited; restarting it');
    });
    shard.on('error', (error: unknown) => {
      logger.error({ shard: shard.id, err: describeError(error) }, 'shard could not restart');
    });
  });

  const stop = async (signal: NodeJS.Signals | null) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    manager.respawn = false;
    const clean = await Promise.all([...manager.shards.values()].map(stopShard));
    logger.info({ clean: clean.every(Boolean) }, 'stopped');
    process.exit(signal && clean.every(Boolean) ? 0 : 1);
  };
  process.on('SIGINT', (signal) => void stop(signal));
  process.on('SIGTERM', (signal) => void stop(signal));
  // npm does not pass SIGHUP on to this process: say which one to signal.
  logger.info({ pid: process.pid }, `kill -HUP ${process.pid} makes the shards refresh`);
  process.on('SIGHUP', () => {
    // One shard refreshes; the snapshot it saves then reaches the others.
    const shard = [...manager.shards.values()].find((s) => s.process);
    logger.info({ shard: shard?.id ?? null }, 'SIGHUP: asking a shard to refresh');
    shard?.process?.kill('SIGHUP');
  });

  try {
    await manager.spawn({
      amount: plan.shards,
      delay: plan.spawnDelayMs,
      timeout: SHARD_READY_TIMEOUT_MS,
    });
    logger.info({ shards: plan.shards }, 'all shards ready');
  } catch (error) {
    // A shard stopped by a signal while starting is not a failure to start.
    if (stopping) return;
    logger.fatal({ err: describeError(error) }, 'a shard did not start');
    await stop(null);
  }
}

/**
 * Builds the index and saves the snapshot, or checks that the saved one
 * matches the files, then lets the index go: the shards hold it, not this
 * process.
 *
 * @throws when no article loads, or the snapshot cannot be saved (each shard would build its own).
 */
async function prepareSnapshot(config: ShardedConfig, logger: Logger): Promise<void> {
  const saveErrors: string[] = [];
  await Library.open({
    seedsDir: config.seedsDir,
    snapshotPath: config.snapshotPath,
    log: (event: LibraryEvent) => {
      if (event.event === 'snapshot-error') {
        logger.warn({ audit: event }, `library ${event.event}`);
        if (event.action === 'save') saveErrors.push(event.error);
      } else {
        logger.info({ audit: event }, `library ${event.event}`);
      }
    },
  });
  if (saveErrors.length > 0) {
    throw new Error(
      `The index snapshot could not be saved to ${config.snapshotPath} (${saveErrors.join('; ')}); the shards load it from there, so make that path writable or set SNAPSHOT_PATH.`,
    );
  }
}

/** Stops a shard as SIGTERM does, killing it if it takes too long; true when it exited 0. */
async function stopShard(shard: Shard): Promise<boolean> {
  const child = shard.process;
  if (!child) return true;
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  child.kill('SIGTERM');
  const result = await Promise.race([
    exited,
    delay(SHARD_STOP_TIMEOUT_MS, 'timeout' as const, { ref: false }),
  ]);
  if (result !== 'timeout') return result[0] === 0;
  child.kill('SIGKILL');
  await exited;
  return false;
}

/** Ends a start that cannot go on, with one sentence for the person starting it. */
function exitWith(sentence: string): never {
  process.stderr.write(`${sentence}\n`);
  process.exit(1);
}
