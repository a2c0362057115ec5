import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  codePointLength,
  escapePieces,
  escapeText,
  fitEscaped,
  markdownLink,
  neutralizeMentions,
  plainText,
  truncate,
} from '../../src/discord/text.ts';
import { hasLoneSurrogate } from '../hostile-inputs.ts';

describe('codePointLength', () => {
  it('counts an astral emoji once and a combining mark separately', () => {
    expect(codePointLength('👍')).toBe(1);
    expect('👍'.length).toBe(2);
    expect(codePointLength('e\u0301')).toBe(2);
    expect(codePointLength('')).toBe(0);
  });
});

describe('truncate', () => {
  it('leaves text that fits untouched', () => {
    expect(truncate('Istanbul', 8)).toBe('Istanbul');
  });

  it('cuts to max code points ending with an ellipsis', () => {
    expect(truncate('Istanbul talks', 9)).toBe('Istanbul…');
    expect(truncate('abcdef', 1)).toBe('…');
    expect(truncate('abcdef', 0)).toBe('');
  });

  it('never splits a surrogate pair', () => {
    expect(truncate('👍👍👍', 2)).toBe('👍…');
    expect(truncate('a👍b', 2)).toBe('a…');
    expect(hasLoneSurrogate(truncate('🇺🇦🇺🇦🇺🇦', 4))).toBe(false);
  });

  it('holds for any text and limit: at most max code points, a prefix, no new lone surrogate', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), fc.nat(130), (text, max) => {
        const result = truncate(text, max);
        expect(codePointLength(result)).toBeLessThanOrEqual(max);
        expect(hasLoneSurrogate(result)).toBe(false);
        if (codePointLength(text) <= max) {
          expect(result).toBe(text);
        } else if (max > 0) {
          expect(result.endsWith('…')).toBe(true);
          expect(text.startsWith(result.slice(0, -1))).toBe(true);
        }
      }),
    );
  });
});

describe('escapeText', () => {
  it('escapes markdown so it shows as typed', () => {
    expect(escapeText('**bold** _it_ `code`')).toBe('\\*\\*bold\\*\\* \\_it\\_ \\`code\\`');
    expect(escapeText('# heading')).toBe('\\# heading');
    expect(escapeText('a\\b')).toBe('a\\\\b');
  });

  it('breaks every kind of mention', () => {
    const escaped = escapeText('@everyone @here <@123456789012345678> <@&1> <@!2> <#3>');
    expect(escaped).not.toMatch(/@everyone|@here|<@[!&]?\d+>|<#\d+>/);
    expect(escaped.replace(/\u200b/g, '')).toBe(
      '@everyone @here <@123456789012345678> <@&1> <@!2> <#3>',
    );
  });

  it('removes control characters and lone surrogates but keeps line breaks', () => {
    expect(escapeText('a\u0000b\u0007c\nd\ud800')).toBe('abc\nd');
  });

  it('breaks mentions that removed characters would have hidden from the check', () => {
    expect(escapeText('@\u0001everyone')).toBe('@\u200beveryone');
    expect(escapeText('<\u0002@123456789012345678>')).toBe('<\u200b@123456789012345678>');
    expect(escapeText('@\u202ehere @\u2066\u200deveryone')).toBe('@\u200bhere @\u200beveryone');
    expect(escapeText('</ask:123456789012345678>')).toBe('<\u200b/ask:123456789012345678>');
    expect(escapeText('[x](https://evil.example)')).toBe('\\[x\\](https://evil.example)');
  });

  it('removes bidi controls and zero-width characters, but not the joiners inside emoji', () => {
    expect(escapeText('\u202eevil\u202c \u2066isolated\u2069 zero\u200bwidth\ufeff')).toBe(
      'evil isolated zerowidth',
    );
    expect(escapeText('👩‍💻 ❤️ 🏳️‍🌈')).toBe('👩‍💻 ❤️ 🏳️‍🌈');
  });

  it('decides a line start after the removed characters', () => {
    expect(escapeText('\u200b# heading')).toBe('\\# heading');
  });
});

describe('plainText', () => {
  it('breaks mentions without escaping markdown', () => {
    expect(plainText('**x** @everyone')).toBe('**x** @\u200beveryone');
  });
  it('cleans first, then breaks mentions', () => {
    expect(plainText('@\u0001here \u202e<\u0002#1> </a:1>')).toBe(
      '@\u200bhere <\u200b#1> <\u200b/a:1>',
    );
  });
  it('is idempotent, so a choice name sent back still matches', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), (text) => {
        expect(plainText(plainText(text))).toBe(plainText(text));
      }),
    );
    expect(neutralizeMentions(neutralizeMentions('<@1> @here'))).toBe(
      neutralizeMentions('<@1> @here'),
    );
  });
});

describe('markdownLink', () => {
  it('links http(s) URLs with parentheses encoded', () => {
    expect(markdownLink('Sky', 'https://news.sky.com/a_(b)')).toBe(
      '[Sky](https://news.sky.com/a_%28b%29)',
    );
    expect(markdownLink('a [b]', 'https://x.example/')).toBe('[a \\[b\\]](https://x.example/)');
  });

  it('refuses other schemes and broken URLs', () => {
    expect(markdownLink('Sky', 'javascript:alert(1)')).toBe('Sky');
    expect(markdownLink('Sky', 'not a url')).toBe('Sky');
    expect(markdownLink('Sky', null)).toBe('Sky');
  });
});

describe('fitEscaped', () => {
  it('keeps the longest escaped beginning that fits, never splitting an escape', () => {
    expect(fitEscaped('**bold** text', 8)).toBe('\\*\\*bol…');
    expect(fitEscaped('a*b', 3)).toBe('a…');
    expect(fitEscaped('a*b', 4)).toBe('a\\*b');
    expect(fitEscaped('anything', 0)).toBe('');
  });

  it('always fits, and is the escape when that fits, also on long runs of markdown', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 0, max: 220 }), (t, max) => {
        const fitted = fitEscaped(t, max);
        expect(codePointLength(fitted)).toBeLessThanOrEqual(max);
        if (codePointLength(escapeText(t)) <= max) expect(fitted).toBe(escapeText(t));
      }),
    );
    // How fast this is on long runs is measured by `npm run bench` (hostile-text budgets).
    for (const run of ['`', '*', '_', '||', 'a_b*c~d`e|']) {
      const fitted = fitEscaped(run.repeat(30_000), 4096);
      expect(codePointLength(fitted)).toBeLessThanOrEqual(4096);
      expect(escapeText(run.repeat(30_000)).startsWith(fitted.replace(/…$/, ''))).toBe(true);
    }
  });
});

describe('escapePieces', () => {
  it('escapes line-start markdown only at the start of a line', () => {
    expect(escapePieces('# a - b\n> c\n-# d\n12. e 3. f').join('')).toBe(
      '\\# a - b\n\\> c\n\\-# d\n12\\. e 3. f',
    );
  });

  it('gives one piece per code point, whose join is the escape', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (t) => {
        const pieces = escapePieces(t);
        expect(pieces).toHaveLength(codePointLength(t));
        expect(pieces.join('')).toBe(escapeText(t));
      }),
    );
  });
});
