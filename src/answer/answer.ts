import { splitSentences } from '../corpus/split.ts';
import type { AnswerType } from '../search/answer-type.ts';
import type { Passage, SearchIndex } from '../search/build.ts';
import { type AnalyzedQuery, analyzeQuery, type Concept, matchStrength } from '../search/query.ts';
import { type RankedPassage, rankPassages } from '../search/rank.ts';
import { cleanInput } from '../text/normalize.ts';
import { Synonyms } from '../text/synonyms.ts';
import { indexTerms } from '../text/terms.ts';
import { tokenize } from '../text/tokenize.ts';

/** Longest question accepted, in characters; longer input is refused with a message, not cut. */
export const MAX_QUESTION_LENGTH = 500;
/**
 * The share of a question's weight the best passage must cover (its
 * `support`, see `rankPassages`) for the bot to answer outright; below it,
 * down to {@link MIN_LEADING_COVERAGE}, only when that passage clearly leads.
 */
const MIN_COVERAGE = 0.45;
/**
 * A passage that covers less than {@link MIN_COVERAGE}, but at least this
 * much, still answers when it clearly leads the next one (see {@link CLEAR_LEAD}).
 */
const MIN_LEADING_COVERAGE = 0.3;
/**
 * How many times the next passage's score the best one needs to clearly lead.
 * When several passages match a question equally weakly, they share only its
 * topic words; when one stands out, the question is about that one, even in
 * other words than the article's.
 */
const CLEAR_LEAD = 1.35;
/** Further passages are listed while they cover at least this share of what the best one covers. */
const RELATED_COVERAGE = 0.5;
/** Made once: building an Intl formatter costs more than an answer. */
const EITHER = new Intl.ListFormat('en', { type: 'disjunction' });
const BOTH = new Intl.ListFormat('en', { type: 'conjunction' });
/** Passages returned by default. */
export const DEFAULT_RESULT_COUNT = 3;

