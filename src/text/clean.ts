/**
 * The one cleaning of untrusted text: what the bot saves (articles fetched
 * from the web) and what it shows (everything it sends to Discord) goes
 * through {@link keptCodePoints}, so both hold the same characters.
 *
 * Removed: control characters (but tab, line feed and carriage return), halves
 * of surrogate pairs, and the invisible "default ignorable" characters —
 * zero-width spaces and joiners, bidi controls (U+202A–U+202E, U+2066–U+2069,
 * the marks), soft hyphens, word joiners, fillers, variation selectors, tags.
 * Invisible characters can hide a mention from a check (`@\u200beveryone`
 * after a renderer drops the space) or reorder what a reader sees (U+202E).
 * Emoji keep what they are made of: a joiner between two emoji (👩‍💻), a
 * variation selector after an emoji (❤️) and the tags of a flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿).
 *
 * Decided per code point from the code points kept before it and the one
 * after it, in one pass, with single-character tests only: linear whatever
 * the text.
 */

const ZERO_WIDTH_JOINER = '\u200d';
const BLACK_FLAG = '\u{1f3f4}';
const CONTROL = /^\p{Cc}$/u;
const DEFAULT_IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;
const PICTOGRAPH = /^\p{Extended_Pictographic}$/u;
const EMOJI_MODIFIER = /^\p{Emoji_Modifier}$/u;
const EMOJI = /^\p{Emoji}$/u;
const KEPT_CONTROLS = new Set(['\t', '\n', '\r']);

/**
 * For each code point of a text, whether {@link cleanText} keeps it. Callers
 * that map code points to output (the Discord escaper) use it to stay aligned
 * with the text as given.
 *
 * @example
 * keptCodePoints(['@', '\u0001', 'a']) // => [true, false, true]
 */
export function keptCodePoints(points: readonly string[]): boolean[] {
  const kept: boolean[] = [];
  let previous = '';
  for (let i = 0; i < points.length; i++) {
    const point = points[i] as string;
    const keep = isKept(point, previous, points[i + 1] ?? '');
    kept.push(keep);
    if (keep) previous = point;
  }
  return kept;
}

/**
 * A text without control characters, lone surrogates, zero-width and bidi
 * controls and other invisible characters (see the module comment).
 *
 * @example
 * cleanText('@\u0001everyone \u202eevil') // => '@everyone evil'
 * cleanText('dele\u00adgation 👩‍💻') // => 'delegation 👩‍💻'
 */
export function cleanText(text: string): string {
  const points = Array.from(text);
  const kept = keptCodePoints(points);
  let result = '';
  for (const [i, point] of points.entries()) if (kept[i]) result += point;
  return result;
}

function isKept(point: string, previous: string, next: string): boolean {
  const code = point.charCodeAt(0);
  // Printable ASCII, by far the most common, needs no look-up.
  if (code >= 0x20 && code < 0x7f) return true;
  if (isLoneSurrogate(point)) return false;
  if (CONTROL.test(point)) return KEPT_CONTROLS.has(point);
  if (!DEFAULT_IGNORABLE.test(point)) return true;
  if (point === ZERO_WIDTH_JOINER) {
    return (
      (PICTOGRAPH.test(previous) ||
        EMOJI_MODIFIER.test(previous) ||
        isVariationSelector(previous)) &&
      PICTOGRAPH.test(next)
    );
  }
  if (isVariationSelector(point)) return EMOJI.test(previous);
  if (isTag(point)) return previous === BLACK_FLAG || isTag(previous);
  return false;
}

function isLoneSurrogate(point: string): boolean {
  const code = point.charCodeAt(0);
  return point.length === 1 && code >= 0xd800 && code <= 0xdfff;
}

/** VS15 and VS16, which choose text or emoji presentation. */
function isVariationSelector(point: string): boolean {
  return point === '\ufe0e' || point === '\ufe0f';
}

/** The tag characters that spell a subdivision flag after 🏴. */
function isTag(point: string): boolean {
  const code = point.codePointAt(0) ?? 0;
  return code >= 0xe0020 && code <= 0xe007f;
}
