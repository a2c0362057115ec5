/**
 * What insights keep, as plain data, and the interface of the place they are
 * kept. The store knows nothing of Discord: server and answer ids are strings,
 * members appear only as salted hashes, and times are milliseconds since 1970.
 */

/** A question asked in a server and what the bot did with it. */
export interface QuestionRecord {
  /** Random id of this answer, carried by its feedback buttons. */
  id: string;
  guildId: string;
  /** The question after the cleaning `answer()` applies. */
  question: string;
  askedAt: number;
  outcome: 'answered' | 'refused';
  /** The refusal's code, when the answer carries one. */
  code: string | null;
  /** The refusal in words, as the asker saw it. */
  reason: string | null;
  /** Salted hash of who asked, to count distinct members; never their id. */
  asker: string;
  /** The passages cited, best first. */
  citations: Citation[];
}

/** A passage an answer cited. */
export interface Citation {
  article: string;
  paragraph: number;
  /** Which part of a paragraph cut into parts, and how many there are; absent for a whole paragraph. */
  part?: number;
  parts?: number;
  /** The sentence the answer showed in bold, cut short. */
  excerpt: string;
}

export type VoteKind = 'up' | 'down';

/** A member's 👍 or 👎 on one answer. */
export interface VoteRecord {
  answerId: string;
  guildId: string;
  /** Salted hash of the member and the answer: it dedupes votes and links nothing else. */
  voter: string;
  vote: VoteKind;
  votedAt: number;
}

/**
 * What a vote did: `counted` (first vote), `changed` (the other button
 * before), `unchanged` (the same vote again), `unknown` (no such answer in
 * that server: cleared, pruned, or never recorded).
 */
export type VoteResult = 'counted' | 'changed' | 'unchanged' | 'unknown';

/** The counts of a period. */
export interface InsightsTotals {
  questions: number;
  answered: number;
  refused: number;
  up: number;
  down: number;
  /** Distinct members who asked. */
  members: number;
}

/** A refused question as stored, for grouping. */
export interface RefusedQuestion {
  question: string;
  asker: string;
  code: string | null;
  reason: string | null;
  askedAt: number;
}

/** An answer members voted 👎 on. */
export interface DownvotedAnswer {
  question: string;
  /** Why it was refused, for a refusal voted down; null for an answer. */
  reason: string | null;
  up: number;
  down: number;
  citation: Citation | null;
}

/** What a report reads from the store. */
export interface InsightsData {
  totals: InsightsTotals;
  /** Most recent first, at most the limit asked for. */
  refused: RefusedQuestion[];
  /** Most 👎 first. */
  downvoted: DownvotedAnswer[];
}

/** Which records a report reads. */
export interface InsightsQuery {
  /** One server, or null for every server (the console). */
  guildId: string | null;
  /** Records at or after this time. */
  since: number;
  refusedLimit: number;
  downvotedLimit: number;
}

/**
 * Where insights are kept. Every method may throw on a storage fault; the
 * caller (`Insights`) turns faults into one warning and goes on.
 */
export interface InsightsStore {
  /** Writes questions, all or none. */
  addQuestions(rows: ReadonlyArray<QuestionRecord>): void;
  /** Counts, changes or refuses a vote (see {@link VoteResult}). */
  vote(vote: VoteRecord): VoteResult;
  read(query: InsightsQuery): InsightsData;
  /** Deletes a server's records; returns how many questions went. */
  clear(guildId: string): number;
  /** Deletes records older than `before`; returns how many questions went. */
  prune(before: number): number;
  /** The secret that salts hashes and signs feedback buttons, the same for every process sharing the store. */
  readonly secret: Buffer;
  close(): void;
}
