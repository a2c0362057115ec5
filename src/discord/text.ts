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
 */

const ELLIPSIS = '…';
const ZERO_WIDTH_SPACE = '\u200b';
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTER = /^[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
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
  const kept = Array.from(text)
    .slice(0, max - 1)
    .join('')
    .trimEnd();
  return `${kept}${ELLIPSIS}`;
}

/**
 * Makes a text safe to show inside Discord markdown: control characters and
 * lone surrogates removed, markdown escaped (so `**` shows as stars and `# `
 * is no heading), and mentions broken with a zero-width space so `@everyone`
 * or `<@123>` cannot ping even where `allowed_mentions` would not apply.
 *
 * @example
 * escapeText('**hi** @everyone') // => '\\*\\*hi\\*\\* @\u200beveryone'
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
  return fitPieces(escapePieces(text), max);
}

/**
 * The escaped form of each code point of a text (see {@link escapeText}),
 * empty for removed characters. Joined, they are the escaped text; any run of
 * them is the escaped form of that run, so callers can cut between them.
 *
 * @example
 * escapePieces('# a*') // => ['\\#', ' ', 'a', '\\*']
 */
export function escapePieces(text: string): string[] {
  const points = Array.from(text);
  const pieces: string[] = [];
  let lineStart = true;
  let leadingDigits = false;
  for (const [i, point] of points.entries()) {
    if (isUnprintable(point)) {
      pieces.push('');
      continue;
    }
    if (ALWAYS_ESCAPED.has(point) || (lineStart && LINE_START_ESCAPED.has(point))) {
      pieces.push(`\\${point}`);
    } else if (point === '.' && leadingDigits) {
      // "1. " at the start of a line is a numbered list.
      pieces.push('\\.');
    } else if (point === '@' && /^(everyone|here)/i.test(points.slice(i + 1, i + 9).join(''))) {
      pieces.push(`@${ZERO_WIDTH_SPACE}`);
    } else if (point === '<' && (points[i + 1] === '@' || points[i + 1] === '#')) {
      pieces.push(`<${ZERO_WIDTH_SPACE}`);
    } else {
      pieces.push(point);
    }
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
  let kept = '';
  let length = 0;
  for (const piece of pieces) {
    const size = codePointLength(piece);
    if (length + size > max - 1) break;
    kept += piece;
    length += size;
  }
  return `${kept.trimEnd()}${ELLIPSIS}`;
}

/**
 * Breaks mentions so they show as text: `@everyone`, `@here`, and user, role
 * and channel mentions (`<@id>`, `<@!id>`, `<@&id>`, `<#id>`).
 *
 * @example
 * neutralizeMentions('hi <@123> and @here') // => 'hi <\u200b@123> and @\u200bhere'
 */
export function neutralizeMentions(text: string): string {
  return text
    .replace(/@(everyone|here)/gi, `@${ZERO_WIDTH_SPACE}$1`)
    .replace(/<([@#])/g, `<${ZERO_WIDTH_SPACE}$1`);
}

/**
 * Plain text for places Discord shows without markdown (button labels, embed
 * footers, autocomplete choices): control characters and lone surrogates
 * removed, mentions broken.
 *
 * @example
 * plainText('ask @everyone\u0000') // => 'ask @\u200beveryone'
 */
export function plainText(text: string): string {
  return neutralizeMentions(removeUnprintable(text));
}

/**
 * Removes control characters (but not line breaks or tabs) and halves of
 * surrogate pairs, which Discord rejects.
 *
 * @example
 * removeUnprintable('a\u0000b\ud800') // => 'ab'
 */
export function removeUnprintable(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '').replace(LONE_SURROGATE, '');
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

/** A control character (not a line break or tab) or half of a surrogate pair on its own. */
function isUnprintable(point: string): boolean {
  if (point.length === 1) {
    const code = point.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdfff) return true;
  }
  return CONTROL_CHARACTER.test(point);
}
