import type { Passage, SearchIndex } from './build.ts';
import { EXPECTED_KINDS, type Question } from './question.ts';
import { scoreTerms, sentenceStrengths, textHolds } from './score.ts';
import { WEIGHTS, type Weights } from './weights.ts';

/** A passage found for a question, with how well it matched. */
export interface RankedPassage {
  passage: Passage;
  score: number;
  /** Share of the question's weight the passage covers, its article's metadata included, 0 to 1. */
  coverage: number;
  /** Share of the question's weight its whole article covers, 0 to 1. */
  articleCoverage: number;
  /** Whether it holds the kind of answer the question asks for (false when it asks for none). */
  holdsType: boolean;
  /** The question's concepts it matches, by position in `question.concepts`. */
  matched: number[];
  /**
   * The question's concepts that name particular articles (`Concept.articleNames`) whose
   * name its article holds, in any of its candidate passages or its metadata.
   */
  articleNamed: number[];
}

/** Options for {@link rankPassages}. */
export interface RankOptions {
  /** Only passages of this article. Default: all articles. */
  article?: string;
  /** Weights to rank with. Default: the fitted ones (see `weights.ts`). */
  weights?: Readonly<Weights>;
}

/**
 * Ranks passages for an analysed question. MiniSearch's BM25, over each
 * passage's terms and its article's metadata, finds the candidates; each is
 * scored by the share of the question's weight (rare words weigh more) it
 * covers and by its BM25 score, a preference for passages that hold the
 * kind of answer asked for, and a little of its neighbours' score.
 *
 * @example
 * rankPassages(index, analyzeQuestion(index, 'prisoner swap'))[0]?.passage.paragraph // => 6
 */
export function rankPassages(
  index: SearchIndex,
  question: Question,
  options: RankOptions = {},
): RankedPassage[] {
  const weights = options.weights ?? WEIGHTS;
  const { concepts } = question;
  const boosts = new Map<string, number>();
  const conceptsOfTerm = new Map<string, number[]>();
  concepts.forEach((concept, position) => {
    for (const [term, strength] of concept.terms) {
      boosts.set(term, Math.max(boosts.get(term) ?? 0, strength));
      conceptsOfTerm.set(term, [...(conceptsOfTerm.get(term) ?? []), position]);
    }
  });
  if (boosts.size === 0) return [];
  const { article } = options;
  // Terms in most passages find no candidates worth finding and cost the most
  // to look up: only rarer ones go to MiniSearch; common ones are checked on
  // the candidates it returns.
  const { searched, common } = splitByFrequency(index, [...boosts.keys()]);
  const results = scoreTerms(index.engine, searched, {
    boost: { terms: 1, meta: weights.metaBoost },
    boostTerm: (term) => boosts.get(term) ?? 1,
    filter: article ? (id) => index.passages[id]?.article.id === article : undefined,
  });
  if (results.length === 0) return [];
  const totalWeight = concepts.reduce((sum, concept) => sum + concept.weight, 0);
  const maxScore = results[0]?.score ?? 1;
  const expected = question.expects ? EXPECTED_KINDS[question.expects] : 0;
  const byArticle = new Map<string, number[]>();
  const commonInText = common.map((term) => textHolds(index.engine, term));
  const namedByArticle = new Map<string, Set<number>>();
  const naming = concepts.some((concept) => concept.articleNames.size > 0);
  const ranked = results.map((result) => {
    const passage = index.passages[result.id] as Passage;
    const strength = new Array<number>(concepts.length).fill(0);
    const match = (term: string, where: number) => {
      for (const position of conceptsOfTerm.get(term) ?? []) {
        const concept = concepts[position];
        const value = (concept?.terms.get(term) ?? 0) * where;
        if (value > (strength[position] ?? 0)) strength[position] = value;
        if (naming && concept?.articleNames.has(term)) {
          const named = namedByArticle.get(passage.article.id) ?? new Set<number>();
          named.add(position);
          namedByArticle.set(passage.article.id, named);
        }
      }
    };
    result.terms.forEach((term, i) => {
      match(term, result.inText[i] ? 1 : weights.metaCoverage);
    });
    if (common.length > 0) {
      const meta = index.metaTerms.get(passage.article.id);
      common.forEach((term, i) => {
        if (commonInText[i]?.(result.id)) match(term, 1);
        else if (meta?.has(term)) match(term, weights.metaCoverage);
      });
    }
    let covered = 0;
    strength.forEach((value, position) => {
      covered += value * (concepts[position]?.weight ?? 0);
    });
    const best = byArticle.get(passage.article.id);
    if (!best) byArticle.set(passage.article.id, strength.slice());
    else {
      for (let position = 0; position < strength.length; position++) {
        best[position] = Math.max(best[position] ?? 0, strength[position] ?? 0);
      }
    }
    const coverage = totalWeight > 0 ? covered / totalWeight : 0;
    const holdsType = expected !== 0 && (passage.kinds & expected) !== 0;
    const score =
      weights.coverage * coverage +
      weights.bm25 * (result.score / maxScore) +
      (holdsType ? weights.type : 0);
    const matched = strength.flatMap((value, position) => (value > 0 ? [position] : []));
    return {
      id: result.id as number,
      passage,
      score,
      coverage,
      articleCoverage: 0,
      articleNamed: [] as number[],
      holdsType,
      matched,
      strength,
    };
  });
  // What each article covers, worked out once per article: its passages share it.
  const articles = new Map<string, { coverage: number; named: number[] }>();
  const articleMatch = (id: string) => {
    let found = articles.get(id);
    if (!found) {
      const strengths = byArticle.get(id) ?? [];
      let covered = 0;
      strengths.forEach((value, position) => {
        covered += value * (concepts[position]?.weight ?? 0);
      });
      found = {
        coverage: totalWeight > 0 ? covered / totalWeight : 0,
        named: [...(namedByArticle.get(id) ?? [])],
      };
      articles.set(id, found);
    }
    return found;
  };
  const scoreOf = new Map(ranked.map((r) => [r.id, r.score]));
  for (const r of ranked) {
    const before =
      index.passages[r.id - 1]?.article === r.passage.article ? (scoreOf.get(r.id - 1) ?? 0) : 0;
    const after =
      index.passages[r.id + 1]?.article === r.passage.article ? (scoreOf.get(r.id + 1) ?? 0) : 0;
    r.score += weights.neighbour * Math.max(before, after);
    const ofArticle = articleMatch(r.passage.article.id);
    r.articleCoverage = ofArticle.coverage;
    r.articleNamed = ofArticle.named;
  }
  ranked.sort((a, b) => b.score - a.score || a.id - b.id);
  // The best candidates are read sentence by sentence: one sentence that holds
  // the whole question answers it better than words spread over a paragraph.
  if (weights.sentence > 0) {
    const top = ranked.slice(0, SENTENCE_CANDIDATES);
    for (const r of top) {
      r.score += weights.sentence * sentenceCoverage(question, r.passage, r.strength, totalWeight);
    }
    top.sort((a, b) => b.score - a.score || a.id - b.id);
    ranked.splice(0, top.length, ...top);
  }
  return ranked.map(({ id: _, strength: __, ...rest }) => rest);
}

