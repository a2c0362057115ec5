/**
 * `npm run deploy-commands`: registers the bot's commands with Discord, in
 * DISCORD_GUILD_ID when set (instant, for development), otherwise globally.
 * Exit codes: 0 done, 1 Discord refused or could not be reached (one sentence
 * says which), 2 configuration error.
 */
import { commands } from '../commands/index.ts';
import { loadConfigOrExit, requireDeployConfig } from '../src/config.ts';
import { deployCommands } from '../src/discord/deploy.ts';
import { discordHost, explainLoginError } from '../src/discord/startup.ts';
import { chooseLogFormat, createLogger, describeError } from '../src/log.ts';

const config = loadConfigOrExit(requireDeployConfig);
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
