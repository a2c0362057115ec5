/**
 * Text helpers for everything the bot shows on Discord: length in code points
 * (how Discord counts its limits), truncation that never splits a surrogate
 * pair, and escaping so user text and article text display as written and
 * never ping anyone.
 */
import { escapeMarkdown } from 'discord.js';

const ELLIPSIS = '…';
const ZERO_WIDTH_SPACE = '\u200b';
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

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
 * Makes a text safe to show inside Discord markdown: control characters
 * removed, markdown escaped (so `**` shows as stars and `# ` is no heading),
 * and mentions broken with a zero-width space so `@everyone` or `<@123>`
 * cannot ping even where `allowed_mentions` would not apply.
 *
 * @example
 * escapeText('**hi** @everyone') // => '\\*\\*hi\\*\\* @\u200beveryone'
 */
export function escapeText(text: string): string {
  const escaped = escapeMarkdown(text.replace(CONTROL_CHARACTERS, ''), {
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
  });
  return neutralizeMentions(escaped);
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
 * footers, autocomplete choices): control characters removed, mentions broken.
 *
 * @example
 * plainText('ask @everyone\u0000') // => 'ask @\u200beveryone'
 */
export function plainText(text: string): string {
  return neutralizeMentions(text.replace(CONTROL_CHARACTERS, ''));
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
  const text = label.replace(/[[\]]/g, (bracket) => `\\${bracket}`);
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

/**
 * The longest markdown rendering of a text that fits `max` code points:
 * `render(cut)` is called with ever shorter versions of `text` (cut with
 * {@link truncate}) until its result fits. Escaping can lengthen text, so the
 * cut is searched for rather than computed.
 *
 * @example
 * fitRendered('**a** b', 8, (t) => `> ${escapeText(t)}`) // => '> \\*\\*a…'
 */
export function fitRendered(text: string, max: number, render: (text: string) => string): string {
  const whole = render(text);
  if (codePointLength(whole) <= max) return whole;
  let low = 0;
  let high = codePointLength(text) - 1;
  let best = '';
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const rendered = render(truncate(text, middle));
    if (codePointLength(rendered) <= max) {
      best = rendered;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best;
}
