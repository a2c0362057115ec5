import { describe, expect, it } from 'vitest';
import {
  expectedAnswerType,
  holdsAnswerType,
  isQuestionPhraseWord,
  speakerOf,
} from '../src/search/answer-type.ts';
import { cleanInput, foldText } from '../src/text/normalize.ts';
import { americanize, foldTransliteration, likelySlips } from '../src/text/spelling.ts';
import { isStopWord } from '../src/text/stopwords.ts';
import { Synonyms } from '../src/text/synonyms.ts';
import { indexTerms, toTerm } from '../src/text/terms.ts';
import { tokenize } from '../src/text/tokenize.ts';
import { WordNet } from '../src/text/wordnet.ts';

describe('folding', () => {
  it('folds case, diacritics, curly quotes and dashes', () => {
    expect(foldText('Dolmabahçe ERDOĞAN “x” ‘y’ a–b')).toBe('dolmabahce erdogan "x" \'y\' a-b');
  });

  it('cleans invisible characters, null bytes and lone surrogates from input', () => {
    expect(cleanInput(' who\u200b led\u0000 it?\ud800 ')).toBe('who led it?');
    expect(cleanInput('ok 😀')).toBe('ok 😀');
  });
});

describe('tokenizing', () => {
  it('drops possessives with straight or curly apostrophes', () => {
    expect(tokenize("Russia’s Russia's Russias'").map((t) => t.word)).toEqual([
      'russia',
      'russia',
      'russias',
    ]);
  });

  it('keeps thousands together and drops the separator', () => {
    expect(tokenize('1,000 POWs and 1000 more, 2.5 km').map((t) => t.word)).toEqual([
      '1000',
      'pows',
      'and',
      '1000',
      'more',
      '2.5',
      'km',
    ]);
  });

  it('marks acronyms and splits compounds into parts', () => {
    const [us, ceasefire] = tokenize('US cease-fire');
    expect(us?.acronym).toBe(true);
    expect(ceasefire).toMatchObject({ word: 'ceasefire', parts: ['cease', 'fire'] });
  });
});

describe('terms', () => {
  it.each([
    ['defence', 'defense'],
    ['theatre', 'theater'],
    ['Zelenskyy', 'Zelensky'],
    ['Zelenskiy', 'Zelensky'],
    ['Aleksei', 'Alexei'],
    ['prisoners', 'prisoner'],
    ['negotiations', 'negotiation'],
    ['thousand', '1000'],
    ['1,000', '1000'],
  ])('%s and %s become one term', (a, b) => {
    expect(indexTerms(a)).toEqual(indexTerms(b));
  });

  it('keeps different words apart', () => {
    expect(toTerm('hour')).toBe(toTerm('hours'));
    expect(toTerm('talks')).not.toBe(toTerm('tanks'));
    expect(toTerm('news')).not.toBe(toTerm('new'));
  });

  it('drops stop words but keeps capitalised acronyms', () => {
    expect(isStopWord('the')).toBe(true);
    expect(indexTerms('what did the US say')).toEqual(['us', 'sai']);
    // "According to" frames a question; "accord" is a word ("the accord").
    expect(indexTerms('according to the union, regarding the accord')).toEqual(
      indexTerms('union accord'),
    );
    expect(indexTerms('did he at least send envoys')).toEqual(indexTerms('send envoys'));
  });

  it('drops chat shorthand, which a large corpus may hold as other words', () => {
    expect(indexTerms('wat did ppl say abt the deal rn')).toEqual(indexTerms('say deal'));
  });

  it('folds British endings and transliterations', () => {
    expect(americanize('offences')).toBe('offenses');
    expect(americanize('colour')).toBe('color');
    expect(americanize('hour')).toBe('hour');
    expect(foldTransliteration('dmitriy')).toBe(foldTransliteration('dmitri'));
  });
});

