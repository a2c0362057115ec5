import { stemmer } from 'stemmer';
import { analyzeText, type TextAnalysis, type Token } from './language.ts';
import { foldText } from './normalize.ts';
import { americanize, foldTransliteration } from './spelling.ts';

/** English cardinal numerals, written as digits so that "two" and "2" are one term. */
const NUMBER_WORDS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    zero: '0',
    one: '1',
    two: '2',
    three: '3',
    four: '4',
    five: '5',
    six: '6',
    seven: '7',
    eight: '8',
    nine: '9',
    ten: '10',
    eleven: '11',
    twelve: '12',
    thirteen: '13',
    fourteen: '14',
    fifteen: '15',
    sixteen: '16',
    seventeen: '17',
    eighteen: '18',
    nineteen: '19',
    twenty: '20',
    thirty: '30',
    forty: '40',
    fifty: '50',
    sixty: '60',
    seventy: '70',
    eighty: '80',
    ninety: '90',
    hundred: '100',
    thousand: '1000',
    million: '1000000',
    billion: '1000000000',
  }),
);

/**
 * Words the Porter stemmer gets wrong, with the stem Porter2 (the English
 * Snowball stemmer) gives them by its list of exceptions: "news" is not the
 * plural of "new", nor "bias" of "bia"; "dying" is "die".
 */
const STEM_EXCEPTIONS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    news: 'news',
    bias: 'bias',
    cosmos: 'cosmos',
    atlantic: 'atlantic',
    andes: 'andes',
    skies: 'sky',
    skis: 'ski',
    dying: 'die',
    lying: 'lie',
    tying: 'tie',
  }),
);

/** Words longer than this are not words a reader types; they are cut so they cannot cost time. */
const MAX_WORD_LENGTH = 40;

const termCache = new Map<string, string>();
const TERM_CACHE_LIMIT = 500_000;

/**
 * Turns one word, ideally its lemma (see `language.ts`), into its index term:
 * folded, number words as digits ("two" → "2", "1,000" → "1000"), British
 * spellings American, Porter stemming (with Porter2's exceptions: "news" is no
 * plural), then transliteration folding ("Zelenskyy" = "Zelensky").
 *
 * @example
 * toTerm('defence') === toTerm('defense') // => true
 * toTerm('thousand') // => '1000'
 */
export function toTerm(word: string): string {
  const cached = termCache.get(word);
  if (cached !== undefined) return cached;
  const term = termOf(word);
  if (termCache.size >= TERM_CACHE_LIMIT) termCache.clear();
  termCache.set(word, term);
  return term;
}

/**
 * {@link toTerm} without its cache, for words looked at once.
 *
 * @example
 * termOf('negotiations') // => 'negoti'
 */
export function termOf(word: string): string {
  const folded = foldText(word)
    .replace(/['’]s$/, '')
    .slice(0, MAX_WORD_LENGTH);
  if (/^\d[\d,.]*$/.test(folded)) return folded.replace(/,/g, '').replace(/\.$/, '');
  const clipped = folded.replace(/\./g, '');
  return NUMBER_WORDS.get(clipped) ?? foldTransliteration(stem(americanize(clipped)));
}

function stem(word: string): string {
  return STEM_EXCEPTIONS.get(word) ?? stemmer(word);
}

/**
 * Whether a token carries meaning of its own: a word or number that is not in
 * wink's stop-word list. A stop word written as an acronym ("US", "IT") counts.
 *
 * @example
 * isContent(analyzeText('the US').tokens[1]) // => true
 */
export function isContent(token: Token, shouting = false): boolean {
  if (token.type !== 'word' && token.type !== 'number') return false;
  if (!/[\p{L}\p{N}]/u.test(token.value)) return false;
  if (token.type === 'number' || token.pos === 'NUM') return true;
  return !token.stop || (!shouting && token.value.length > 1 && /^[A-Z.]+$/.test(token.value));
}

/**
 * Whether a text is written in capitals throughout ("WHAT DID CHINA SAY"):
 * then a word in capitals is no acronym.
 *
 * @example
 * isShouting(analyzeText('WHAT DID CHINA SAY').tokens) // => true
 */
export function isShouting(tokens: ReadonlyArray<Token>): boolean {
  const words = tokens.filter((token) => token.type === 'word' && /\p{L}/u.test(token.value));
  const capitals = words.filter((token) => token.value === token.value.toUpperCase());
  return words.length >= 2 && capitals.length === words.length;
}

/**
 * The index term of a content token (see {@link isContent}), or null: its
 * lemma made a term (see {@link toTerm}).
 *
 * @example
 * termOfToken(analyzeText('They led.').tokens[1]) // => 'lead'
 */
export function termOfToken(token: Token, shouting = false): string | null {
  if (!isContent(token, shouting)) return null;
  const term = toTerm(token.type === 'number' ? token.value : token.lemma || token.normal);
  return term === '' ? null : term;
}

/**
 * Calls `visit` with each index term of an analysed text, the token it came
 * from and its position: each content token's term, and for a compound
 * written with hyphens ("cease-fire") the whole as well ("ceasefire").
 *
 * @example
 * forEachTerm(analyzeText('The cease-fire held.'), (term) => console.log(term)) // ceas, fire, ceasefir, held
 */
export function forEachTerm(
  analysis: TextAnalysis,
  visit: (term: string, token: Token, position: number) => void,
): void {
  const { tokens } = analysis;
  const shouting = isShouting(tokens);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const term = termOfToken(token, shouting);
    if (term) visit(term, token, i);
    const hyphen = tokens[i + 1];
    const next = tokens[i + 2];
    if (hyphen?.value === '-' && !hyphen.spaced && next && !next.spaced && next.type === 'word') {
      const whole = toTerm(`${token.normal}${next.normal}`);
      if (whole && term) visit(whole, { ...token, value: `${token.value}-${next.value}` }, i);
    }
  }
}

/**
 * The index terms of a text, in order (see {@link forEachTerm}).
 *
 * @example
 * indexTerms('Russia’s 1,000 POWs') // => ['rusia', '1000', 'pow']
 */
export function indexTerms(text: string): string[] {
  const terms: string[] = [];
  forEachTerm(analyzeText(text), (term) => terms.push(term));
  return terms;
}
