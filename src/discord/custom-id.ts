/**
 * Button custom ids. Each one carries everything its click needs, so buttons
 * keep working after a restart:
 *
 * - `more:<a|s>:<offset>:<article>:<query>` — the next page of an `/ask` (a) or `/search` (s);
 * - `try:<a|s>:<article>:<query>` — run a did-you-mean suggestion;
 * - `ctx:<paragraph>:<article>` — show the paragraphs around a passage;
 * - `vote:<u|d>:<token>` — 👍 or 👎 on an answer; the token (see `Insights`) names the
 *   answer and is signed, or is empty for an answer that was not recorded;
 * - `ins:<days>:<page>` — a page of the `/insights` report;
 * - `insclr:` — confirm `/insights clear`.
 *
 * `<article>` is empty when the query searched every article. The query comes
 * last so it may contain colons. When an action does not fit Discord's 100
 * code points (a long question) or holds characters Discord rejects, it is kept in a small in-memory LRU and the
 * id becomes `<kind>:#<hash>`; after a restart or eviction such a button
 * decodes as `expired` and the bot asks the user to ask again.
 */
import { createHash } from 'node:crypto';
import { cleanText } from '../text/clean.ts';
import { CUSTOM_ID_MEMORY, Limits } from './constants.ts';
import { codePointLength } from './text.ts';

/** Which core call a query goes to: `library.answer` or `library.search`. */
export type QueryMode = 'ask' | 'search';

/** What a button does when clicked. */
export type ButtonAction =
  | { kind: 'more'; mode: QueryMode; query: string; offset: number; article: string | null }
  | { kind: 'retry'; mode: QueryMode; query: string; article: string | null }
  | { kind: 'context'; article: string; paragraph: number }
  | { kind: 'vote'; vote: 'up' | 'down'; token: string }
  | { kind: 'insights'; days: number; page: number }
  | { kind: 'clearInsights' };

/** The result of {@link CustomIdCodec.decode}. */
export type DecodedCustomId =
  | { status: 'ok'; action: ButtonAction }
  /** A stored action the codec no longer remembers (restart or eviction). */
  | { status: 'expired' }
  /** Not an id this bot makes. */
  | { status: 'invalid' };

/** Options for {@link CustomIdCodec}. */
export interface CustomIdCodecOptions {
  /** How many stored actions to remember. Default {@link CUSTOM_ID_MEMORY}. */
  capacity?: number;
}

const KIND_PREFIX = {
  more: 'more',
  retry: 'try',
  context: 'ctx',
  vote: 'vote',
  insights: 'ins',
  clearInsights: 'insclr',
} as const;
const VOTE_CODE = { up: 'u', down: 'd' } as const;
/** A feedback token: empty, or an id and a signature in base64url (see `Insights`). */
const VOTE_TOKEN = /^(?:[A-Za-z0-9_-]{18})?$/;
/** Report pages beyond this are not pages a person clicks through. */
const MAX_INSIGHTS_PAGE = 100;
const MODE_CODE = { ask: 'a', search: 's' } as const;
/** Offsets beyond this are not pages a person clicks through; they are refused as invalid. */
const MAX_OFFSET = 10_000;

/**
 * Encodes button actions into custom ids and back.
 *
 * @example
 * const codec = new CustomIdCodec();
 * const id = codec.encode({ kind: 'more', mode: 'ask', query: 'Who led?', offset: 3, article: null });
 * id // => 'more:a:3::Who led?'
 * codec.decode(id) // => { status: 'ok', action: { kind: 'more', mode: 'ask', query: 'Who led?', offset: 3, article: null } }
 */
export class CustomIdCodec {
  readonly #stored = new Map<string, ButtonAction>();
  readonly #capacity: number;

  constructor(options: CustomIdCodecOptions = {}) {
    this.#capacity = Math.max(1, options.capacity ?? CUSTOM_ID_MEMORY);
  }

  /** A custom id of at most 100 code points for `action`. */
  encode(action: ButtonAction): string {
    const inline = encodeInline(action);
    const fits = inline !== null && codePointLength(inline) <= Limits.customId;
    if (fits && cleanText(inline) === inline) return inline;
    const hash = createHash('sha256').update(JSON.stringify(action)).digest('base64url');
    const key = hash.slice(0, 16);
    this.#remember(key, action);
    return `${KIND_PREFIX[action.kind]}:#${key}`;
  }