/** Where a passage comes from. */
export interface PassageSource {
  article: string;
  title: string;
  /** True when the title was derived from the article's first paragraph. */
  titleDerived: boolean;
  publisher: string | null;
  published: string | null;
  url: string | null;
  paragraph: number;
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

/** The result of {@link answer}: passages, or why there are none. */
export interface Answer {
  question: string;
  answered: boolean;
  /** Why the bot did not answer, in words for the asker. */
  reason?: string;
  /** Questions the bot can answer that are close to the one asked ("did you mean"). */
  suggestions?: string[];
  /** Words that were read as typos of words in the articles. */
  corrections?: Array<{ from: string; to: string }>;
  results: AnswerPassage[];
  /** How many passages match in all, for paging. */
  total: number;
}

/** Options for {@link answer} and {@link searchPassages}. */
export interface AnswerOptions {
  /** How many passages to return. Default {@link DEFAULT_RESULT_COUNT}. */
  limit?: number;
  /** How many of the best passages to skip, for paging. Default 0. */
  offset?: number;
  /** Only passages from this article id. Default: all. */
  article?: string;
  /** Synonym source. Default: the curated groups and WordNet, shared by all callers. */
  synonyms?: Synonyms;
}

let sharedSynonyms: Synonyms | undefined;
function defaultSynonyms(): Synonyms {
  sharedSynonyms ??= new Synonyms();
  return sharedSynonyms;
}

/**
 * Answers a question with the passages that answer it, best first, or
 * abstains with a reason: when a name or the focus of the question is in no
 * article, when no passage covers enough of it, or when none holds the kind
 * of answer it asks for (a time, a place, a number).
 *
 * @example
 * const result = answer(index, 'Who led the Ukrainian delegation?');
 * result.results[0]?.source.paragraph // => 22
 * answer(index, 'What did China say?').reason // => 'No article mentions China.'
 */
export function answer(index: SearchIndex, question: string, options: AnswerOptions = {}): Answer {
  const invalid = validateQuestion(question);
  if (invalid) return invalid;
  const query = analyzeQuery(index, options.synonyms ?? defaultSynonyms(), question);
  const unanswerable = explainUnanswerable(query);
  if (unanswerable) return unanswerable;
  const ranked = rankPassages(index, query, { article: options.article });
  const best = ranked[0];
  if (best && (!supportsAnswer(best, ranked[1]) || !coversTopic(query, best))) {
    return explainWeakMatch(query, best);
  }
  // "Who" is often answered by a group ("European leaders"), and what someone is by a
  // description ("the Kremlin's negotiator"), which no pattern tells from other words.
  if (best && query.expects && isCheckedType(query.expects) && !best.holdsType) {
    return explainMissingType(query, query.expects);
  }
  // Passages that cover much less of the question than the best one are noise, not further answers.
  const relevant = ranked.filter(
    (passage) => passage.coverage >= (best?.coverage ?? 0) * RELATED_COVERAGE,
  );
  return present(query, relevant, options);
}

/**
 * Looks passages up by keywords. Unlike {@link answer} it lists whatever
 * matches, even when some words match nothing; it only says so.
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
  const query = analyzeQuery(index, options.synonyms ?? defaultSynonyms(), text);
  const ranked = rankPassages(index, query, { article: options.article });
  if (ranked.length === 0) return explainUnanswerable(query) ?? notFound(query);
  return present(query, ranked, options);
}

/**
 * Checks a question before any search: not empty, not too long, has letters or digits.
 * Returns the refusal, or null when the question can be searched.
 */
export function validateQuestion(question: string): Answer | null {
  const text = cleanInput(question);
  const refuse = (reason: string): Answer => ({
    question: text,
    answered: false,
    reason,
    results: [],
    total: 0,
  });
  if (text === '')
    return refuse('Please type a question, for example "Who led Ukraine\'s delegation?"');
  const length = [...text].length;
  if (length > MAX_QUESTION_LENGTH) {
    return refuse(`That is ${length} characters; please ask in at most ${MAX_QUESTION_LENGTH}.`);
  }
  if (!/[\p{L}\p{N}]/u.test(text)) {
    return refuse(
      'That has no words to search for. Ask about a person, place or event in the articles.',
    );
  }
  return null;
}

/**
 * Why a question cannot be answered, or null when no name it asks about, nor
 * the focus of the question, is missing from the articles.
 */
function explainUnanswerable(query: AnalyzedQuery): Answer | null {
  const focus = questionFocus(query);
  const speaker = unknownSpeaker(query);
  const missing = query.concepts.filter(
    (concept) =>
      concept.status === 'missing' &&
      (concept.entity || speaker.includes(concept) || (concept === focus && !concept.paraphrased)),
  );
  const searchable = query.concepts.filter((concept) => concept.searchTerms.size > 0);
  const base = { question: query.text, answered: false, results: [], total: 0 };
  if (missing.length > 0) {
    const names = missing.map((concept) => concept.original);
    const suggestions = suggest(query, missing);
    return {
      ...base,
      reason: `No article mentions ${EITHER.format(names)}.`,
      ...(suggestions.length > 0 ? { suggestions } : {}),
    };
  }
  if (searchable.length === 0) {
    return {
      ...base,
      reason:
        'That has no words to search for. Ask about a person, place or event in the articles.',
    };
  }
  return null;
}

/**
 * The words naming who a "what did X say" question asks about, when the articles
 * have none of them ("what did macron say": WordNet knows "macron" only as a
 * mark over a vowel). What no one in the articles said cannot be reported.
 * Empty when any of them is known ("the head of the Western alliance").
 */
function unknownSpeaker(query: AnalyzedQuery): Concept[] {
  const { speaker } = query;
  return speaker.length > 0 && speaker.every((concept) => concept.status === 'missing')
    ? speaker
    : [];
}

/**
 * What a "how many/much …" or "how old/tall …" question asks about: the word
 * after "how", or after "how many/much" the first word that counts ("How many
 * *tanks* …", "How *old* is he?"). When the articles have neither it nor a
 * synonym of it, no passage can answer, whatever else matches. A "what/which"
 * question's first word is left to coverage: it is as often a paraphrase
 * ("What goodwill gesture …") as a trap.
 */
function questionFocus(query: AnalyzedQuery): Concept | undefined {
  const how = /^\s*how\s+(\p{L}+)/iu.exec(query.text)?.[1]?.toLowerCase();
  if (!how) return undefined;
  if (how === 'many' || how === 'much') {
    return query.concepts.find((concept) => concept.status !== 'noise');
  }
  return query.concepts.find((concept) => concept.original.toLowerCase() === how);
}

/**
 * Whether a passage covers what the question is about, when it says so with
 * "about" ("What did Rubio say about *sanctions*?"): at least one of the words
 * after it. A passage that quotes Rubio on something else does not answer.
 */
function coversTopic(query: AnalyzedQuery, passage: RankedPassage): boolean {
  const about = /\b(?:about|abt|regarding|concerning)\b/i.exec(query.text);
  if (!about) return true;
  // The words after "about" as the question's concepts spell them: whole, and a compound's parts.
  const after = new Set(
    tokenize(query.text.slice(about.index)).flatMap(({ original }) => {
      const word = original.toLowerCase();
      return [word, ...word.split('-')];
    }),
  );
  const topic = query.concepts
    .map((concept, position) => ({ concept, position }))
    .filter(
      ({ concept }) => concept.status !== 'noise' && after.has(concept.original.toLowerCase()),
    );
  return topic.length === 0 || topic.some(({ position }) => passage.matched.includes(position));
}

/** Whether the best passage covers enough of the question to answer it (see {@link MIN_COVERAGE}). */
function supportsAnswer(best: RankedPassage, next: RankedPassage | undefined): boolean {
  if (best.support >= MIN_COVERAGE) return true;
  return best.support >= MIN_LEADING_COVERAGE && (!next || best.score >= CLEAR_LEAD * next.score);
}

/** The best passage covers too little of the question: say which words nothing matched. */
function explainWeakMatch(query: AnalyzedQuery, best: RankedPassage): Answer {
  const unmatched = query.concepts
    .filter((concept, position) => concept.status !== 'noise' && !best.matched.includes(position))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, 3)
    .map((concept) => concept.original);
  const missing = query.concepts.filter((concept) => concept.status === 'missing');
  const suggestions = suggest(query, missing);
  const list = BOTH.format(unmatched);
  return {
    question: query.text,
    answered: false,
    reason: `No passage answers that: none covers ${list} together with the rest of the question.`,
    ...(suggestions.length > 0 ? { suggestions } : {}),
    results: [],
    total: 0,
  };
}

