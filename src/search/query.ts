import { cleanInput } from '../text/normalize.ts';
import { likelySlips, soundKey } from '../text/spelling.ts';
import { CHAT_OPENERS, isChatOpener, isStopWord } from '../text/stopwords.ts';
import type { Synonym, Synonyms } from '../text/synonyms.ts';
import { termOf, toTerm } from '../text/terms.ts';
import { isShouting, type Token, tokenize } from '../text/tokenize.ts';
import type { WordKind } from '../text/wordnet.ts';
import {
  type AnswerType,
  expectedAnswerType,
  isFrameNoun,
  isQuestionPhraseWord,
  speakerOf,
} from './answer-type.ts';
import type { SearchIndex } from './build.ts';

/** How much a curated synonym counts next to a word the user typed. */
export const CURATED_WEIGHT = 0.6;
/** How much a WordNet synonym counts: it helps ranking but never makes a question answerable. */
export const WORDNET_WEIGHT = 0.3;
/** How much a WordNet derived form or antonym counts ("decide" for "decision", "low" for "high"). */
export const RELATED_WEIGHT = 0.25;
/** How much another form of a name counts ("Albania" for "Albanian"). */
export const NAME_FORM_WEIGHT = 0.8;
/** How much another degree of an adjective counts ("fastest" for "fast"). */
export const DEGREE_WEIGHT = 0.8;
/** How much a typo-corrected word counts next to one spelled as in the text. */
export const CORRECTION_WEIGHT = 0.8;
/** How much more a missing name (a person, place, organisation) weighs than a missing common word. */
export const ENTITY_WEIGHT = 2;
/** A word the text capitalizes at least this often is read as a name. */
const NAME_CAPITALIZATION = 0.6;
/** How much a missing common word weighs when WordNet relates it to words the articles use. */
const PARAPHRASE_DISCOUNT = 0.5;
/** How much a missing adverb weighs next to a missing word that names something. */
const MODIFIER_WEIGHT = 0.25;
/** A name WordNet knows this long, one letter off a name of the articles, is taken for a variant spelling of it. */
const NAME_VARIANT_LENGTH = 7;
/** Questions use at most this many distinct words; more is not a question but a paste. */
export const MAX_QUERY_CONCEPTS = 32;

/**
 * One thing the question asks about: a word the user typed, with what it was
 * matched to.
 * - `found`: the word is in the articles (or was a small typo of a word that is);
 * - `synonym`: the word is not, but a curated synonym is;
 * - `missing`: nothing in the articles stands for it;
 * - `noise`: a short unknown word such as "abt" or "wat", ignored.
 */
export interface Concept {
  /** The word as the user wrote it. */
  original: string;
  /** The index term searched: the word's own, or the one its typo was corrected to. */
  term: string;
  status: 'found' | 'synonym' | 'missing' | 'noise';
  /** The word it was corrected to when the user's spelling is not in the articles. */
  correction: string | null;
  /** Index terms searched for this concept, with their weights (the concept's own term is 1). */
  searchTerms: Map<string, number>;
  /** Inverse document frequency (doubled for a missing name): rarer words say more about what is asked. */
  weight: number;
  /** True for a name: a question about a name no passage has is not answered by other words. */
  entity: boolean;
  /** Nearby spellings of a missing word, for "did you mean". */
  nearMisses: string[];
  /** True for an adverb ("genuinely", "currently"): it colours what is asked more than it names it. */
  modifier: boolean;
  /** True when WordNet has a synonym of the word that the articles use: it may be a paraphrase. */
  paraphrased: boolean;
}

/** A question turned into concepts, ready to search. */
export interface AnalyzedQuery {
  text: string;
  concepts: Concept[];
  /** The kind of answer the question's words ask for ("how many" → number), if any. */
  expects: AnswerType | null;
  /** The concepts naming who a "what did X say" question asks about (see `speakerOf`); else none. */
  speaker: Concept[];
}

/**
 * How strongly a set of terms matches a concept: the weight of its strongest
 * search term among them (1 for the concept's own word), or 0.
 *
 * @example
 * const [ceasefire] = analyzeQuery(index, synonyms, 'ceasefire').concepts;
 * matchStrength(ceasefire, new Set([toTerm('truce')])) // => 0.6 (a curated synonym)
 */
export function matchStrength(concept: Concept, terms: ReadonlySet<string>): number {
  let strongest = 0;
  for (const [term, weight] of concept.searchTerms) {
    if (weight > strongest && terms.has(term)) strongest = weight;
  }
  return strongest;
}

