/**
 * Text helpers for everything the bot shows on Discord: length in code points
 * (how Discord counts its limits), truncation that never splits a surrogate
 * pair, and escaping so user text and article text display as written and
 * never ping anyone.
 *
 * Escaping is done here rather than with discord.js's `escapeMarkdown`, which
 * covers the same syntax but slows down quadratically on runs of markdown
 * characters (about 400 ms for 4000 backticks, enough to miss Discord's 3 s
 * deadline on a hostile passage). This escaper is one pass and decides each
 * character from what precedes it, so the escape of a prefix is a prefix of
 * the escape, and the longest text fitting a limit is found in the same pass.
 *
 * Cleaning comes first: control characters, lone surrogates, zero-width and
 * bidi controls are removed (`cleanText`, the same cleaning articles get when
 * saved), and only then is it decided what starts a mention or markdown, so
 * `@\u0001everyone` cannot turn into `@everyone` after the check.
 */
import { cleanText, keptCodePoints } from '../text/clean.ts';

const ELLIPSIS = '…';
const ZERO_WIDTH_SPACE = '\u200b';
const ZERO_WIDTH_JOINER = '\u200d';
/** Markdown characters anywhere: escape, bold/italic, underline, strike, code, spoiler, masked links. */
const ALWAYS_ESCAPED = new Set(['\\', '*', '_', '~', '`', '|', '[', ']']);
/** Markdown only at the start of a line: heading, subtext, quote, list bullets. */
const LINE_START_ESCAPED = new Set(['#', '>', '-', '+']);

/**
 * The length of a text as Discord counts it: in Unicode code points, so an
 * emoji made of a surrogate pair counts once.
 *
 * @example
 * codePointLength('naïve 👍') // => 7
 */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

/**
 * Shortens a text to at most `max` code points, ending with "…" when it was
 * cut. Cuts between code points, so a surrogate pair is never split.
 *
 * @example
 * truncate('Istanbul talks', 9) // => 'Istanbul…'
 * truncate('👍👍👍', 2) // => '👍…'
 */
export function truncate(text: string, max: number): string {
  if (max <= 0) return '';
  if (codePointLength(text) <= max) return text;
  const points = Array.from(text);
  let end = max - 1;
  while (end > 0 && splitsJoinedEmoji(points, end)) end -= 1;
  return `${points.slice(0, end).join('').trimEnd()}${ELLIPSIS}`;
}

/**
 * Makes a text safe to show inside Discord markdown: cleaned (control
 * characters, lone surrogates, zero-width and bidi controls removed), markdown
 * escaped (so `**` shows as stars, `# ` is no heading and `[a](b)` no masked
 * link), and mentions broken with a zero-width space so `@everyone`, `<@123>`,
 * `<#123>` or `</cmd:123>` cannot ping or link even where `allowed_mentions`
 * would not apply.
 *
 * @example
 * escapeText('**hi** @everyone') // => '\\*\\*hi\\*\\* @\u200beveryone'
 * escapeText('@\u0001here') // => '@\u200bhere'
 */
export function escapeText(text: string): string {
  return escapePieces(text).join('');
}

/**
 * {@link escapeText} within `max` code points: the longest escaped beginning
 * of the text that fits, ending with "…" when the text was cut.
 *
 * @example
 * fitEscaped('**bold** text', 8) // => '\\*\\*bol…'
 */
export function fitEscaped(text: string, max: number): string {
  // The escape of a beginning is the beginning of the escape, so a long text is
  // escaped only as far as can show, plus the look-ahead a mention needs.
  const room = max + 2 * MENTION_LOOKAHEAD + 1;
  const head = codePointPrefix(text, 2 * room);
  if (head.length < text.length) {
    const pieces = escapePieces(head);
    if (codePointLength(pieces.join('')) >= room) return fitPieces(pieces, max);
  }
  return fitPieces(escapePieces(text), max);
}

/** The first `count` code points of a text. */
function codePointPrefix(text: string, count: number): string {
  let end = 0;
  let taken = 0;
  for (const point of text) {
    if (taken === count) break;
    end += point.length;
    taken += 1;
  }
  return text.slice(0, end);
}

/**
 * The escaped form of each code point of a text (see {@link escapeText}),
 * empty for removed characters. Joined, they are the escaped text; any run of
 * them is the escaped form of that run, so callers can cut between them.
 * What a character means (a mention, a line start) is decided from the
 * characters kept around it, never from removed ones.
 *
 * @example
 * escapePieces('# a*') // => ['\\#', ' ', 'a', '\\*']
 * escapePieces('<\u0002@1>') // => ['<\u200b', '', '@', '1', '>']
 */
export function escapePieces(text: string): string[] {
  const points = Array.from(text);
  const kept = keptCodePoints(points);
  const pieces: string[] = new Array(points.length).fill('');
  // The kept code points, and where each stands in the text as given.
  const shown: string[] = [];
  const positions: number[] = [];
  for (let i = 0; i < points.length; i++) {
    if (!kept[i]) continue;
    shown.push(points[i] as string);
    positions.push(i);
  }
  let lineStart = true;
  let leadingDigits = false;
  for (let i = 0; i < shown.length; i++) {
    const point = shown[i] as string;
    pieces[positions[i] as number] = escapePoint(shown, i, lineStart, leadingDigits);
    const digit = point >= '0' && point <= '9';
    if (point === '\n') {
      lineStart = true;
      leadingDigits = false;
    } else if (point === ' ' || point === '\t') {
      leadingDigits = false;
    } else {
      leadingDigits = digit && (lineStart || leadingDigits);
      lineStart = false;
    }
  }
  return pieces;
}

