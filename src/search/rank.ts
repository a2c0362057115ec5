import type { Article } from '../corpus/types.ts';
import { indexTerms, toTerm } from '../text/terms.ts';
import { holdsAnswerType } from './answer-type.ts';
import type { Passage, SearchIndex } from './build.ts';
import { articleNames, speakersIn } from './names.ts';
import { type AnalyzedQuery, type Concept, matchStrength } from './query.ts';

/** A passage found for a query, with how well it matched. */
export interface RankedPassage {
  passage: Passage;
  score: number;
  /** Share of the question's weight the passage covers, from 0 to 1 (see {@link rankPassages}). */
  coverage: number;
  /**
   * Share of the question's words the passage covers, counting the kind of
   * answer asked for only against it: whether the passage answers at all.
   */
  support: number;
  /** Whether the passage holds the kind of answer the question asks for (false when it asks for none). */
  holdsType: boolean;
  /** The query concepts the passage matches, by position in `query.concepts`. */
  matched: number[];
}

/** Options for {@link rankPassages}. */
export interface RankOptions {
  /** Only passages of this article. Default: all articles. */
  article?: string;
  /** How many of MiniSearch's best results are re-ranked. Default 50. */
  candidates?: number;
}

/** How much the kind of answer asked for weighs, next to an average concept. */
const ANSWER_TYPE_WEIGHT = 1.5;
/** How strongly covering more of the question outranks matching its words often. */
const COVERAGE_EXPONENT = 2;
/** How much a name the passage only refers to (see `names.ts`) counts, next to one it spells out. */
const CONTEXT_WEIGHT = 0.7;
/** How much a name of the paragraph two before counts: a passage refers to it less often. */
const EARLIER_WEIGHT = 0.4;
/** A passage that leaves out a name the question asks about is likelier about something else. */
const MISSED_NAME_FACTOR = 0.7;
/** A term in more than this share of passages is common (but see {@link MIN_COMMON_PASSAGES}). */
const COMMON_SHARE = 0.02;
/** In a small corpus every term is looked up: no term is in more passages than this. */
const MIN_COMMON_PASSAGES = 500;
/**
 * A passage that names the person a "what did X say" question asks about but
 * reports someone else speaking ("Zelenskyy said … alongside Sir Keir Starmer")
 * is likelier about what the other said.
 */
const OTHER_SPEAKER_FACTOR = 0.5;
/** How much a concept found only in the article's title or publisher counts, next to one in the passage. */
const HEADER_MATCH_WEIGHT = 0.5;

/**
 * Ranks passages for an analyzed query. MiniSearch's BM25 finds candidates;
 * they are re-ranked by how many of the question's concepts they cover,
 * weighted by how rare each concept is, so that a passage answering the whole
 * question beats one repeating a single common word.
 *
 * @example
 * rankPassages(index, analyzeQuery(index, synonyms, 'prisoner swap'))[0]?.passage.paragraph // => 6
 */
export function rankPassages(
  index: SearchIndex,
  query: AnalyzedQuery,
  options: RankOptions = {},
): RankedPassage[] {
  const searchable = query.concepts.filter((concept) => concept.searchTerms.size > 0);
  if (searchable.length === 0) return [];
  const boosts = new Map<string, number>();
  const conceptsOfTerm = new Map<string, number[]>();
  query.concepts.forEach((concept, position) => {
    for (const [term, weight] of concept.searchTerms) {
      boosts.set(term, Math.max(boosts.get(term) ?? 0, weight));
      conceptsOfTerm.set(term, [...(conceptsOfTerm.get(term) ?? []), position]);
    }
  });
  const { article, candidates = 50 } = options;
  // Terms in most passages find no candidates worth finding and cost the most
  // to score: only rarer terms go to MiniSearch, common ones are checked on
  // the candidates it returns.
  const { searched, common } = splitByFrequency(index, [...boosts.keys()]);
  const results = index.engine.search(searched.join(' '), {
    boost: { context: CONTEXT_WEIGHT, earlier: EARLIER_WEIGHT },
    boostTerm: (term) => boosts.get(term) ?? 1,
    filter: article ? (result) => index.passages[result.id]?.article.id === article : undefined,
  });
  const weighed = query.concepts.filter((concept) => concept.status !== 'noise');
  const conceptWeight = weighed.reduce((sum, concept) => sum + concept.weight, 0);
  // The kind of answer asked for ("how many" → a number) counts as one more
  // concept of average weight: a passage without one answers only part of it.
  const typeWeight = query.expects
    ? (ANSWER_TYPE_WEIGHT * conceptWeight) / Math.max(1, weighed.length)
    : 0;
  const totalWeight = conceptWeight + typeWeight;
  const speaker = query.expects === 'statement' ? namedSpeaker(query) : [];
  return results
    .slice(0, candidates)
    .map((result) => {
      const passage = index.passages[result.id] as Passage;
      // How strongly each concept is matched: 1 by its own word, less by a synonym.
      const strength = new Map<number, number>();
      const own = common.length > 0 ? passageTerms(passage) : null;
      for (const term of common) {
        if (!own?.has(term)) continue;
        for (const position of conceptsOfTerm.get(term) ?? []) {
          const weight = query.concepts[position]?.searchTerms.get(term) ?? 0;
          strength.set(position, Math.max(strength.get(position) ?? 0, weight));
        }
      }
      for (const term of result.terms) {
        const fields = result.match[term] ?? [];
        const where = fields.includes('terms')
          ? 1
          : fields.includes('context')
            ? CONTEXT_WEIGHT
            : EARLIER_WEIGHT;
        for (const position of conceptsOfTerm.get(term) ?? []) {
          const weight = (query.concepts[position]?.searchTerms.get(term) ?? 0) * where;
          strength.set(position, Math.max(strength.get(position) ?? 0, weight));
        }
      }
      const header = index.articleTerms.get(passage.article.id);
      let covered = 0;
      query.concepts.forEach((concept, position) => {
        const matchedHere = strength.get(position);
        if (matchedHere) covered += concept.weight * matchedHere;
        else if (header)
          covered += concept.weight * matchStrength(concept, header) * HEADER_MATCH_WEIGHT;
      });
      const holdsType = query.expects !== null && holdsAnswerType(passage.text, query.expects);
      const coverage = totalWeight > 0 ? (covered + (holdsType ? typeWeight : 0)) / totalWeight : 0;
      // Holding a number or a name is common; it ranks a passage but never makes up for a word it lacks.
      const support = totalWeight > 0 ? covered / (totalWeight - (holdsType ? typeWeight : 0)) : 0;
      // MiniSearch multiplies by the number of query terms matched; synonyms
      // would count twice, so that factor is replaced by concept coverage.
      const relevance = result.score / Math.max(1, result.terms.length);
      let missedNames = 0;
      query.concepts.forEach((concept, position) => {
        if (concept.entity && concept.status !== 'noise' && !strength.has(position)) missedNames++;
      });
      const otherSpeaker = speaker.length > 0 && reportsSomeoneElse(index, passage, speaker);
      const score =
        relevance *
        coverage ** COVERAGE_EXPONENT *
        MISSED_NAME_FACTOR ** missedNames *
        (otherSpeaker ? OTHER_SPEAKER_FACTOR : 1);
      const matched = [...strength.keys()].sort((a, b) => a - b);
      return { passage, score, coverage, support, holdsType, matched };
    })
    .sort((a, b) => b.score - a.score || a.passage.paragraph - b.passage.paragraph);
}

