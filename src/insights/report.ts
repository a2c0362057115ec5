/**
 * Refused questions grouped the way moderators read them: two questions are
 * one entry when their index terms (the project's own term processing, the
 * same as for the articles) are the same, or when one's terms hold all of the
 * other's: "what did china say" (terms: china) and "What did China say about
 * the talks?" (china, talk) both ask what China said, which no article tells.
 * Questions that share only some terms ("china trade deal", "china tanks")
 * stay apart unless a question made of the shared terms alone was refused
 * too ("china"): then they are all one entry, the questions about China.
 */
import { indexTerms } from '../text/terms.ts';
import type { RefusedQuestion } from './store.ts';

/** One entry of the most frequent refused questions. */
export interface RefusedGroup {
  /** The wording asked most often in the group (the shortest on a tie). */
  question: string;
  /** How many times a question of the group was refused. */
  count: number;
  /** How many distinct members asked one. */
  members: number;
  /** The most recent refusal's code, when answers carry codes. */
  code: string | null;
  /** The most recent refusal's reason. */
  reason: string | null;
}

interface Group {
  terms: ReadonlySet<string>;
  count: number;
  askers: Set<string>;
  wordings: Map<string, number>;
  latest: RefusedQuestion;
}

/**
 * Groups refused questions (most recent first, as the store gives them) and
 * returns the `limit` largest groups: most asked first, then by most
 * members, then most recently asked.
 *
 * @example
 * groupRefused([
 *   { question: 'what did china say', asker: 'a', code: null, reason: null, askedAt: 2 },
 *   { question: 'What did China say about the talks?', asker: 'b', code: null, reason: null, askedAt: 1 },
 * ], 10) // => [{ question: 'what did china say', count: 2, members: 2, code: null, reason: null }]
 */
export function groupRefused(
  questions: ReadonlyArray<RefusedQuestion>,
  limit: number,
): RefusedGroup[] {
  const exact = new Map<string, Group>();
  for (const asked of questions) {
    const terms = new Set(indexTerms(asked.question));
    const key = terms.size > 0 ? [...terms].sort().join(' ') : asked.question.toLowerCase();
    const group = exact.get(key) ?? {
      terms,
      count: 0,
      askers: new Set<string>(),
      wordings: new Map<string, number>(),
      latest: asked,
    };
    group.count += 1;
    group.askers.add(asked.asker);
    group.wordings.set(asked.question, (group.wordings.get(asked.question) ?? 0) + 1);
    if (asked.askedAt > group.latest.askedAt) group.latest = asked;
    exact.set(key, group);
  }
  return mergeContained([...exact.values()])
    .sort(
      (a, b) =>
        b.count - a.count || b.askers.size - a.askers.size || b.latest.askedAt - a.latest.askedAt,
    )
    .slice(0, limit)
    .map((group) => ({
      question: commonestWording(group.wordings),
      count: group.count,
      members: group.askers.size,
      code: group.latest.code,
      reason: group.latest.reason,
    }));
}

/**
 * Folds each group into the largest entry whose terms it holds all of, entries
 * being made shortest first, so a question with more words joins the question
 * it elaborates. Each
 * group that may take others in is filed under its rarest term, which any
 * group holding all its terms holds too, so a report of thousands of
 * refusals compares each group with a few others, not with all.
 */
function mergeContained(groups: Group[]): Group[] {
  const frequency = new Map<string, number>();
  for (const group of groups) {
    for (const term of group.terms) frequency.set(term, (frequency.get(term) ?? 0) + 1);
  }
  const rarity = (term: string) => frequency.get(term) ?? 0;
  const bySize = [...groups].sort((a, b) => a.terms.size - b.terms.size || b.count - a.count);
  const roots: Group[] = [];
  const rootsByRarestTerm = new Map<string, Group[]>();
  for (const group of bySize) {
    const into = largestContained(group, rootsByRarestTerm);
    if (!into) {
      roots.push(group);
      // A question with no terms left is grouped by its text alone, and takes in nothing.
      if (group.terms.size === 0) continue;
      const rarest = [...group.terms].sort((a, b) => rarity(a) - rarity(b))[0] ?? '';
      const filed = rootsByRarestTerm.get(rarest);
      if (filed) filed.push(group);
      else rootsByRarestTerm.set(rarest, [group]);
      continue;
    }
    into.count += group.count;
    for (const asker of group.askers) into.askers.add(asker);
    for (const [wording, count] of group.wordings) {
      into.wordings.set(wording, (into.wordings.get(wording) ?? 0) + count);
    }
    if (group.latest.askedAt > into.latest.askedAt) into.latest = group.latest;
  }
  return roots;
}

/** The group with the most terms, all of which `group` holds, among those filed under its terms. */
function largestContained(
  group: Group,
  rootsByRarestTerm: ReadonlyMap<string, Group[]>,
): Group | undefined {
  let largest: Group | undefined;
  for (const term of group.terms) {
    for (const root of rootsByRarestTerm.get(term) ?? []) {
      const larger = !largest || root.terms.size > largest.terms.size;
      if (larger && contains(group.terms, root.terms)) largest = root;
    }
  }
  return largest;
}

function contains(whole: ReadonlySet<string>, part: ReadonlySet<string>): boolean {
  for (const term of part) if (!whole.has(term)) return false;
  return true;
}

function commonestWording(wordings: ReadonlyMap<string, number>): string {
  let best = '';
  let bestCount = 0;
  for (const [wording, count] of wordings) {
    const better =
      count > bestCount || (count === bestCount && [...wording].length < [...best].length);
    if (better) {
      best = wording;
      bestCount = count;
    }
  }
  return best;
}
