/**
 * Spelling variants folded onto one form before stemming, so that
 * "defence" meets "defense" and "Zelenskyy" meets "Zelensky". The endings are
 * the regular British–American correspondences of English orthography (as in
 * the Oxford and Merriam-Webster spelling guides), not words of any article.
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