/**
 * Analyzes a question against an index: which words matter, which the
 * articles know, their corrections and synonyms.
 *
 * @example
 * analyzeQuery(index, synonyms, 'Who led the Ukrainian team?').concepts.map((c) => c.status)
 * // => ['found', 'found', 'found']
 */
export function analyzeQuery(
  index: SearchIndex,
  synonyms: Synonyms,
  question: string,
): AnalyzedQuery {
  const text = cleanInput(question);
  const words = withoutOpeners(index, tokenize(text));
  const tokens = contentTokens(index, synonyms, words);
  // Capitals mark names, except on a question's first word or in a shouted question:
  // "Macrone" in "What did Macrone say" is typed as a name.
  const capitalsMeanNames = !isShouting(text);
  const slipsLeft = { count: MAX_SLIPS_PER_QUESTION };
  const concepts = tokens.map((token, position) =>
    toConcept(
      index,
      synonyms,
      token,
      capitalsMeanNames && !(position === 0 && token.original === words[0]?.original),
      slipsLeft,
    ),
  );
  const expects = expectedAnswerType(text);
  addCuratedSynonyms(index, synonyms, concepts);
  for (const concept of concepts) {
    if (concept.status === 'missing' && concept.entity) addNameForms(index, synonyms, concept);
  }
  for (const concept of concepts) {
    if (concept.status === 'missing') concept.weight = Math.log(1 + index.passages.length);
    if (concept.status === 'missing' && concept.entity) concept.weight *= ENTITY_WEIGHT;
    if (concept.status === 'missing' && concept.modifier) concept.weight *= MODIFIER_WEIGHT;
    // "talks venue": the kind of answer asked for stands for the word, which few passages use.
    if (concept.status === 'missing' && isFrameNoun(concept.original.toLowerCase(), expects))
      concept.weight *= MODIFIER_WEIGHT;
  }
  for (const concept of concepts) {
    if (concept.status === 'noise' || (concept.status === 'missing' && concept.entity)) continue;
    const missing = concept.status === 'missing';
    const weight = concept.weight;
    // A misspelt word the articles lack has its synonyms looked up as spelt right ("absense").
    const word = ((missing && concept.correction) || concept.original).toLowerCase();
    const known = (synonym: Synonym) => synonym.terms.every((term) => isKnown(index, term));
    const synonymsKnown = synonyms.wordnet(word).filter(known);
    for (const synonym of synonymsKnown) {
      addSearchTerms(index, concept, synonym.terms, WORDNET_WEIGHT / synonym.terms.length);
    }
    for (const form of synonyms.related(word).filter(known)) {
      addSearchTerms(index, concept, form.terms, RELATED_WEIGHT / form.terms.length);
    }
    // A common word the articles lack may be a paraphrase: it still counts
    // against a passage that does not cover it, but less when WordNet has a
    // synonym of it the articles use (a derived form or an opposite is no paraphrase).
    concept.paraphrased = synonymsKnown.length > 0;
    if (missing) concept.weight = concept.paraphrased ? weight * PARAPHRASE_DISCOUNT : weight;
  }
  return { text, concepts, expects, speaker: speakerConcepts(text, concepts) };
}

/** The concepts that name who a "what did X say" question asks about. */
function speakerConcepts(text: string, concepts: Concept[]): Concept[] {
  const speaker = speakerOf(text);
  if (!speaker) return [];
  const words = new Set(tokenize(speaker).map((token) => token.original.toLowerCase()));
  return concepts.filter(
    (concept) => concept.status !== 'noise' && words.has(concept.original.toLowerCase()),
  );
}

/** Particles that make a phrasal verb, written solid in chat ("meetup", "showup"). */
const PARTICLES = ['up', 'out', 'off', 'down', 'over', 'in', 'on'];

/**
 * A word unknown to the articles and to WordNet that is a word of the articles
 * with a particle written solid ("meetup" → "meet" + "up"), as those parts;
 * any other token as it is.
 */
function withParticleSplit(index: SearchIndex, synonyms: Synonyms, token: Token): Token {
  if (token.parts.length > 0 || isKnown(index, toTerm(token.word))) return token;
  const particle = PARTICLES.find((ending) => token.word.endsWith(ending));
  const verb = particle ? token.word.slice(0, -particle.length) : '';
  if (!particle || verb.length < 3 || !isKnown(index, toTerm(verb))) return token;
  if (synonyms.wordKind(token.word) !== 'unknown') return token;
  return { ...token, parts: [verb, particle] };
}

