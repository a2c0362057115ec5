/**
 * `npm run start:sharded`: runs the bot as one process per shard under
 * discord.js's `ShardingManager`, each shard running `src/main.ts`. The
 * index is built (or the snapshot checked) once here before any shard
 * starts, so that every shard loads the snapshot instead of building its
 * own; a refresh in one shard reaches the others through the snapshot (see
 * `src/discord/sharding.ts`). Shards: `SHARD_COUNT`, else Discord's
 * recommendation. SIGHUP makes one shard refresh. Exit codes as `npm start`:
 * 0 stopped cleanly, 1 could not start (or a shard did not stop cleanly),
 * 2 configuration error.
 *
 * The configuration is checked before the rest loads, so that a missing
 * variable is reported at once (as `src/main.ts` does).
 */
import { type Config, ConfigError, loadConfigOrExit } from './config.ts';

/** What sharding needs beyond {@link loadConfig}: a token, and a snapshot for the shards to share. */
export interface ShardedConfig extends Config {
  discordToken: string;
  snapshotPath: string;
}

/**
 * Checks what sharding needs and {@link loadConfig} leaves optional.
 *
 * @throws {ConfigError} naming each missing variable.
 */
function requireShardedConfig(config: Config): ShardedConfig {
  const problems: string[] = [];
  if (!config.discordToken) problems.push('DISCORD_TOKEN is required to run shards.');
  if (!config.snapshotPath) {
    problems.push(
      'SNAPSHOT_PATH must not be off to run shards: they load the index from it, and a refresh reaches every shard through it.',
    );
  }
  if (problems.length > 0 || !config.discordToken || !config.snapshotPath) {
    throw new ConfigError(problems);
  }
  return { ...config, discordToken: config.discordToken, snapshotPath: config.snapshotPath };
}

const config = loadConfigOrExit(requireShardedConfig);
const { startSharded } = await import('./sharded-start.ts');
await startSharded(config);
