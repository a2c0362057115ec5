/**
 * `npm run deploy-commands`: registers the bot's commands with Discord, in
 * DISCORD_GUILD_ID when set (instant, for development), otherwise globally.
 * Exit codes: 0 done, 1 Discord refused or could not be reached (one sentence
 * says which), 2 configuration error.
 */
import { loadConfigOrExit, requireDeployConfig } from '../src/config.ts';

const config = loadConfigOrExit(requireDeployConfig);
// Loaded once the configuration holds, so that a missing variable is reported at once, not after
// discord.js and the commands (with the index code they answer with) have loaded.
const [
  { commands },
  { deployCommands },
  { discordHost, explainLoginError },
  { chooseLogFormat, createLogger, describeError },
] = await Promise.all([
  import('../commands/index.ts'),
  import('../src/discord/deploy.ts'),
  import('../src/discord/startup.ts'),
  import('../src/log.ts'),
]);
const logger = createLogger({
  level: config.logLevel,
  format: chooseLogFormat(config.logFormat),
  secrets: [config.token],
});
try {
  const result = await deployCommands({
    token: config.token,
    clientId: config.clientId,
    guildId: config.discordGuildId,
    restApi: config.discordRestApi,
    commands,
  });
  const where = result.scope === 'guild' ? `guild ${config.discordGuildId}` : 'all servers';
  logger.info({ scope: result.scope, commands: result.names }, 'commands deployed');
  process.stdout.write(
    `Deployed ${result.names.length} commands to ${where}: ${result.names.join(', ')}\n`,
  );
} catch (error) {
  const host = discordHost(config.discordRestApi);
  const failure = explainLoginError(error, host);
  if (failure.retryable) {
    process.stderr.write(`Could not reach Discord at ${host}: ${failure.reason}.\n`);
  } else if (isRefusedToken(error)) {
    process.stderr.write(`${failure.sentence}\n`);
  } else {
    logger.error({ err: describeError(error) }, 'deploying commands failed');
  }
  process.exitCode = 1;
}

/** Discord's answer to a wrong token: 401 on any REST call. */
function isRefusedToken(error: unknown): boolean {
  return (error as { status?: unknown }).status === 401;
}