/** The tokens after the words that only open a chat message ("wait so …", "wait putin …"). */
function withoutOpeners(index: SearchIndex, tokens: Token[]): Token[] {
  let start = 0;
  const opens = (word: string, next: string | undefined) =>
    isChatOpener(word, next) ||
    // "wait putin skipped it??": before a name, an opener acts on nothing.
    (CHAT_OPENERS.has(word) && next !== undefined && isName(index, toTerm(next)));
  while (opens(tokens[start]?.word ?? '', tokens[start + 1]?.word)) start++;
  return start === 0 ? tokens : tokens.slice(start);
}

/**
 * The tokens that can carry meaning: not stop words, at most one per distinct
 * term, and a hyphenated compound as one word when the articles have it whole,
 * as its parts otherwise.
 */
function contentTokens(index: SearchIndex, synonyms: Synonyms, tokens: Token[]): Token[] {
  const result: Token[] = [];
  const seen = new Set<string>();
  const push = (token: Token) => {
    if (
      (isStopWord(token.word) && !token.acronym) ||
      seen.has(token.word) ||
      result.length >= MAX_QUERY_CONCEPTS
    )
      return;
    seen.add(token.word);
    result.push(token);
  };
  tokens.forEach((typed, i) => {
    if (isQuestionPhraseWord(tokens[i - 1]?.word, typed.word, tokens[i + 1]?.word)) return;
    const token = withParticleSplit(index, synonyms, typed);
    if (token.parts.length === 0 || isKnown(index, toTerm(token.word))) {
      push(token);
      return;
    }
    const originals = token.original.split('-');
    token.parts.forEach((part, j) => {
      push({ original: originals[j] ?? part, word: part, acronym: token.acronym, parts: [] });
    });
  });
  return result;
}

function toConcept(
  index: SearchIndex,
  synonyms: Synonyms,
  token: Token,
  capitalMeansName: boolean,
  slipsLeft: { count: number },
): Concept {
  const term = toTerm(token.word);
  const typedAsName = token.acronym || (capitalMeansName && /^\p{Lu}/u.test(token.original));
  const concept: Concept = {
    original: token.original,
    term,
    status: 'found',
    correction: null,
    searchTerms: new Map(),
    weight: 0,
    entity: typedAsName,
    nearMisses: [],
    modifier: false,
    paraphrased: false,
  };
  const degrees = synonyms
    .degrees(token.word)
    .filter((degree) => degree.terms.every((form) => isKnown(index, form)));
  if (isKnown(index, term)) {
    addSearchTerms(index, concept, [term], 1);
    for (const degree of degrees) addSearchTerms(index, concept, degree.terms, DEGREE_WEIGHT);
    concept.entity ||= isName(index, term);
    return concept;
  }
  // "How fast …" when the text says "the fastest possible steps": the same word, compared.
  if (degrees.length > 0) {
    concept.term = degrees[0]?.terms[0] ?? term;
    for (const degree of degrees) addSearchTerms(index, concept, degree.terms, DEGREE_WEIGHT);
    return concept;
  }
  // Chat drops the final g ("meetin", "draggin").
  const withG = `${token.word}g`;
  if (token.word.endsWith('in') && isKnown(index, toTerm(withG))) {
    concept.correction = withG;
    concept.term = toTerm(withG);
    addSearchTerms(index, concept, [concept.term], CORRECTION_WEIGHT);
    return concept;
  }
  const kind = synonyms.wordKind(token.word);
  const close = closestTerms(index, token.word, term, typedAsName || kind === 'proper');
  // A real word is not a typo ("tanks" is not "talks"): it is only offered as "did you mean".
  // A long name is, when a name of the articles is one letter off ("Ukranian" → "Ukrainian").
  const correction =
    kind === 'unknown'
      ? close.exact
      : kind === 'proper' && token.word.length >= NAME_VARIANT_LENGTH
        ? close.nameSlip
        : null;
  // A slip stemming hides ("negotiatons"), or of a word the articles lack ("absense").
  const slip =
    !correction && kind === 'unknown' && !typedAsName && slipsLeft.count-- > 0
      ? slipOf(index, synonyms, token.word)
      : null;
  const corrected = correction ?? slip?.term;
  if (corrected) {
    concept.correction = index.vocabulary.get(corrected)?.word ?? corrected;
    concept.term = corrected;
    addSearchTerms(index, concept, [corrected], CORRECTION_WEIGHT);
    concept.entity ||= isName(index, corrected);
    return concept;
  }
  concept.nearMisses = close.near;
  if (slip) {
    // A word of English the articles lack, misspelt ("absense"): no name, and no grounds to refuse.
    concept.correction = slip.word;
    concept.status = isStopWord(slip.word) ? 'noise' : 'missing';
    concept.modifier = synonyms.wordKind(slip.word) === 'adverb';
    return concept;
  }
  concept.status = isShorthand(token, kind) ? 'noise' : 'missing';
  concept.modifier = kind === 'adverb';
  // An unknown word is a name when WordNet knows it as one, or not at all (Erdogan, Macron).
  concept.entity ||= kind === 'proper' || (kind === 'unknown' && token.word.length >= 5);
  return concept;
}

