import { analyzeText, Kind, type Token } from '../text/language.ts';
import { cleanInput, foldText } from '../text/normalize.ts';
import { soundex } from '../text/spelling.ts';
import { forEachTerm, toTerm } from '../text/terms.ts';
import { WordNet, wordNetPartOfSpeech } from '../text/wordnet.ts';
import type { SearchIndex } from './build.ts';
import { WEIGHTS, type Weights } from './weights.ts';

/** The kind of answer a question asks for. */
export type Expectation = 'time' | 'number' | 'duration' | 'place' | 'person';

/** The bits of `language.ts`'s {@link Kind} that hold each expected kind of answer. */
export const EXPECTED_KINDS: Readonly<Record<Expectation, number>> = {
  time: Kind.time,
  number: Kind.number,
  duration: Kind.duration,
  place: Kind.place,
  person: Kind.name,
};

/** How a question word was found in the corpus. */
export type ConceptStatus = 'found' | 'expanded' | 'missing';

/** One meaningful word of a question and the index terms that match it. */
export interface Concept {
  /** As the asker wrote it. */
  readonly original: string;
  /** Index terms that match it, with their strength: 1 for the word itself, less for a synonym. */
  readonly terms: ReadonlyMap<string, number>;
  /** How much it counts: its inverse document frequency. */
  readonly weight: number;
  /** found: the corpus has the word; expanded: only a synonym, near spelling or initials; missing: nothing. */
  readonly status: ConceptStatus;
  /** Written as a name: capitalised inside the question, or in capitals. */
  readonly name: boolean;
  /** The corpus word a misspelling was read as, or null. */
  readonly correction: string | null;
  /**
   * The terms by which it names particular articles: itself, or the name its
   * initials spell, when the metadata of some articles, at most half, hold it
   * (an author, a year). Empty when it names none. An article that holds none of
   * them, in its text or metadata, is not what it points to; a synonym is no name.
   */
  readonly articleNames: ReadonlySet<string>;
}

/** A question, analysed once: everything ranking and refusal read. */
export interface Question {
  readonly text: string;
  /** The interrogative it opens with ("who", "how many"), or null. */
  readonly questionWord: string | null;
  /** The kind of answer it asks for, or null. */
  readonly expects: Expectation | null;
  /** Asks for yes or no ("Did they agree?"). */
  readonly yesNo: boolean;
  /** Positions in {@link concepts} of who a "what did X say" question asks about. */
  readonly speaker: ReadonlyArray<number>;
  /** Positions in {@link concepts} of what it asks about, after "about". */
  readonly topic: ReadonlyArray<number>;
  readonly concepts: ReadonlyArray<Concept>;
}

/**
 * What a question's interrogative asks for. The English interrogatives, as any
 * grammar lists them; "what/which" ask for what the next word names.
 */
const EXPECTATIONS: Readonly<Record<string, Expectation>> = {
  when: 'time',
  where: 'place',
  who: 'person',
  whom: 'person',
  'how many': 'number',
  'how much': 'number',
  'how long': 'duration',
  'what year': 'time',
  'which year': 'time',
};
/**
 * What "what/which" + noun asks for, by the WordNet category the noun is a kind
 * of ("date" is a time unit, "cost" a monetary value, "percentage" a magnitude
 * relation). Each names that lemma's most frequent WordNet sense; times come
 * before numbers because WordNet files time units under "measure".
 */
const NOUN_EXPECTATIONS: ReadonlyArray<readonly [string, Expectation]> = [
  ['time_period', 'time'],
  ['time_unit', 'time'],
  ['point_in_time', 'time'],
  ['quantity', 'number'],
  ['magnitude', 'number'],
  ['magnitude_relation', 'number'],
  ['monetary_value', 'number'],
  ['location', 'place'],
  ['person', 'person'],
];
/** Between "what/which" and the noun it asks for: "is", "the", "total" in "What is the total cost". */
const BEFORE_HEAD = new Set(['AUX', 'DET', 'ADJ', 'ADV', 'NUM', 'PROPN']);
const INTERROGATIVES = new Set([
  'who',
  'whom',
  'whose',
  'what',
  'which',
  'when',
  'where',
  'why',
  'how',
]);

/** Questions use at most this many distinct words; more is not a question but a paste. */
export const MAX_QUERY_CONCEPTS = 32;

let sharedWordNet: WordNet | undefined;

/** The WordNet reader shared by every question (its files are read once). */
export function defaultWordNet(): WordNet {
  sharedWordNet ??= new WordNet();
  return sharedWordNet;
}

