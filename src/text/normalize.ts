/**
 * Character-level folding shared by indexing and querying, so that the same
 * word always reaches the index in the same form however it was typed.
 */

const COMBINING_MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
const SINGLE_QUOTES = /[\u2018\u2019\u201a\u201b\u2032\u0060\u00b4\u02bc]/g;
const DOUBLE_QUOTES = /[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g;
const DASHES = /[\u2010-\u2015\u2212]/g;
/** Control characters (but tab and line breaks), soft hyphens, zero-width and bidi marks. */
const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;
const PLAIN_ASCII = /^[A-Za-z0-9 .,'"-]*$/;
/** Letters that NFKD does not decompose into a base letter and a mark. */
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ł: 'l',
  ı: 'i',
  þ: 'th',
};
const SPECIAL_LETTER = new RegExp(`[${Object.keys(SPECIAL_LETTERS).join('')}]`, 'g');

/**
 * Folds case, diacritics, curly quotes, dashes and invisible characters.
 *
 * @example
 * foldText('Russia’s “Dolmabahçe” talks') // => "russia's \"dolmabahce\" talks"
 */
export function foldText(text: string): string {
  // Most words are plain ASCII letters and digits: nothing to fold but case.
  if (PLAIN_ASCII.test(text)) return text.toLowerCase();
  return text
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(SPECIAL_LETTER, (letter) => SPECIAL_LETTERS[letter] ?? letter)
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(DASHES, '-')
    .replace(INVISIBLE, '');
}

/**
 * Straightens quotes and dashes without touching case, so a tokenizer can see
 * "Russia’s" as one word and still tell "EU" from "eu".
 *
 * @example
 * foldPunctuation('Russia’s cease‐fire') // => "Russia's cease-fire"
 */
export function foldPunctuation(text: string): string {
  return text.replace(SINGLE_QUOTES, "'").replace(DOUBLE_QUOTES, '"').replace(DASHES, '-');
}

/** Chat markup that names no word: mentions, channels, custom emoji, timestamps (`<@123>`, `<:wave:123>`, `<t:1700000000:R>`). */
const CHAT_MARKUP = /<(?:@[!&]?\d+|#\d+|a?:\w+:\d+|t:-?\d+(?::[a-zA-Z])?)>/g;

/**
 * Removes characters that can never carry meaning in a question (control
 * characters, zero-width and bidi marks, lone surrogates, chat mentions and emoji
 * codes) and collapses white space.
 *
 * @example
 * cleanInput(' who\u200b led\u0000 it? ') // => 'who led it?'
 */
export function cleanInput(text: string): string {
  return text
    .replace(CHAT_MARKUP, ' ')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim();
}