describe('synonyms', () => {
  const synonyms = new Synonyms();

  it('finds curated phrases, multi-word ones included', () => {
    const [match] = synonyms.curatedPhrases(indexTerms('prisoners of war'));
    expect(match?.length).toBe(2);
    expect(match?.synonyms.map((s) => s.terms.join(' '))).toContain(toTerm('pow'));
    const [heads] = synonyms.curatedPhrases(indexTerms('heads of government'));
    expect(heads?.synonyms.map((s) => s.terms.join(' '))).toContain(toTerm('leader'));
  });

  it('maps truce to ceasefire both ways', () => {
    const fromTruce = synonyms
      .curatedPhrases([toTerm('truce')])[0]
      ?.synonyms.map((s) => s.terms.join(' '));
    expect(fromTruce).toContain(toTerm('ceasefire'));
  });

  it('finds a hyphenated phrase whole or in parts, but never by a stop-word part', () => {
    // A question's words as the query sees them: one term per word, a compound whole.
    const found = (question: string) =>
      synonyms
        .curatedPhrases(tokenize(question).map((token) => toTerm(token.word)))
        .flatMap((match) => match.synonyms.map((synonym) => synonym.terms.join(' ')));
    expect(found('month-long')).toContain(indexTerms('30-day').join(' '));
    expect(found('month long')).toContain(indexTerms('30-day').join(' '));
    expect(found('lower ranking')).toContain(toTerm('junior'));
    // "no-show" is "absent", but "show" alone is not.
    expect(found('no-show')).toContain(toTerm('absent'));
    expect(found('show')).not.toContain(toTerm('absent'));
  });

  it('drops a phrase whose negation no index can hold', () => {
    const found = (word: string) =>
      synonyms
        .curatedPhrases([toTerm(word)])
        .flatMap((match) => match.synonyms.map((synonym) => synonym.terms.join(' ')));
    // "did not attend" and "not acceptable" would otherwise stand for "attend" and "accept".
    expect(found('attend')).not.toContain(toTerm('absent'));
    expect(found('accept')).not.toContain(toTerm('unacceptable'));
    expect(found('unacceptable')).toContain(toTerm('intolerable'));
  });

  it('reads WordNet synonyms and kinds from disk', () => {
    const wordnet = new WordNet();
    expect(wordnet.synonyms('truce')).toEqual(expect.arrayContaining(['armistice', 'cease-fire']));
    expect(wordnet.kind('china')).toBe('proper');
    expect(wordnet.kind('weather')).toBe('common');
    expect(wordnet.kind('qwertyuiop')).toBe('unknown');
    expect(wordnet.kind('genuinely')).toBe('adverb');
    expect(wordnet.synonyms('forever')).toContain('eternally');
    wordnet.close();
  });

  it("knows inflected words by their base forms, as WordNet's morphy does", () => {
    const wordnet = new WordNet();
    // Irregular past forms, adjectives in -er/-est on an -e stem, doubled consonants.
    for (const word of ['began', 'sat', 'largest', 'larger', 'biggest', 'stopped'])
      expect(wordnet.kind(word), word).toBe('common');
    expect(wordnet.synonyms('began')).toContain('start');
    expect(wordnet.synonyms('largest')).toContain('big');
    wordnet.close();
  });

  it('gives the other degrees of an adjective, but not a word of its own', () => {
    const wordnet = new WordNet();
    expect(wordnet.degrees('fastest')).toEqual(['fast', 'faster']);
    expect(wordnet.degrees('big')).toEqual(['bigger', 'biggest']);
    expect(wordnet.degrees('easy')).toEqual(['easier', 'easiest']);
    // "number" is no "more numb", nor "Easter" "more east"; "power" is no adjective's degree.
    expect(wordnet.degrees('number')).toEqual([]);
    expect(wordnet.degrees('east')).not.toContain('easter');
    expect(wordnet.degrees('power')).toEqual([]);
    wordnet.close();
  });
});

describe('chat markup', () => {
  it('drops mentions, channels, custom emoji and timestamps but keeps words', () => {
    expect(cleanInput('<@123456789012345678> who led <#42> it <:wave:99> <t:1700000000:R>?')).toBe(
      'who led it ?',
    );
    expect(cleanInput('@everyone who led it')).toBe('@everyone who led it');
  });
});

describe('likely slips of spelling', () => {
  it.each([
    ['absense', 'absence'],
    ['personaly', 'personally'],
    ['negotiatons', 'negotiations'],
    ['prisonner', 'prisoner'],
    ['seperate', 'separate'],
    ['wernt', 'werent'],
    ['recieve', 'receive'],
  ])('%s is one slip from %s', (typed, meant) => {
    expect(likelySlips(typed)).toContain(meant);
  });

  it('leaves out the word itself and edits that are no likely slip', () => {
    expect(likelySlips('absense')).not.toContain('absense');
    // A consonant for an unrelated one is no likely slip: "tanks" is not "talks".
    expect(likelySlips('tanks')).not.toContain('talks');
  });
});