/**
 * Analyses a question once into the typed, frozen value that ranking and
 * refusal read.
 *
 * @example
 * const question = analyzeQuestion(index, 'When did FDR speak about the four freedoms?');
 * question.expects // => 'time'
 * question.concepts.map((c) => c.original) // => ['FDR', 'speak', 'four', 'freedoms']
 */
export function analyzeQuestion(
  index: SearchIndex,
  text: string,
  weights: Readonly<Weights> = WEIGHTS,
  wordnet: WordNet = defaultWordNet(),
): Question {
  const clean = cleanInput(text);
  const analysis = analyzeText(clean);
  const { tokens } = analysis;
  const words = tokens.filter((token) => token.type === 'word' || token.type === 'number');
  const whAt = words.findIndex((token) => INTERROGATIVES.has(token.normal));
  const wh = words[whAt];
  const next = words[whAt + 1]?.normal;
  const questionWord = wh
    ? next && EXPECTATIONS[`${wh.normal} ${next}`]
      ? `${wh.normal} ${next}`
      : wh.normal
    : null;
  const expects = questionWord
    ? (EXPECTATIONS[questionWord] ??
      (wh?.normal === 'what' || wh?.normal === 'which'
        ? headNounExpectation(words.slice(whAt + 1), wordnet)
        : null))
    : null;
  const yesNo = !wh && words[0]?.pos === 'AUX';
  const documents = Math.max(1, index.passages.length);
  const idf = (passages: number) => Math.log(1 + (documents - passages + 0.5) / (passages + 0.5));
  const maxIdf = idf(0);
  const concepts: Concept[] = [];
  const positions: number[] = [];
  const seen = new Set<string>();
  forEachTerm(analysis, (term, token, position) => {
    if (positions.at(-1) === position) {
      // The whole of a hyphenated compound ("cease-fire") matches its first part's concept too.
      const last = concepts.at(-1);
      if (last && index.vocabulary.has(term)) {
        concepts[concepts.length - 1] = { ...last, terms: new Map([...last.terms, [term, 1]]) };
      }
      return;
    }
    // A word asked twice is one concept; a paste of many words is cut, which bounds the work.
    if (seen.has(term) || concepts.length >= MAX_QUERY_CONCEPTS) return;
    seen.add(term);
    positions.push(position);
    concepts.push(conceptOf(index, token, term, position, weights, wordnet, idf, maxIdf));
  });
  const sayAt = tokens.findIndex((token) => token.pos === 'VERB' && token.lemma === 'say');
  const aboutAt = tokens.findIndex((token) => token.normal === 'about');
  const speaker =
    sayAt > 0
      ? concepts.flatMap((concept, i) => (concept.name && (positions[i] ?? 0) < sayAt ? [i] : []))
      : [];
  const topic =
    aboutAt >= 0 ? concepts.flatMap((_, i) => ((positions[i] ?? 0) > aboutAt ? [i] : [])) : [];
  return Object.freeze({
    text: clean,
    questionWord,
    expects,
    yesNo,
    speaker: Object.freeze(speaker),
    topic: Object.freeze(topic),
    concepts: Object.freeze(concepts.map((concept) => Object.freeze(concept))),
  });
}

/**
 * What the noun a "what/which" question asks for names, by WordNet: the last
 * noun of the first run of nouns after the interrogative ("cost" in "What was the
 * total cost of …"), when only a form of "be", determiners, adjectives, adverbs,
 * numbers and names come before it ("What did Obama say" asks for no noun).
 */
function headNounExpectation(after: readonly Token[], wordnet: WordNet): Expectation | null {
  let at = 0;
  while (
    after[at] &&
    BEFORE_HEAD.has(after[at]?.pos ?? '') &&
    (after[at]?.pos !== 'AUX' || after[at]?.lemma === 'be')
  )
    at++;
  // The last common noun of the run: a name tagged as a noun ("reagan") is no head.
  let head: string | undefined;
  for (; after[at]?.pos === 'NOUN'; at++) {
    const lemma = after[at]?.lemma || after[at]?.normal || '';
    if (wordnet.kind(lemma) === 'common') head = lemma;
  }
  return head ? wordnet.nounCategory(head, NOUN_EXPECTATIONS) : null;
}

/** Words shorter than this are never read as misspellings: too many words are one edit away. */
const MIN_FUZZY_LENGTH = 4;
/** From this length a word may be two edits from the corpus word it stands for ("Britian", "wrold"). */
const TWO_EDIT_LENGTH = 5;
/** Near spellings kept for one word, the most frequent first. */
const MAX_FUZZY_MATCHES = 3;

