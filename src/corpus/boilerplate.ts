import type { BoilerplateKind } from './types.ts';

/**
 * Rules that keep page furniture out of answers. News pages copied as text
 * carry lines that are not part of the report: section labels ("Read more:"),
 * video-player notices, promotions for other programmes, and headlines of
 * related articles. They are kept (a reader counts them as paragraphs) but
 * never indexed.
 *
 * The rules look at a line's form, not at any one article's words:
 * - label: a short line ending in a colon ("Read more:", "Related:");
 * - video-notice: mentions a video player, a browser or JavaScript being needed;
 * - promo: begins with a call to action (listen, watch, subscribe, sign up, download, follow)
 *   or advertises a schedule ("every Wednesday");
 * - headline: a line of at most {@link HEADLINE_MAX_WORDS} words with no closing punctuation.
 *   Reported paragraphs end in a full stop, a question or exclamation mark, or a closing quote.
 */
export const HEADLINE_MAX_WORDS = 25;

const LABEL = /^[^.!?]{1,40}:$/;
const VIDEO_NOTICE =
  /\b(video player|media player|enable javascript|javascript (is )?(required|disabled)|browser (does not|doesn't) support|(use|update|upgrade) (a|your|the)? ?(\w+ )?browser)\b/i;
const PROMO =
  /^(listen|watch|subscribe|sign up|download|follow|click|tap|get the|join us|don't miss|tune in)\b|\bevery (day|week|weekday|morning|evening|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b/i;
const CLOSING_PUNCTUATION = /[.!?…"'”’)\]]$/;

/**
 * Tells whether a paragraph is boilerplate, and of which kind.
 *
 * @example
 * classifyBoilerplate('Read more:') // => 'label'
 * classifyBoilerplate('Please use Chrome browser for a more accessible video player') // => 'video-notice'
 * classifyBoilerplate('Both sides agreed to swap prisoners.') // => null
 */
export function classifyBoilerplate(paragraph: string): BoilerplateKind | null {
  const text = paragraph.trim();
  if (LABEL.test(text)) return 'label';
  const words = text.split(/\s+/).length;
  if (words <= HEADLINE_MAX_WORDS * 2 && VIDEO_NOTICE.test(text)) return 'video-notice';
  if (words <= HEADLINE_MAX_WORDS && PROMO.test(text) && !CLOSING_PUNCTUATION.test(text)) {
    return 'promo';
  }
  if (words <= HEADLINE_MAX_WORDS && !CLOSING_PUNCTUATION.test(text)) return 'headline';
  return null;
}
