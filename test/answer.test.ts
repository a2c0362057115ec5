import { beforeAll, describe, expect, it } from 'vitest';
import { answer, MAX_QUESTION_LENGTH, searchPassages } from '../src/answer/answer.ts';
import { loadCorpus } from '../src/corpus/load.ts';
import { buildIndex, type SearchIndex } from '../src/search/build.ts';
import { analyzeQuery } from '../src/search/query.ts';
import { Synonyms } from '../src/text/synonyms.ts';

let index: SearchIndex;
const BOILERPLATE = [5, 8, 9, 10, 16, 17, 18, 24, 30, 34];

beforeAll(async () => {
  index = buildIndex((await loadCorpus('seeds')).articles);
});

const top = (question: string) => answer(index, question).results[0]?.source.paragraph;

/** An index of one made-up article: its paragraphs are `paragraphs`, numbered from 1. */
function madeUpIndex(
  id: string,
  title: string,
  paragraphs: string[],
  publisher: string | null = null,
): SearchIndex {
  return buildIndex([
    {
      id,
      title,
      titleDerived: false,
      publisher,
      published: null,
      url: null,
      paragraphs: paragraphs.map((text, i) => ({ number: i + 1, text, boilerplate: null })),
    },
  ]);
}

describe('ranking', () => {
  it.each([
    ['Who led Ukraine’s delegation?', [22]],
    ['who led ukraines delegation', [22]],
    ['How many prisoners of war will be exchanged?', [6, 25]],
    ['POW swap', [6, 25]],
    ['What did Zelenskiy say about sanctions on X?', [12]],
    ['Zelensky theater prop', [23]],
    ['deputy defense chief', [21]],
    ['What is the Kremlin spokesman called?', [33]],
    ['What does Russia want on NATO?', [38]],
    ['truce proposal by Trump', [7]],
  ])('%s → paragraph %j', (question, paragraphs) => {
    expect(paragraphs).toContain(top(question));
  });

  it('returns sources with every field and the best sentence', () => {
    const [best] = answer(index, 'Who led Ukraine’s delegation?').results;
    expect(best?.source).toEqual({
      article: '000_54ae5372d3de91ff',
      title: expect.stringContaining('Russia and Ukraine failed to agree'),
      titleDerived: true,
      publisher: 'Sky News',
      published: '2025-05-16',
      url: null,
      paragraph: 22,
    });
    expect(best?.text).toContain(best?.highlight);
    expect(best?.matchedTerms).toEqual(expect.arrayContaining(['led', 'delegation']));
  });

  it('picks the sentence that answers within a longer passage', () => {
    const [best] = answer(
      index,
      'What did the Turkish foreign minister say about world peace?',
    ).results;
    expect(best?.highlight).toMatch(/world peace/);
  });

  it('corrects small typos and says so', () => {
    const result = answer(index, 'who is medinksy');
    expect(result.answered).toBe(true);
    expect(result.corrections?.[0]?.from).toBe('medinksy');
  });

  it('pages through results', () => {
    const first = searchPassages(index, 'Russia', { limit: 2 });
    const second = searchPassages(index, 'Russia', { limit: 2, offset: 2 });
    expect(first.total).toBeGreaterThan(4);
    expect(second.results[0]?.source.paragraph).not.toBe(first.results[0]?.source.paragraph);
  });

  it('never returns boilerplate', () => {
    for (const query of [
      'Read more',
      'video player Chrome browser',
      'Listen to The World podcast',
      'Latest updates on Istanbul talks',
    ]) {
      for (const result of searchPassages(index, query, { limit: 50 }).results) {
        expect(BOILERPLATE).not.toContain(result.source.paragraph);
      }
    }
  });
});

describe('abstention', () => {
  it('names the missing subject', () => {
    const result = answer(index, 'What did China say about the talks?');
    expect(result).toMatchObject({
      answered: false,
      reason: 'No article mentions China.',
      results: [],
    });
  });

  it('abstains when no passage covers the question', () => {
    expect(answer(index, 'who won the champions league').answered).toBe(false);
    const population = answer(index, 'What is the population of Istanbul?');
    expect(population.answered).toBe(false);
    expect(population.reason).toContain('population');
    expect(answer(index, 'Did Erdogan attend the talks?').answered).toBe(false);
  });

  it('offers did-you-mean for a close misspelling', () => {
    // A short name one letter off is not corrected silently; it is offered.
    const result = answer(index, 'who is Rubia');
    expect(result.answered).toBe(false);
    expect(result.suggestions).toContain('who is Rubio');
    // A longer word that is no English word is corrected, and says so.
    expect(answer(index, 'what about the sancions').corrections).toEqual([
      { from: 'sancions', to: 'sanctions' },
    ]);
  });
});