/** Words shorter than this are too close to too many others to guess what they misspell. */
const MIN_SLIP_LENGTH = 5;
/** Longer than any English word a reader would misspell: no slip is looked for. */
const MAX_SLIP_LENGTH = 20;
/**
 * Unknown words of one question looked at for slips: each costs a hundred
 * look-ups, and a question with more misspellings than this is gibberish sooner
 * than a question (a pasted line of it took 100 ms before this limit).
 */
const MAX_SLIPS_PER_QUESTION = 3;

/**
 * What a word unknown to the articles and to WordNet misspells, by one likely
 * slip (see `likelySlips`): a stop word ("wernt" → "werent"); else a word of the
 * articles, with its term, even where stemming hides the likeness ("negotiatons"
 * → "negotiations"); else a word of English ("absense" → "absence"); else null: likelier a name.
 */
function slipOf(index: SearchIndex, synonyms: Synonyms, word: string): Slip | null {
  if (word.length < MIN_SLIP_LENGTH || word.length > MAX_SLIP_LENGTH) return null;
  let slips = slipsOfIndex.get(index);
  if (!slips) {
    slips = new Map();
    slipsOfIndex.set(index, slips);
  }
  let slip = slips.get(word);
  if (slip === undefined) {
    if (slips.size >= SLIP_CACHE_LIMIT) slips.clear();
    slip = findSlip(index, synonyms, word);
    slips.set(word, slip);
  }
  return slip;
}

interface Slip {
  /** The word as meant. */
  word: string;
  /** Its index term, when the articles have it. */
  term: string | null;
}

/** Each index's slips found so far: a hundred spellings are tried for each unknown word. */
const slipsOfIndex = new WeakMap<SearchIndex, Map<string, Slip | null>>();
const SLIP_CACHE_LIMIT = 10_000;

function findSlip(index: SearchIndex, synonyms: Synonyms, word: string): Slip | null {
  const slips = likelySlips(word);
  const stopWord = slips.find(isStopWord);
  if (stopWord) return { word: stopWord, term: null };
  let best: { word: string; term: string; passages: number } | null = null;
  for (const slip of slips) {
    const term = termOf(slip);
    const passages = index.vocabulary.get(term)?.passages ?? 0;
    if (passages > (best?.passages ?? 0)) best = { word: slip, term, passages };
  }
  if (best) return best;
  const english = slips.find((slip) => ['common', 'adverb'].includes(synonyms.wordKind(slip)));
  return english ? { word: english, term: null } : null;
}

function isName(index: SearchIndex, term: string): boolean {
  const info = index.vocabulary.get(term);
  return info !== undefined && info.capitalized >= info.occurrences * NAME_CAPITALIZATION;
}

/**
 * A name the articles lack may be there in another form: "Albanian" for
 * "Albania", "Turkish" for "Turkey" (WordNet's derived and pertaining words).
 */
function addNameForms(index: SearchIndex, synonyms: Synonyms, concept: Concept) {
  for (const form of synonyms.related(concept.original.toLowerCase())) {
    if (form.terms.length === 1 && form.terms.every((term) => isKnown(index, term))) {
      addSearchTerms(index, concept, form.terms, NAME_FORM_WEIGHT);
      concept.status = 'synonym';
    }
  }
}

/** Attaches curated synonyms; a word the articles lack is answerable through them. */
function addCuratedSynonyms(index: SearchIndex, synonyms: Synonyms, concepts: Concept[]) {
  const terms = concepts.map((concept) => concept.term);
  for (const match of synonyms.curatedPhrases(terms)) {
    const phrase = concepts.slice(match.start, match.start + match.length);
    for (const synonym of match.synonyms) {
      if (!synonym.terms.every((term) => isKnown(index, term))) continue;
      for (const concept of phrase) {
        addSearchTerms(index, concept, synonym.terms, CURATED_WEIGHT / synonym.terms.length);
        if (concept.status === 'missing' || concept.status === 'noise') concept.status = 'synonym';
      }
    }
  }
}

