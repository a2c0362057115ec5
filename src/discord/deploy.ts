import { REST, Routes } from 'discord.js';
import type { Command } from './context.ts';

/** Options for {@link deployCommands}. */
export interface DeployOptions {
  token: string;
  /** The application id. */
  clientId: string;
  /** Deploy to this guild only (changes show at once); null deploys globally. */
  guildId: string | null;
  /** REST API base; default Discord's. */
  restApi?: string | null;
  commands: ReadonlyArray<Command>;
}

/** What {@link deployCommands} registered. */
export interface DeployResult {
  scope: 'guild' | 'global';
  names: string[];
}

/**
 * Registers the commands with one bulk overwrite (PUT), so commands removed
 * from the list disappear from Discord too.
 *
 * @example
 * await deployCommands({ token, clientId, guildId: null, commands });
 */
export async function deployCommands(options: DeployOptions): Promise<DeployResult> {
  const rest = new REST(options.restApi ? { api: options.restApi } : {}).setToken(options.token);
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.clientId, options.guildId)
    : Routes.applicationCommands(options.clientId);
  const stored = (await rest.put(route, { body: options.commands.map((c) => c.data) })) as Array<{
    name: string;
  }>;
  return { scope: options.guildId ? 'guild' : 'global', names: stored.map((c) => c.name) };
}
