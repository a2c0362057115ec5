/**
 * `npm start`: with DISCORD_TOKEN set, runs the Discord bot; without it, the
 * console, to ask questions locally (`src/start.ts`). Exit codes: 0 stopped
 * cleanly, 1 could not start (one sentence on stderr says why), 2
 * configuration error.
 *
 * The configuration is checked before the rest loads: a mistyped variable is
 * reported in about a second, not after discord.js, the index code and their
 * TypeScript have loaded (about 3 s of CPU, 5 s or more on a busy machine).
 */
import { loadConfigOrExit } from './config.ts';

const config = loadConfigOrExit();
const { start } = await import('./start.ts');
await start(config);
