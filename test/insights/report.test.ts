import { describe, expect, it } from 'vitest';
import { groupRefused } from '../../src/insights/report.ts';
import type { RefusedQuestion } from '../../src/insights/store.ts';

function asked(question: string, asker: string, askedAt = 1): RefusedQuestion {
  return { question, asker, code: null, reason: `refused ${askedAt}`, askedAt };
}

describe('groupRefused', () => {
  it('groups questions that are the same after term processing', () => {
    const groups = groupRefused(
      [
        asked('what did china say', 'a', 3),
        asked('What did China say about the talks?', 'b', 2),
        asked('WHAT DID CHINA SAY', 'a', 1),
      ],
      10,
    );
    expect(groups).toEqual([
      { question: 'what did china say', count: 3, members: 2, code: null, reason: 'refused 3' },
    ]);
  });

  it('keeps questions apart that share only some of their terms', () => {
    const groups = groupRefused(
      [asked('china trade deal', 'a'), asked('china tanks', 'b'), asked('trade tanks', 'c')],
      10,
    );
    expect(groups.map((group) => group.question).sort()).toEqual([
      'china tanks',
      'china trade deal',
      'trade tanks',
    ]);
  });

  it('gathers every question holding all the terms of a shorter refused one under it', () => {
    const groups = groupRefused(
      [
        asked('china', 'a'),
        asked('china trade', 'b'),
        asked('china trade deal', 'c', 3),
        asked('china tanks', 'd'),
      ],
      10,
    );
    expect(groups.map((group) => [group.question, group.count, group.members])).toEqual([
      ['china', 4, 4],
    ]);
  });

  it('lists the most asked first, and at most the limit', () => {
    const groups = groupRefused(
      [
        asked('tanks count', 'a', 3),
        asked('what did macron say', 'a', 1),
        asked('what did macron say', 'b', 1),
        asked('where is the moon', 'c', 2),
      ],
      2,
    );
    expect(groups.map((group) => [group.question, group.count])).toEqual([
      ['what did macron say', 2],
      ['tanks count', 1],
    ]);
  });

  it('groups questions without terms by their text', () => {
    const groups = groupRefused([asked('the', 'a'), asked('THE', 'b')], 10);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.count).toBe(2);
  });
});