function conceptOf(
  index: SearchIndex,
  token: Token,
  term: string,
  position: number,
  weights: Readonly<Weights>,
  wordnet: WordNet,
  idf: (passages: number) => number,
  maxIdf: number,
): Concept {
  const { vocabulary } = index;
  const folded = foldText(token.value)
    .replace(/['’]s$/, '')
    .replace(/\./g, '');
  // Written as a name, or a word the corpus lacks that WordNet knows as a name ("china").
  const name =
    (position > 0 && /^\p{Lu}/u.test(token.value)) ||
    (token.value.length > 1 && /^[\p{Lu}.]+$/u.test(token.value)) ||
    (!vocabulary.has(term) && wordnet.kind(folded) === 'proper');
  const terms = new Map<string, number>();
  const own = vocabulary.get(term);
  if (own) terms.set(term, 1);
  const add = (candidate: string, strength: number) => {
    if (strength > (terms.get(candidate) ?? 0) && vocabulary.has(candidate))
      terms.set(candidate, strength);
  };
  // Initials of a name the corpus has ("FDR"), when written in capitals or not a word of the corpus.
  const typedAsInitials = /^\p{Lu}{2,5}$/u.test(token.value.replace(/\./g, ''));
  const naming = [term];
  if (typedAsInitials || !own) {
    for (const name of index.initialisms.get(folded) ?? []) {
      for (const part of name.split(' ')) {
        add(part, weights.initialism);
        naming.push(part);
      }
    }
  }
  const articles = index.metaTerms.size;
  // A lone letter is a middle initial ("George W. Bush"), not a name that points to an article;
  // a word in most titles ("State of the Union") says nothing of which article.
  const namesArticles = naming.some((candidate) => {
    const holding = index.metaArticles.get(candidate) ?? 0;
    return candidate.length > 1 && holding > 0 && holding * 2 <= articles;
  });
  const articleNames: ReadonlySet<string> = new Set(namesArticles ? naming : []);
  if (token.type === 'word') {
    const lemma = token.lemma || token.normal;
    const partOfSpeech = wordNetPartOfSpeech(token.pos);
    for (const synonym of wordnet.synonyms(lemma, partOfSpeech)) {
      if (!synonym.includes(' ')) add(toTerm(synonym), weights.synonym);
    }
    if (weights.related > 0) {
      for (const related of wordnet.related(lemma, partOfSpeech)) {
        if (!related.includes(' ')) add(toTerm(related), weights.related);
      }
    }
  }
  let correction: string | null = null;
  if (!own && terms.size === 0 && folded.length >= MIN_FUZZY_LENGTH && token.type === 'word') {
    // Noisy channel: a word of the dictionary is far likelier meant than mistyped, and a real
    // word typed for another is one slip that keeps its sound ("heals" for "heels"), unlike
    // "place" and "peace" or "place" and "palace".
    const known = wordnet.kind(folded) !== 'unknown';
    const distance = !known && folded.length >= TWO_EDIT_LENGTH ? 2 : 1;
    const sound = soundex(folded);
    const near = [...(index.words.fuzzyGet(folded, distance) ?? new Map()).entries()]
      .map(([word, [candidate, edits]]) => ({
        word,
        candidate,
        edits,
        info: vocabulary.get(candidate),
      }))
      // A name is misspelt as another name, never as a common word ("China" is no "chain").
      .filter(
        ({ info }) => !name || (info !== undefined && info.capitalized * 2 > info.occurrences),
      )
      .filter(({ word }) => !known || soundex(word) === sound)
      .map(({ info, ...near }) => ({ ...near, passages: info?.passages ?? 0 }))
      .sort((a, b) => a.edits - b.edits || b.passages - a.passages)
      .slice(0, MAX_FUZZY_MATCHES);
    for (const { candidate } of near) add(candidate, weights.fuzzy);
    const first = near[0];
    // A word of the dictionary is not shown as a misspelling: it may be meant as written.
    correction = first && !known ? (vocabulary.get(first.candidate)?.word ?? first.word) : null;
  }
  const status: ConceptStatus = own ? 'found' : terms.size > 0 ? 'expanded' : 'missing';
  const passages = own
    ? own.passages
    : Math.max(0, ...[...terms.keys()].map((t) => vocabulary.get(t)?.passages ?? 0));
  const weight =
    status === 'missing' ? maxIdf * (name ? weights.unknownName : weights.unknown) : idf(passages);
  return { original: token.value, terms, weight, status, name, correction, articleNames };
}