/** A term in more than this share of passages is common (but see {@link MIN_COMMON_PASSAGES}). */
const COMMON_SHARE = 0.02;
/** In a small corpus every term is looked up: no term is common in fewer passages than this. */
const MIN_COMMON_PASSAGES = 2000;

/**
 * Splits search terms into those MiniSearch looks up (in at most
 * {@link COMMON_SHARE} of passages, and always the rarest one) and the common rest.
 * A speed measure for large corpora: it changes nothing under 100,000 passages.
 */
function splitByFrequency(index: SearchIndex, terms: string[]) {
  const limit = Math.max(MIN_COMMON_PASSAGES, index.passages.length * COMMON_SHARE);
  const frequency = (term: string) => index.vocabulary.get(term)?.passages ?? 0;
  const searched = terms.filter((term) => frequency(term) <= limit);
  if (searched.length === 0 && terms.length > 0) {
    searched.push(terms.reduce((a, b) => (frequency(b) < frequency(a) ? b : a)));
  }
  return { searched, common: terms.filter((term) => !searched.includes(term)) };
}

/** How many of the best candidates are read sentence by sentence. */
const SENTENCE_CANDIDATES = 30;

/**
 * The share of the question's weight the passage's best sentence covers:
 * a concept counts where that sentence has one of its terms, or where the
 * passage matched it only through its article's metadata.
 */
function sentenceCoverage(
  question: Question,
  passage: Passage,
  strength: ReadonlyArray<number>,
  totalWeight: number,
): number {
  if (totalWeight <= 0) return 0;
  let best = 0;
  // A concept the passage matched but its own text lacks came from the metadata: read once, not per sentence.
  const fromMetadata = question.concepts.map(
    (concept, position) => (strength[position] ?? 0) > 0 && !passageHolds(passage, concept),
  );
  const { concepts } = question;
  const { sentences, strengths } = sentenceStrengths(concepts, passage.terms);
  for (let sentence = 0; sentence < sentences; sentence++) {
    let covered = 0;
    for (let position = 0; position < concepts.length; position++) {
      let here = strengths[sentence * concepts.length + position] ?? 0;
      if (here === 0 && fromMetadata[position]) here = strength[position] ?? 0;
      covered += (concepts[position]?.weight ?? 0) * here;
    }
    best = Math.max(best, covered / totalWeight);
  }
  return best;
}

/** Whether any of a concept's terms is in the passage's own text. */
function passageHolds(passage: Passage, concept: Question['concepts'][number]): boolean {
  for (const term of concept.terms.keys()) {
    if (passage.terms.includes(term)) return true;
  }
  return false;
}
