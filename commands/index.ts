/** Every command the bot has, deployed and routed from this one list. */
import type { Command } from '../src/discord/context.ts';
import * as ask from './ask.ts';
import * as askAboutMessage from './ask-about-message.ts';
import * as help from './help.ts';
import * as insights from './insights.ts';
import * as refresh from './refresh.ts';
import * as search from './search.ts';
import * as sources from './sources.ts';

export const commands: ReadonlyArray<Command> = [
  ask,
  search,
  sources,
  refresh,
  help,
  insights,
  askAboutMessage,
];