/** The escaped form of `points[i]`, a cleaned text's code point, given where it stands. */
function escapePoint(
  points: readonly string[],
  i: number,
  lineStart: boolean,
  leadingDigits: boolean,
): string {
  const point = points[i] as string;
  if (ALWAYS_ESCAPED.has(point) || (lineStart && LINE_START_ESCAPED.has(point))) {
    return `\\${point}`;
  }
  // "1. " at the start of a line is a numbered list.
  if (point === '.' && leadingDigits) return '\\.';
  return brokenMention(points, i) ?? point;
}

/**
 * Joins pieces (see {@link escapePieces}) within `max` code points, cutting
 * between pieces and ending with "…" when some were left out.
 *
 * @example
 * fitPieces(['a', '\\*', 'b'], 3) // => 'a…'
 */
export function fitPieces(pieces: ReadonlyArray<string>, max: number): string {
  if (max <= 0) return '';
  const whole = pieces.join('');
  if (codePointLength(whole) <= max) return whole;
  let end = 0;
  let length = 0;
  for (const piece of pieces) {
    const size = codePointLength(piece);
    if (length + size > max - 1) break;
    length += size;
    end += 1;
  }
  // Never end inside an emoji joined with U+200D: the joiner would dangle.
  while (end > 0 && splitsJoinedEmoji(pieces, end)) end -= 1;
  return `${pieces.slice(0, end).join('').trimEnd()}${ELLIPSIS}`;
}

/**
 * Whether cutting a list of escaped pieces (see {@link escapePieces}) before
 * `at` splits an emoji joined with a zero-width joiner (👩‍💻). Such a joiner is
 * kept only between two emoji; a cut there would leave it dangling next to
 * markdown or "…", where it is just an invisible character.
 *
 * @example
 * splitsJoinedEmoji(['👩', '\u200d', '💻'], 1) // => true
 * splitsJoinedEmoji(['👩', '\u200d', '💻', ' '], 3) // => false
 */
export function splitsJoinedEmoji(pieces: ReadonlyArray<string>, at: number): boolean {
  let before = at - 1;
  while (before >= 0 && pieces[before] === '') before -= 1;
  let after = at;
  while (after < pieces.length && pieces[after] === '') after += 1;
  return pieces[before] === ZERO_WIDTH_JOINER || pieces[after] === ZERO_WIDTH_JOINER;
}

/**
 * Breaks mentions so they show as text: `@everyone`, `@here`, user, role and
 * channel mentions (`<@id>`, `<@!id>`, `<@&id>`, `<#id>`) and command
 * mentions (`</name:id>`). Expects cleaned text (see {@link plainText}).
 *
 * @example
 * neutralizeMentions('hi <@123> and @here') // => 'hi <\u200b@123> and @\u200bhere'
 */
export function neutralizeMentions(text: string): string {
  const points = Array.from(text);
  return points.map((point, i) => brokenMention(points, i) ?? point).join('');
}

/**
 * Plain text for places Discord shows without markdown (button labels, embed
 * footers, autocomplete choices): cleaned like every text the bot shows
 * (control characters, lone surrogates, zero-width and bidi controls
 * removed), then mentions broken.
 *
 * @example
 * plainText('ask @everyone\u0000') // => 'ask @\u200beveryone'
 * plainText('@\u0001here \u202eevil') // => '@\u200bhere evil'
 */
export function plainText(text: string): string {
  return neutralizeMentions(cleanText(text));
}

/**
 * A markdown link to `url` labelled `label` (already escaped), or the label
 * alone when the URL is not a plain http(s) address. Parentheses and spaces in
 * the URL are percent-encoded so they cannot end the link early.
 *
 * @example
 * markdownLink('Sky News', 'https://news.sky.com/a_(b)') // => '[Sky News](https://news.sky.com/a_%28b%29)'
 */
export function markdownLink(label: string, url: string | null): string {
  const href = safeHttpUrl(url);
  if (!href) return label;
  const text = label.replace(/(?<!\\)[[\]]/g, (bracket) => `\\${bracket}`);
  return `[${text}](${href.replace(/\(/g, '%28').replace(/\)/g, '%29')})`;
}

function safeHttpUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** What may follow `<` in a mention: `@` (user, role), `#` (channel), `/` (command). */
const MENTION_AFTER_ANGLE = new Set(['@', '#', '/']);
const MENTION_WORDS = ['everyone', 'here'];
/** Code points after `@` read to tell a mention: the longest mention word. */
const MENTION_LOOKAHEAD = 8;

/** Whether a text starts with `everyone` or `here`, in any case. */
function startsMentionWord(text: string): boolean {
  const lower = text.toLowerCase();
  return MENTION_WORDS.some((word) => lower.startsWith(word));
}

/** `points[i]` followed by a zero-width space when it starts a mention, else null. */
function brokenMention(points: readonly string[], i: number): string | null {
  const point = points[i];
  if (point === '@' && startsMentionWord(points.slice(i + 1, i + 1 + MENTION_LOOKAHEAD).join(''))) {
    return `@${ZERO_WIDTH_SPACE}`;
  }
  if (point === '<' && MENTION_AFTER_ANGLE.has(points[i + 1] ?? '')) {
    return `<${ZERO_WIDTH_SPACE}`;
  }
  return null;
}