/** The names of who a "what did X say" question asks about, among its concepts. */
function namedSpeaker(query: AnalyzedQuery): Concept[] {
  // In "the Kremlin's spokesperson" the Kremlin is whose, not who.
  return query.speaker.filter(
    (concept) => concept.entity && concept.status !== 'missing' && !/['’]s$/.test(concept.original),
  );
}

/** Whether a passage names the speaker asked about, yet says someone else is speaking. */
function reportsSomeoneElse(index: SearchIndex, passage: Passage, speaker: Concept[]): boolean {
  const speakers = passageSpeakers(index, passage);
  if (speakers.size === 0) return false;
  const own = passageTerms(passage);
  const named = speaker.some((concept) => matchStrength(concept, own) > 0);
  return named && !speaker.some((concept) => matchStrength(concept, speakers) > 0);
}

const speakersOfPassage = new WeakMap<Passage, ReadonlySet<string>>();
const namesOfArticle = new WeakMap<Article, (name: string[]) => string[]>();

/** The terms of who a passage says is speaking (see `speakersIn`), found once per passage. */
function passageSpeakers(index: SearchIndex, passage: Passage): ReadonlySet<string> {
  let speakers = speakersOfPassage.get(passage);
  if (!speakers) {
    const article = index.articles.find((candidate) => candidate.id === passage.article.id);
    speakers = new Set(speakersIn(passage.text, article && namesOf(article)).map(toTerm));
    speakersOfPassage.set(passage, speakers);
  }
  return speakers;
}

/** Each article's full names (see `articleNames`), read once per article. */
function namesOf(article: Article): (name: string[]) => string[] {
  let complete = namesOfArticle.get(article);
  if (!complete) {
    complete = articleNames(
      article.paragraphs.filter((paragraph) => !paragraph.boilerplate).map(({ text }) => text),
    );
    namesOfArticle.set(article, complete);
  }
  return complete;
}

/**
 * Splits search terms into those MiniSearch looks up (in at most
 * {@link COMMON_SHARE} of passages, and never fewer than the rarest one) and
 * the common rest.
 */
function splitByFrequency(index: SearchIndex, terms: string[]) {
  const limit = Math.max(MIN_COMMON_PASSAGES, index.passages.length * COMMON_SHARE);
  const frequency = (term: string) => index.vocabulary.get(term)?.passages ?? 0;
  const searched = terms.filter((term) => frequency(term) <= limit);
  if (searched.length === 0 && terms.length > 0) {
    const rarest = terms.reduce((a, b) => (frequency(b) < frequency(a) ? b : a));
    searched.push(rarest);
  }
  return { searched, common: terms.filter((term) => !searched.includes(term)) };
}

const termsOfPassage = new Map<Passage, ReadonlySet<string>>();
const TERMS_CACHE_LIMIT = 10_000;

/** A passage's own index terms, kept for the passages recently ranked. */
function passageTerms(passage: Passage): ReadonlySet<string> {
  let terms = termsOfPassage.get(passage);
  if (!terms) {
    if (termsOfPassage.size >= TERMS_CACHE_LIMIT) termsOfPassage.clear();
    terms = new Set(indexTerms(passage.text));
    termsOfPassage.set(passage, terms);
  }
  return terms;
}
