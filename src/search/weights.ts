import fitted from './weights.json' with { type: 'json' };

/**
 * The ranking's and the refusal's weights and thresholds. They are not set by
 * hand: `npm run fit` (scripts/fit.ts) chooses them on the dev question sets,
 * with leave-one-article-out validation, and writes `weights.json`.
 */
export interface Weights {
  /** BM25 boost of the metadata field (title, author, publisher, year) next to the text's 1. */
  metaBoost: number;
  /** How much a question word counts as covered when only the article's metadata holds it. */
  metaCoverage: number;
  /** Strength of a WordNet synonym of a question word, next to the word itself (1). */
  synonym: number;
  /** Strength of a word WordNet derives from it or relates to it ("die" → "death"). */
  related: number;
  /** Strength of a corpus word one or two edits from a question word the corpus lacks. */
  fuzzy: number;
  /** Strength of a name whose initials a question word spells ("FDR" → Franklin D. Roosevelt). */
  initialism: number;
  /** Weight of a question word that nothing in the corpus matches, as a share of the rarest word's. */
  unknown: number;
  /** The same for a word written as a name: a name the corpus lacks says more of what is asked. */
  unknownName: number;
  /** Share of the score given by the covered share of the question's weight. */
  coverage: number;
  /** Share of the score given by BM25, divided by the best candidate's. */
  bm25: number;
  /** Added when the passage holds the kind of answer asked for (a time for "when"). */
  type: number;
  /** Added times the share of the question the best candidates' best sentence covers. */
  sentence: number;
  /** Share of the best neighbouring passage's score added to a passage's. */
  neighbour: number;
  /** The bot answers when the best passage's coverage × its article's coverage reaches this. */
  threshold: number;
  /** 1: refuse when no close candidate holds a checked kind of answer (time, number, duration); 0: never. */
  typeRefusal: number;
  /** 1: refuse when the best passage's article is none of those the question names by their metadata (`other-article`); 0: never. */
  articleRefusal: number;
}

/** The fitted weights (see {@link Weights}). */
export const WEIGHTS: Readonly<Weights> = Object.freeze({
  metaBoost: fitted.metaBoost,
  metaCoverage: fitted.metaCoverage,
  synonym: fitted.synonym,
  related: fitted.related,
  fuzzy: fitted.fuzzy,
  initialism: fitted.initialism,
  unknown: fitted.unknown,
  unknownName: fitted.unknownName,
  coverage: fitted.coverage,
  bm25: fitted.bm25,
  type: fitted.type,
  sentence: fitted.sentence,
  neighbour: fitted.neighbour,
  threshold: fitted.threshold,
  typeRefusal: fitted.typeRefusal,
  articleRefusal: fitted.articleRefusal,
});
