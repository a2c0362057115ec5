/**
 * Running the bot as several processes under discord.js's `ShardingManager`
 * (`npm run start:sharded`): how many shards and how fast to start them, and
 * how a refresh in one shard reaches the others. Every shard serves the whole
 * index, loaded from the snapshot; after a refresh saved a new snapshot, its
 * shard tells the manager over IPC, the manager passes it on, and each other
 * shard reloads the snapshot (see {@link Library.reloadSnapshot}).
 */
import process from 'node:process';
import {
  REST,
  type RESTGetAPIGatewayBotResult,
  Routes,
  type Shard,
  type ShardClientUtil,
  type ShardingManager,
} from 'discord.js';
import type { Library } from '../library/library.ts';
import { describeError, type Logger } from '../log.ts';

/**
 * Discord allows one IDENTIFY per rate-limit bucket (`shardId % max_concurrency`)
 * every 5 s; the half second more is discord.js's own margin (its default
 * spawn delay is 5500 ms).
 */
const IDENTIFY_INTERVAL_MS = 5500;

/** The IPC message a shard sends when its refresh saved a new snapshot; the manager passes it on. */
export interface SnapshotSavedNotice {
  type: 'talkbot:snapshot-saved';
  /** The shard that saved it. */
  shard: number;
}

/** How `npm run start:sharded` starts the shards. */
export interface ShardPlan {
  /** How many shards to run. */
  shards: number;
  /** Time between two shard starts, so that shards of one bucket identify at least 5 s apart. */
  spawnDelayMs: number;
  /** Discord's `max_concurrency`: shards that may identify at the same time. */
  maxConcurrency: number;
  /** Discord's recommended shard count. */
  recommendedShards: number;
  /** Sessions that may still start today; each shard start uses one. */
  remainingSessions: number;
}

/** Options for {@link planShards}. */
export interface PlanShardsOptions {
  token: string;
  /** REST API base (e.g. a local fake's `http://127.0.0.1:PORT/api`); default Discord's. */
  restApi?: string | null;
  /** Shards to run; default Discord's recommendation. */
  shardCount?: number;
}

/**
 * Asks Discord (`GET /gateway/bot`) for its recommended shard count and
 * identify concurrency, and plans the start from them. The request also
 * checks the token before any shard starts. discord.js's own
 * `fetchRecommendedShardCount` always asks discord.com, so it cannot be used
 * with `DISCORD_REST_API`.
 *
 * @throws when Discord refuses the token or cannot be reached.
 * @example
 * const plan = await planShards({ token, restApi: config.discordRestApi });
 * plan.shards // => 2 when Discord recommends 2
 */
export async function planShards(options: PlanShardsOptions): Promise<ShardPlan> {
  const rest = new REST(options.restApi ? { api: options.restApi } : {}).setToken(options.token);
  const gateway = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  const maxConcurrency = Math.max(1, gateway.session_start_limit.max_concurrency);
  return {
    shards: options.shardCount ?? gateway.shards,
    spawnDelayMs: identifySpacingMs(maxConcurrency),
    maxConcurrency,
    recommendedShards: gateway.shards,
    remainingSessions: gateway.session_start_limit.remaining,
  };
}

/**
 * The delay between two shard starts that keeps shards of one bucket 5.5 s
 * apart: the manager starts shards in id order, so shards `i` and
 * `i + maxConcurrency` (one bucket) are `maxConcurrency` starts apart.
 *
 * @example
 * identifySpacingMs(1) // => 5500
 * identifySpacingMs(16) // => 344
 */
export function identifySpacingMs(maxConcurrency: number): number {
  return Math.ceil(IDENTIFY_INTERVAL_MS / Math.max(1, maxConcurrency));
}

/**
 * Tells a message from a shard apart: is it a {@link SnapshotSavedNotice}?
 *
 * @example
 * isSnapshotSavedNotice({ type: 'talkbot:snapshot-saved', shard: 0 }) // => true
 */
export function isSnapshotSavedNotice(message: unknown): message is SnapshotSavedNotice {
  if (typeof message !== 'object' || message === null) return false;
  const { type, shard } = message as Partial<SnapshotSavedNotice>;
  return type === 'talkbot:snapshot-saved' && Number.isInteger(shard);
}

/**
 * Manager side: passes each shard's {@link SnapshotSavedNotice} on to every
 * other running shard, including shards created later (respawns).
 *
 * @example
 * const manager = new ShardingManager('src/main.ts', { totalShards: 2 });
 * relaySnapshotNotices(manager, logger);
 * await manager.spawn();
 */
export function relaySnapshotNotices(manager: ShardingManager, logger: Logger): void {
  manager.on('shardCreate', (from: Shard) => {
    from.on('message', (message: unknown) => {
      if (!isSnapshotSavedNotice(message)) return;
      logger.info({ shard: from.id }, 'shard saved a new snapshot; telling the others');
      for (const to of manager.shards.values()) {
        if (to === from || !to.process) continue;
        to.send(message).catch((error: unknown) => {
          logger.warn(
            { shard: to.id, err: describeError(error) },
            'could not tell a shard to reload',
          );
        });
      }
    });
  });
}

/**
 * Shard side, for a client started by the manager (`client.shard` is set):
 * sends a {@link SnapshotSavedNotice} after each refresh that saved a
 * snapshot, reloads the snapshot on the others' notices, and stops the shard
 * (as SIGTERM does) when the manager is gone, so that no orphan keeps a
 * gateway session open. It also reloads once at once, for a notice sent while
 * this shard was starting. The manager spawns processes, so notices arrive on
 * `process`.
 *
 * @returns a function that stops following
 * @example
 * if (client.shard) followShardManager(client.shard, library, logger);
 */
export function followShardManager(
  shard: ShardClientUtil,
  library: Library,
  logger: Logger,
): () => void {
  const id = shard.ids[0] ?? 0;
  const stopNotifying = library.onSnapshotSaved(() => {
    const notice: SnapshotSavedNotice = { type: 'talkbot:snapshot-saved', shard: id };
    shard.send(notice).catch((error: unknown) => {
      logger.warn({ err: describeError(error) }, 'could not tell the other shards to reload');
    });
  });
  const reload = (from: number | null) => {
    void library.reloadSnapshot().then((reloaded) => {
      logger.debug({ from, reloaded }, 'snapshot notice handled');
    });
  };
  const onMessage = (message: unknown) => {
    if (isSnapshotSavedNotice(message)) reload(message.shard);
  };
  const onManagerGone = () => {
    logger.warn('the shard manager is gone; stopping');
    process.kill(process.pid, 'SIGTERM');
  };
  process.on('message', onMessage);
  process.once('disconnect', onManagerGone);
  if (!process.connected) onManagerGone();
  reload(null);
  return () => {
    stopNotifying();
    process.off('message', onMessage);
    process.off('disconnect', onManagerGone);
  };
}