/** Kinds of answer that patterns find well enough to refuse a passage without one. */
type CheckedType = Exclude<AnswerType, 'person' | 'role'>;

/** People and roles are often given in words no pattern finds: they rank, but never refuse. */
function isCheckedType(type: AnswerType): type is CheckedType {
  return type !== 'person' && type !== 'role';
}

/** What the passages lack when none gives the kind of answer asked for. */
const MISSING_ANSWER: Readonly<Record<CheckedType, string>> = {
  place: 'say where',
  number: 'say how many or how much',
  time: 'say when',
  duration: 'say how long',
  statement: 'report what was said',
};

/** The passages match the question's words, but none holds the kind of answer it asks for. */
function explainMissingType(query: AnalyzedQuery, expects: CheckedType): Answer {
  return {
    question: query.text,
    answered: false,
    reason: `The passages that match do not ${MISSING_ANSWER[expects]}.`,
    results: [],
    total: 0,
  };
}

function notFound(query: AnalyzedQuery): Answer {
  return {
    question: query.text,
    answered: false,
    reason: 'No passage in the articles matches that.',
    results: [],
    total: 0,
  };
}

/** "Did you mean": the question with each missing word replaced by its closest known word. */
function suggest(query: AnalyzedQuery, missing: Concept[]): string[] {
  const suggestions = new Set<string>();
  const replaceable = missing.filter((concept) => concept.nearMisses.length > 0);
  if (replaceable.length !== missing.length) return [];
  for (let choice = 0; choice < 3; choice++) {
    let text = query.text;
    for (const concept of replaceable) {
      const replacement = concept.nearMisses[Math.min(choice, concept.nearMisses.length - 1)] ?? '';
      text = text.replace(concept.original, replacement);
    }
    if (text !== query.text) suggestions.add(text);
  }
  return [...suggestions];
}

function present(query: AnalyzedQuery, ranked: RankedPassage[], options: AnswerOptions): Answer {
  if (ranked.length === 0) return notFound(query);
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
  query: AnalyzedQuery,
  { passage, score, matched }: RankedPassage,
): AnswerPassage {
  return {
    text: passage.text,
    highlight: bestSentence(query, passage),
    score: Math.round(score * 1000) / 1000,
    source: {
      article: passage.article.id,
      title: passage.article.title,
      titleDerived: passage.article.titleDerived,
      publisher: passage.article.publisher,
      published: passage.article.published,
      url: passage.article.url,
      paragraph: passage.paragraph,
    },
    matchedTerms: matched
      .map((position) => query.concepts[position]?.original ?? '')
      .filter(Boolean),
  };
}

/** The sentence that covers the most of the question, weighting rare words higher; the first on a tie. */
function bestSentence(query: AnalyzedQuery, passage: Passage): string {
  const sentences = sentencesOf(passage);
  let best = sentences[0]?.text ?? passage.text;
  let bestScore = 0;
  for (const { text, terms } of sentences) {
    let score = 0;
    for (const concept of query.concepts) {
      score += concept.weight * matchStrength(concept, terms);
    }
    if (score > bestScore) {
      best = text;
      bestScore = score;
    }
  }
  return best;
}

const sentencesOfPassage = new Map<
  Passage,
  ReadonlyArray<{ text: string; terms: ReadonlySet<string> }>
>();
const SENTENCE_CACHE_LIMIT = 5_000;

/** A passage's sentences with their terms, kept for the passages recently answered with. */
function sentencesOf(passage: Passage) {
  let sentences = sentencesOfPassage.get(passage);
  if (!sentences) {
    if (sentencesOfPassage.size >= SENTENCE_CACHE_LIMIT) sentencesOfPassage.clear();
    sentences = splitSentences(passage.text).map((text) => ({
      text,
      terms: new Set(indexTerms(text)),
    }));
    sentencesOfPassage.set(passage, sentences);
  }
  return sentences;
}