function addSearchTerms(
  index: SearchIndex,
  concept: Concept,
  terms: readonly string[],
  weight: number,
) {
  for (const term of terms) {
    if (!isKnown(index, term)) continue;
    if ((concept.searchTerms.get(term) ?? 0) < weight) concept.searchTerms.set(term, weight);
    // The first terms added are the concept's own (or its best stand-in): they set its weight.
    if (concept.weight === 0) concept.weight = inverseFrequency(index, term);
  }
}

/** A term is known when a passage or an article's title or publisher has it. */
function isKnown(index: SearchIndex, term: string): boolean {
  return index.vocabulary.has(term) || headerTerms(index).has(term);
}

const headerTermsOfIndex = new WeakMap<SearchIndex, ReadonlySet<string>>();

/** Every article's title and publisher terms in one set, made once per index (a question asks many times). */
function headerTerms(index: SearchIndex): ReadonlySet<string> {
  let terms = headerTermsOfIndex.get(index);
  if (!terms) {
    terms = new Set([...index.articleTerms.values()].flatMap((set) => [...set]));
    headerTermsOfIndex.set(index, terms);
  }
  return terms;
}

function inverseFrequency(index: SearchIndex, term: string): number {
  const passages = index.vocabulary.get(term)?.passages ?? 1;
  return Math.log(1 + index.passages.length / passages);
}

/**
 * Typo tolerance. A word whose term has 5+ letters and is one edit from a vocabulary term
 * (8+ letters: two edits) is corrected silently, and so is a word of 4+ letters with two
 * neighbouring letters swapped ("Kier" for "Keir") or, typed as a name, one edit from a
 * name ("Rute" for "Rutte": `nameSlip`); other close terms are offered as "did you mean".
 * The term's length counts, as edits are counted between terms: "seperate" stems to
 * "seper", which two edits do not make "upper".
 */
function closestTerms(
  index: SearchIndex,
  word: string,
  term: string,
  typedAsName: boolean,
): { exact: string | null; nameSlip: string | null; near: string[] } {
  if (word.length < 4 || /^\d/.test(term)) return { exact: null, nameSlip: null, near: [] };
  const silentDistance = term.length >= 8 ? 2 : term.length >= 5 ? 1 : 0;
  const candidates = [...(index.vocabulary.fuzzyGet(term, 2) ?? new Map())]
    .map(([candidate, [info, edits]]) => {
      // A swap of neighbours is one slip of the fingers, though it takes two edits.
      const swapped = isSwap(term, candidate);
      const soundsAlike = soundKey(candidate) === soundKey(term);
      return { candidate, info, swapped, soundsAlike, distance: swapped ? 1 : edits };
    })
    .sort(
      (a, b) =>
        a.distance - b.distance ||
        Number(b.swapped) - Number(a.swapped) ||
        Number(b.soundsAlike) - Number(a.soundsAlike) ||
        b.info.passages - a.info.passages,
    );
  const best = candidates[0];
  const nameSlip = typedAsName && best?.distance === 1 && isName(index, best.candidate);
  const exact =
    best && (best.distance <= silentDistance || best.swapped || nameSlip) ? best.candidate : null;
  const near = candidates
    .filter(({ distance }) => distance <= Math.max(1, Math.floor(word.length / 4)))
    .slice(0, 3)
    .map(({ info }) => info.word);
  return { exact, nameSlip: nameSlip && best ? best.candidate : null, near };
}

/** Whether two strings differ only by two neighbouring characters swapped ("kier", "keir"). */
function isSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const first = [...a].findIndex((char, i) => char !== b[i]);
  return (
    first >= 0 &&
    a[first] === b[first + 1] &&
    a[first + 1] === b[first] &&
    a.slice(first + 2) === b.slice(first + 2)
  );
}

/**
 * Chat shorthand the articles do not know ("u", "abt", "wat"): one or two
 * letters, or three that are no English word ("old" is one).
 */
function isShorthand(token: Token, kind: WordKind): boolean {
  if (token.acronym || /^\d/.test(token.word)) return false;
  return token.word.length <= 2 || (token.word.length === 3 && kind === 'unknown');
}