describe('abstention on a made-up article', () => {
  // Invented text, so that the mechanisms are tested, not this corpus's words.
  const mining = madeUpIndex(
    'mining',
    'Coal talks in Lisbon',
    [
      'Maria Lopez signed the bituminous coal agreement in Lisbon in 2024.',
      'The miners said the price of coal had doubled in three years.',
      'It was an important day for the union, its leader Ana Silva said.',
      'Sir Keir Starmer toured the upper tier of the mine.',
    ],
    'Daily News',
  );

  it('does not let a number stand in for a word the question asks about', () => {
    // The passage holds a number, which "how old" asks for, but nothing about age.
    expect(answer(mining, 'how old is Maria Lopez').answered).toBe(false);
    expect(
      answer(mining, 'when did Maria Lopez sign the agreement').results[0]?.source.paragraph,
    ).toBe(1);
  });

  it('abstains when the passages that match hold no answer of the kind asked for', () => {
    // "an important day" names no time; "in three years" does.
    expect(answer(mining, 'when did the union leader speak')).toMatchObject({
      answered: false,
      reason: 'The passages that match do not say when.',
    });
    expect(answer(mining, 'when did the coal price double').results[0]?.source.paragraph).toBe(2);
    // Maria Lopez signed; nothing reports what she said. Ana Silva's words are reported.
    expect(answer(mining, 'What did Maria Lopez say about the coal agreement?')).toMatchObject({
      answered: false,
      reason: 'The passages that match do not report what was said.',
    });
    expect(answer(mining, 'what did Ana Silva say').results[0]?.source.paragraph).toBe(3);
  });

  it('reads what a how-question asks about', () => {
    expect(answer(mining, 'how many drones did the miners buy')).toMatchObject({
      answered: false,
      reason: 'No article mentions drones.',
    });
    // A what-question's first word may be a paraphrase: "caused" is in no article.
    expect(
      answer(mining, 'what caused the coal price to double').results[0]?.source.paragraph,
    ).toBe(2);
  });

  it('refuses to report what someone no article mentions said', () => {
    // WordNet knows "pope" and "macron" as common words, so neither is read as a name.
    expect(answer(mining, 'what did the pope say about coal')).toMatchObject({
      answered: false,
      reason: 'No article mentions pope.',
    });
    expect(answer(mining, 'wat did macron say abt the coal price').reason).toBe(
      'No article mentions macron.',
    );
    expect(
      answer(mining, 'what did the miners say about the price').results[0]?.source.paragraph,
    ).toBe(2);
  });

  it('needs what someone said to be about what the question asks about', () => {
    // Ana Silva speaks in paragraph 3, about the union; the miners are in paragraph 2.
    expect(
      answer(mining, 'what did Ana Silva say about the union').results[0]?.source.paragraph,
    ).toBe(3);
    expect(answer(mining, 'what did Ana Silva say about the miners').answered).toBe(false);
    // The topic is the words after "about", whole: "union" is not in "reunions".
    expect(answer(mining, 'what did the union leader say about reunions').answered).toBe(false);
  });

  it('answers a weakly covered question only when one passage clearly leads', () => {
    // Both cover a third of the question, but only "Lisbon" points at one passage;
    // "coal" is in two passages alike.
    expect(answer(mining, 'lisbon glamorous festivities').results[0]?.source.paragraph).toBe(1);
    expect(answer(mining, 'coal festivities').answered).toBe(false);
  });

  it('reads a short English word as a word, and a short unknown one as chat shorthand', () => {
    // "old" is what is asked; the publisher "Daily News" holds only its opposite, which is no synonym.
    expect(answer(mining, 'how old r the miners').answered).toBe(false);
    expect(
      answer(mining, 'wat did the miners say abt the price').results[0]?.source.paragraph,
    ).toBe(2);
  });

  it('reads a capitalised word after the first as a name', () => {
    // "Bolt" is an English word, but typed with a capital after "What did" it names someone.
    expect(answer(mining, 'What did Bolt say about the coal price?')).toMatchObject({
      answered: false,
      reason: 'No article mentions Bolt.',
    });
  });

  it('reads a misspelt word as the word, not as a name no article mentions', () => {
    // Stemming hides the likeness: "agreemnts" and "agreement" stem apart.
    expect(answer(mining, 'who signed the coal agreemnts').corrections).toEqual([
      { from: 'agreemnts', to: 'agreement' },
    ]);
    // "absense" is English misspelt, which no article uses: it weighs as a missing word, no more.
    const absence = answer(mining, 'Maria Lopez absense from Lisbon');
    expect(absence.reason).toBeUndefined();
    expect(absence.results[0]?.source.paragraph).toBe(1);
    expect(answer(mining, 'what did the miners say about the coal price aftrwards').answered).toBe(
      true,
    );
    // At most three unknown words of a question are looked at: more is gibberish sooner than typos.
    const { concepts } = analyzeQuery(
      mining,
      new Synonyms(),
      'absense personaly negotiatons recieve',
    );
    expect(concepts.map((concept) => concept.correction)).toEqual([
      'absence',
      'personally',
      'negotiations',
      null,
    ]);
    // An unknown word nothing is one slip from is still taken for a name.
    expect(answer(mining, 'what did Qorvantis say')).toMatchObject({
      answered: false,
      reason: 'No article mentions Qorvantis.',
    });
  });

  it('corrects two swapped letters, and two other edits only in a long word', () => {
    expect(answer(mining, 'what did Maria Lpoez sign').corrections).toEqual([
      { from: 'Lpoez', to: 'Lopez' },
    ]);
    // A short word typed as a name, one letter off a name, is that name; typed lower case, it may be a word.
    expect(answer(mining, 'what did Maria Lopz sign').corrections).toEqual([
      { from: 'Lopz', to: 'Lopez' },
    ]);
    expect(answer(mining, 'what did maria lopz sign').corrections).toBeUndefined();
    // "tier" is one letter off "Kier" too, but a swap is the likelier slip.
    expect(answer(mining, 'what did Kier Starmer tour').corrections).toEqual([
      { from: 'Kier', to: 'Keir' },
    ]);
    // "bitcoin" is two edits from "bitumin(ous)": a different word, not a typo.
    expect(answer(mining, 'bitcoin price').corrections).toBeUndefined();
    expect(answer(mining, 'bituminuos coal').corrections).toEqual([
      { from: 'bituminuos', to: 'bituminous' },
    ]);
    // Two edits count on the stem: "seperate" stems to "seper", two edits from "upper".
    const [seperate] = analyzeQuery(mining, new Synonyms(), 'seperate').concepts;
    expect(seperate?.correction).toBe('separate');
  });
});