  /** The action a custom id stands for, `expired` when it was stored and forgotten, else `invalid`. */
  decode(customId: string): DecodedCustomId {
    const separator = customId.indexOf(':');
    const prefix = customId.slice(0, separator);
    const rest = customId.slice(separator + 1);
    const kind = (Object.keys(KIND_PREFIX) as Array<ButtonAction['kind']>).find(
      (k) => KIND_PREFIX[k] === prefix,
    );
    if (separator < 0 || !kind) return { status: 'invalid' };
    if (rest.startsWith('#')) {
      const action = this.#recall(rest.slice(1));
      if (!action) return { status: 'expired' };
      return action.kind === kind ? { status: 'ok', action } : { status: 'invalid' };
    }
    const action = decodeInline(kind, rest);
    return action ? { status: 'ok', action } : { status: 'invalid' };
  }

  #remember(key: string, action: ButtonAction): void {
    this.#stored.delete(key);
    this.#stored.set(key, action);
    while (this.#stored.size > this.#capacity) {
      const oldest = this.#stored.keys().next().value;
      if (oldest === undefined) break;
      this.#stored.delete(oldest);
    }
  }

  #recall(key: string): ButtonAction | undefined {
    const action = this.#stored.get(key);
    if (action) {
      this.#stored.delete(key);
      this.#stored.set(key, action);
    }
    return action;
  }
}

/** The self-contained id, or null when a field would make it ambiguous. */
function encodeInline(action: ButtonAction): string | null {
  if (action.kind === 'context') return `ctx:${action.paragraph}:${action.article}`;
  if (action.kind === 'vote') return `vote:${VOTE_CODE[action.vote]}:${action.token}`;
  if (action.kind === 'insights') return `ins:${action.days}:${action.page}`;
  if (action.kind === 'clearInsights') return 'insclr:';
  const article = action.article ?? '';
  if (article.includes(':')) return null;
  const mode = MODE_CODE[action.mode];
  return action.kind === 'more'
    ? `more:${mode}:${action.offset}:${article}:${action.query}`
    : `try:${mode}:${article}:${action.query}`;
}

function decodeInline(kind: ButtonAction['kind'], rest: string): ButtonAction | null {
  if (kind === 'vote') {
    const [code, token = ''] = splitFields(rest, 2);
    const vote = code === VOTE_CODE.up ? 'up' : code === VOTE_CODE.down ? 'down' : null;
    return vote && VOTE_TOKEN.test(token) ? { kind, vote, token } : null;
  }
  if (kind === 'insights') {
    const [daysText, pageText] = splitFields(rest, 2);
    const days = parseCount(daysText);
    const page = parseCount(pageText);
    if (days === null || page === null || page > MAX_INSIGHTS_PAGE) return null;
    return { kind, days, page };
  }
  if (kind === 'clearInsights') return rest === '' ? { kind } : null;
  if (kind === 'context') {
    const [paragraph, article] = splitFields(rest, 2);
    const number = parseCount(paragraph);
    return number !== null && number >= 1 && article ? { kind, paragraph: number, article } : null;
  }
  if (kind === 'more') {
    const [modeCode, offsetText, article, query] = splitFields(rest, 4);
    const mode = parseMode(modeCode);
    const offset = parseCount(offsetText);
    if (!mode || offset === null || offset > MAX_OFFSET || !query) return null;
    return { kind, mode, offset, article: article || null, query };
  }
  const [modeCode, article, query] = splitFields(rest, 3);
  const mode = parseMode(modeCode);
  if (!mode || !query) return null;
  return { kind, mode, article: article || null, query };
}

/** Splits on the first `count - 1` colons; the last field keeps any further colons. */
function splitFields(text: string, count: number): Array<string | undefined> {
  const fields: string[] = [];
  let rest = text;
  for (let i = 1; i < count; i++) {
    const separator = rest.indexOf(':');
    if (separator < 0) return fields;
    fields.push(rest.slice(0, separator));
    rest = rest.slice(separator + 1);
  }
  fields.push(rest);
  return fields;
}

function parseMode(code: string | undefined): QueryMode | null {
  if (code === MODE_CODE.ask) return 'ask';
  if (code === MODE_CODE.search) return 'search';
  return null;
}

function parseCount(text: string | undefined): number | null {
  return text !== undefined && /^\d{1,6}$/.test(text) ? Number(text) : null;
}
