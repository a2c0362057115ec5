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

/** Soundex digits of the consonants; vowels, "y", "h" and "w" have none. */
const SOUNDEX_DIGITS: Readonly<Record<string, string>> = Object.fromEntries(
  (
    [
      ['bfpv', '1'],
      ['cgjkqsxz', '2'],
      ['dt', '3'],
      ['l', '4'],
      ['mn', '5'],
      ['r', '6'],
    ] as const
  ).flatMap(([letters, digit]) => [...letters].map((letter) => [letter, digit])),
);

/**
 * A folded word as it sounds, by American Soundex (the U.S. National Archives'
 * "The Soundex Indexing System"), not cut to four characters: the first letter,
 * then a digit per run of like-sounding consonants. Two words with one key
 * differ only in vowels, silent letters and doubled or like-sounding
 * consonants, which is how a real word is mistyped for another real word
 * ("heals" for "heels", "minster" for "minister"), and not how two different
 * words differ ("place", "peace").
 *
 * @example
 * soundex('heals') === soundex('heels') // => true
 * soundex('place') === soundex('peace') // => false
 */
export function soundex(word: string): string {
  const first = word[0] ?? '';
  let key = first;
  let last = SOUNDEX_DIGITS[first] ?? '';
  for (const letter of word.slice(1)) {
    // "h" and "w" do not part two like consonants ("ashcraft": s, c one run); a vowel does.
    if (letter === 'h' || letter === 'w') continue;
    const digit = SOUNDEX_DIGITS[letter] ?? '';
    if (digit !== '' && digit !== last) key += digit;
    last = digit;
  }
  return key;
}