describe('words that only name the kind of answer', () => {
  const talks = madeUpIndex('geneva', 'Talks', [
    'The talks were held in Geneva on Monday.',
    'The talks went badly, officials said.',
    'Both sides said the talks would resume soon.',
    'Fishing boats left the harbour at dawn.',
    'Prices of bread rose sharply.',
    'The weather was cold and wet.',
  ]);

  it('needs no passage to use the word that asks for a date or a place', () => {
    // No passage says "date"; the one that says when is the answer.
    expect(answer(talks, 'talks date').results[0]?.source.paragraph).toBe(1);
  });

  it('still refuses where no passage holds that kind of answer', () => {
    expect(answer(talks, 'bread prices date')).toMatchObject({
      answered: false,
      reason: 'The passages that match do not say when.',
    });
  });
});

describe('who is speaking', () => {
  const quotes = madeUpIndex('quotes', 'Fishing talks', [
    'Anna Berg met the ministers in Oslo.',
    'President Lars Holm said after the meeting in Oslo that he had spoken to Anna Berg about the fishing quotas.',
    '“We will cut the fishing quotas,” said Ms Berg.',
    'Boats left the harbour.',
    'Bread prices rose.',
  ]);

  it('prefers what the person asked about said to a passage where someone else speaks', () => {
    // Paragraph 2 names Anna Berg in full, but Lars Holm is the one speaking there.
    const berg = answer(quotes, 'What did Anna Berg say about fishing quotas?');
    expect(berg.results[0]?.source.paragraph).toBe(3);
    const holm = answer(quotes, 'What did Lars Holm say about fishing quotas?');
    expect(holm.results[0]?.source.paragraph).toBe(2);
  });
});

