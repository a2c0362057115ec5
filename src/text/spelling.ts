/**
 * Spelling variants folded onto one form before stemming, so that
 * "defence" meets "defense" and "Zelenskyy" meets "Zelensky".
 *
 * Every rule is applied the same way to the index and to questions, so a rule
 * that also rewrites an unrelated word only ever merges two rare forms.
 */

/** British → American endings, longest first. */
const BRITISH_ENDINGS: ReadonlyArray<readonly [RegExp, string]> = [
  [/([^aeiou])enc(e|es|ed|ing)$/, '$1ens$2'], // defence, offences, licenced
  [/tre(s?)$/, 'ter$1'], // theatre, centres, metre
  [/isation(s?)$/, 'ization$1'], // organisation
  [/is(e|ed|es|ing)$/, 'iz$1'], // recognise, organised
  [/ys(e|ed|es|ing)$/, 'yz$1'], // analyse
  [/^(.{2,}[^aeiou])our(s|ed|ing|ite|ites)?$/, '$1or$2'], // colour, honour, favourite (not hour)
  [/ogue(s?)$/, 'og$1'], // dialogue, catalogue
];

/**
 * Maps a British spelling onto the American one.
 *
 * @example
 * americanize('defence') // => 'defense'
 * americanize('theatre') // => 'theater'
 */
export function americanize(word: string): string {
  if (word.length < 5) return word;
  for (const [pattern, replacement] of BRITISH_ENDINGS) {
    if (pattern.test(word)) return word.replace(pattern, replacement);
  }
  return word;
}

/**
 * Folds transliteration variants of names (and other words) onto one key:
 * "y" and "i" are one letter, doubled letters are one letter, "kh"/"ck" are "k",
 * "x" is "ks" (Alexei, Aleksei).
 * Applied after stemming, because the stemmer needs the real spelling.
 *
 * @example
 * foldTransliteration('zelenskyi') === foldTransliteration('zelenskii') // => true
 */
export function foldTransliteration(stem: string): string {
  return stem
    .replace(/y/g, 'i')
    .replace(/kh|ck/g, 'k')
    .replace(/x/g, 'ks')
    .replace(/(.)\1+/g, '$1');
}

const VOWELS = 'aeiou';
/** Letters written for one another because they sound alike ("absense", "Marko"); see also {@link soundKey}. */
const SOUND_ALIKE: Readonly<Record<string, string>> = { s: 'cz', c: 'sk', k: 'c', z: 's' };

/**
 * An index term as it sounds (see {@link SOUND_ALIKE}), so that among the terms one
 * edit from a typo, the one with a letter of the same sound wins ("Marko" is
 * "Marco" sooner than "Mark"). Terms are already folded: no "y", "x" or double letters.
 *
 * @example
 * soundKey('marko') === soundKey('marco') // => true
 */
export function soundKey(term: string): string {
  return term
    .replace(/ph/g, 'f')
    .replace(/c(?=[ei])/g, 's')
    .replace(/[cq]/g, 'k')
    .replace(/z/g, 's');
}

/**
 * The spellings one likely slip away from a word, the slips spelling checkers
 * see most: a letter typed twice or once too few ("personaly", "prisonner"), a
 * vowel left out or swapped for another ("negotiatons", "seperate"), two
 * neighbours swapped, or a letter for one of the same sound ("absense"). Far
 * fewer than every one-letter edit, so each can be looked up.
 *
 * @example
 * likelySlips('absense') // includes 'absence'
 * likelySlips('personaly') // includes 'personally'
 */
export function likelySlips(word: string): string[] {
  const slips = new Set<string>();
  for (let i = 0; i <= word.length; i++) {
    const before = word.slice(0, i);
    const letter = word.charAt(i);
    const after = word.slice(i + 1);
    for (const vowel of VOWELS) slips.add(before + vowel + word.slice(i));
    if (i === word.length) break;
    slips.add(before + after);
    slips.add(before + letter + letter + after);
    const next = word.charAt(i + 1);
    if (next && next !== letter) slips.add(before + next + letter + word.slice(i + 2));
    const swaps = VOWELS.includes(letter) ? VOWELS : (SOUND_ALIKE[letter] ?? '');
    for (const other of swaps) if (other !== letter) slips.add(before + other + after);
  }
  slips.delete(word);
  return [...slips];
}
