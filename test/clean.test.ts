import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanText, keptCodePoints } from '../src/text/clean.ts';

/** Invisible characters that are never part of an emoji: controls but tab, LF and CR; zero-width; bidi. */
const NEVER_KEPT =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]/u;

describe('cleanText', () => {
  it.each([
    ['a\u0000b\u0001c\u007f\u0085d', 'abcd'],
    ['keep\ttabs\nand\r\nlines', 'keep\ttabs\nand\r\nlines'],
    ['\u202eevil\u202c \u2066x\u2069 \u200ezw\u200b\u200c\ufeff', 'evil x zw'],
    ['soft\u00adhyphen word\u2060joiner \u3164filler', 'softhyphen wordjoiner filler'],
    ['lone \ud800 and \udc00 halves', 'lone  and  halves'],
    ['👩‍💻 ❤️ 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿', '👩‍💻 ❤️ 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿'],
    ['@\u200deveryone a\u200db @\ufe0fhere x\u{e0041}', '@everyone ab @here x'],
  ])('%j → %j', (text, expected) => {
    expect(cleanText(text)).toBe(expected);
  });

  it('keeps no control, zero-width or bidi character, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        const clean = cleanText(text);
        expect(clean).not.toMatch(NEVER_KEPT);
        expect(cleanText(clean)).toBe(clean);
        expect(keptCodePoints(Array.from(text)).filter(Boolean)).toHaveLength(
          Array.from(clean).length,
        );
      }),
      { numRuns: 1000 },
    );
  });
});