describe('answer types', () => {
  it.each([
    ['How many prisoners were swapped?', 'number'],
    ['how old is he', 'number'],
    ['When will they meet?', 'time'],
    ['how long did the talks last', 'duration'],
    ['How much time did the delegations spend at the table?', 'duration'],
    ['On which day and from where did he speak?', 'time'],
    ['Does he think a summit is needed, and how soon could it happen?', null],
    ['so did russia reply when ukraine asked', null],
    ['Trump Putin summit location', 'place'],
    ['Istanbul talks length', 'duration'],
    ['Russia occupied territory percentage', 'number'],
    ['Rustem Umerov age', 'number'],
    ['What is the population of Istanbul?', 'number'],
    ["What's the total number of prisoners held?", 'number'],
    ['What did the leaders agree?', null],
    ['What does the Kremlin want when it comes to NATO?', null],
    ['What is the date of the talks?', null],
    ['And when will they meet?', 'time'],
    ['What did Umerov say after the talks?', 'statement'],
    ['wat did starmer say abt russia', 'statement'],
    ['who is Peskov', 'role'],
    ['whos medinsky again', 'role'],
    ['What job does Medinsky hold?', 'role'],
    ['Marco Rubio job', 'role'],
    ['Kremlin spokesman name', 'person'],
    ["What's the name of Turkey's foreign minister?", 'person'],
    ["Who is Ukraine's foreign minister?", 'person'],
    ['who was in the delegation', 'person'],
    ['what did the kremlin guy tell reporters', 'statement'],
    ['Who led the delegation?', 'person'],
    ['Where were the talks held?', 'place'],
    ['What did they agree?', null],
  ])('%s asks for %s', (question, type) => {
    expect(expectedAnswerType(question)).toBe(type);
  });

  it('reads who a "what did X say" question asks about', () => {
    expect(speakerOf('What did the UK prime minister say about Putin?')).toBe(
      'the UK prime minister',
    );
    expect(speakerOf('wat did macron say abt it')).toBe('macron');
    expect(speakerOf('Who led the delegation?')).toBeNull();
    expect(speakerOf('Did Peskov say what Russia wants?')).toBeNull();
  });

  it.each([
    ['They met in 2022.', 'time', true],
    ['The talks lasted less than two hours.', 'time', true],
    ['The talks lasted less than two hours.', 'duration', true],
    ['Russia resists a month-long truce.', 'duration', true],
    ['Arranging it would take time.', 'duration', true],
    ['It was time to talk.', 'duration', false],
    ['They met in Saudi Arabia in February.', 'duration', false],
    ['They met last week.', 'duration', false],
    ['“The position is unacceptable,” said Sir Keir.', 'statement', true],
    ['The delegation was led by defence minister Rustem Umerov.', 'statement', false],
    ['Kremlin spokesman Dmitry Peskov told reporters.', 'role', true],
    ['“We agreed,” said Mr Medinsky.', 'role', false],
    ['No date has been set.', 'time', true],
    ['It was an important day for peace.', 'time', false],
    ['Both sides agreed to swap 1,000 prisoners.', 'number', true],
    ['Hakan Fidan shared a picture.', 'person', true],
    ['he declined a challenge from the president', 'person', false],
    ['The meeting in Istanbul was short.', 'place', true],
    ['They all met in Albania on Friday.', 'place', true],
    ['A source in the Ukrainian team spoke.', 'place', false],
    ['It wants an end to Ukraine’s NATO ambitions.', 'place', false],
  ] as const)('%s holds a %s: %s', (passage, type, holds) => {
    expect(holdsAnswerType(passage, type)).toBe(holds);
  });

  it.each([
    ['how', 'long', 'did', true],
    ['how', 'come', 'russia', true],
    ['month', 'long', 'truce', false],
    ['much', 'time', 'did', true],
    ['spare', 'time', 'for', false],
    [undefined, 'show', 'me', true],
    ['putin', 'show', 'up', false],
    [undefined, 'list', 'the', true],
    ['you', 'list', 'the', true],
    ['delegation', 'list', undefined, false],
  ] as const)(
    'after %s, %s before %s only frames the question: %s',
    (previous, word, next, frames) => {
      expect(isQuestionPhraseWord(previous, word, next)).toBe(frames);
    },
  );
});