describe('chat openers', () => {
  const border = madeUpIndex('border', 'Border queues', [
    'Drivers at the border faced long waits on Monday, waiting for hours.',
    'The two ministers agreed a new trade deal in Geneva.',
  ]);
  const paragraphs = (question: string) =>
    answer(border, question).results.map((result) => result.source.paragraph);

  it('skips a word that only opens the message, though the articles use it', () => {
    expect(paragraphs('wait, did they agree a deal')).toEqual([2]);
    expect(paragraphs('ok wait so did the ministers agree a deal')).toEqual([2]);
    // Before what it acts on, it is the question's own word; before a name, it opens the message.
    expect(paragraphs('wait times at the border')[0]).toBe(1);
    expect(paragraphs('wait geneva deal??')).toEqual([2]);
  });
});

describe('names and words in other forms', () => {
  const talks = madeUpIndex('talks', 'Talks', [
    'A Ukrainian source said the leaders will meet again in June.',
    'Iraq signed a trade deal on Monday.',
    'Dmitry Peskov said talks were needed.',
    'The deal was welcomed by Kremlin spokesman Dmitry Peskov.',
    'Mark Jones and Marco Rossi approved the plan.',
    'The ferry took the fastest route across the lake.',
  ]);

  it('answers who someone is with the passage that gives their role', () => {
    expect(answer(talks, 'who is Peskov').results[0]?.source.paragraph).toBe(4);
  });

  it('reads an adjective in another degree as the same word ("fast", "fastest")', () => {
    expect(answer(talks, 'how fast was the ferry').results[0]?.source.paragraph).toBe(6);
  });

  it('reads a phrasal verb written solid as the verb ("meetup")', () => {
    expect(answer(talks, 'when is the next leaders meetup').results[0]?.source.paragraph).toBe(1);
  });

  it('among names one letter off, takes the one that sounds the same', () => {
    // "Marko" is one letter off "Mark" and "Marco"; only "Marco" is said the same way.
    expect(answer(talks, 'What did Marko Rossi approve?').corrections).toEqual([
      { from: 'Marko', to: 'Marco' },
    ]);
  });

  it('takes a long name one letter off a name of the articles for a spelling of it', () => {
    // WordNet knows "Ukranian" as a name of its own, so it is no typo of a common word.
    expect(answer(talks, 'What did the Ukranian source say?').corrections).toEqual([
      { from: 'Ukranian', to: 'Ukrainian' },
    ]);
    // A short name one letter off another is another name.
    expect(answer(talks, 'What did Iran sign?')).toMatchObject({
      answered: false,
      reason: 'No article mentions Iran.',
    });
  });
});

describe('bad input', () => {
  it.each([
    ['empty', ''],
    ['whitespace only', ' \n\t '],
    ['5000 characters', 'why '.repeat(1250)],
    ['emoji only', '😀🔥🇺🇦'],
    ['punctuation only', '?!?!'],
    ['null bytes', '\u0000\u0000'],
  ])('%s gets a clear message', (_, question) => {
    const result = answer(index, question);
    expect(result.answered).toBe(false);
    expect(result.reason).toMatch(/^[A-Z].+[.?"]$/);
    expect(result.reason).not.toMatch(/Error|at .+:\d+/);
  });

  it('tells how long a question may be', () => {
    expect(answer(index, 'a'.repeat(MAX_QUESTION_LENGTH + 1)).reason).toContain(
      String(MAX_QUESTION_LENGTH),
    );
  });

  it.each([
    ['markdown', '**who** led _the_ `delegation`?'],
    ['regex metacharacters', 'ceasefire.*(?:[a-z]+)$^|\\'],
    ['mentions', '@everyone who led the delegation <@123>'],
    ['null bytes inside', 'who\u0000 led the delegation'],
  ])('%s is searched as text', (_, question) => {
    expect(() => answer(index, question)).not.toThrow();
  });
});
