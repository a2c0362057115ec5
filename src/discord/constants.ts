/**
 * Discord's limits and the bot's look, in one place. Discord counts these
 * limits in Unicode code points; see `truncate` in `text.ts`.
 */

/** Message and embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const Limits = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  /** Title, description, field names and values, footer and author of all embeds together. */
  embedsTotal: 6000,
  embedsPerMessage: 10,
  customId: 100,
  buttonLabel: 80,
  buttonsPerRow: 5,
  rowsPerMessage: 5,
  /** Autocomplete: choices per response, and the length of each choice's name and value. */
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
} as const;

/** Passages per page: `/ask` shows the best one and two more; `/search` lists more. */
export const PageSize = {
  ask: 3,
  search: 5,
} as const;

/** Did-you-mean buttons offered on a miss. */
export const MAX_SUGGESTION_BUTTONS = 3;

/** Longest URL `/sources add` accepts; real article URLs are far shorter. */
export const MAX_SOURCE_URL_LENGTH = 2000;

/** Questions whose full-length custom ids did not fit are remembered this many at a time. */
export const CUSTOM_ID_MEMORY = 1000;

export const Emoji = {
  answer: '💬',
  search: '🔎',
  source: '📰',
  more: '➕',
  context: '📖',
  suggestion: '💡',
  miss: '🤷',
  refresh: '🔄',
  success: '✅',
  warning: '⚠️',
  error: '❌',
  wait: '⏳',
  help: '❔',
  up: '👍',
  down: '👎',
  insights: '📊',
} as const;

/** Embed accent colours. */
export const Colors = {
  answer: 0x5865f2,
  miss: 0xfee75c,
  success: 0x57f287,
  error: 0xed4245,
  info: 0x4f545c,
} as const;
