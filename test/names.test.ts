import { describe, expect, it } from 'vitest';
import { articleNames, contextTerms, namesIn, speakersIn } from '../src/search/names.ts';
import { toTerm } from '../src/text/terms.ts';

describe('names a paragraph refers to', () => {
  it('finds names without titles or possessives, and not a sentence’s first word', () => {
    expect(namesIn('Sir Keir Starmer met Russia’s Vladimir Medinsky. Both spoke.')).toEqual([
      ['keir', 'starmer'],
      ['russia'],
      ['vladimir', 'medinsky'],
    ]);
  });

  it('completes a name given in part, and carries the names of the paragraph before', () => {
    const context = contextTerms([
      'Sir Keir Starmer spoke in Tirana.',
      '“No,” said Sir Keir.',
      '“We will continue to do so,” he added.',
    ]);
    expect(context[1]?.near).toContain(toTerm('starmer'));
    expect(context[1]?.near).not.toContain(toTerm('keir'));
    // The quote goes on from "Sir Keir": whom it refers to is the whole name.
    expect(context[2]?.near).toEqual(expect.arrayContaining([toTerm('keir'), toTerm('starmer')]));
    expect(context[2]?.near).not.toContain(toTerm('tirana'));
    // Two paragraphs back, Tirana still counts, though less: "the UK prime minister" may be Sir Keir.
    expect(context[2]?.earlier).toContain(toTerm('tirana'));
    expect(context[1]?.earlier).toEqual([]);
  });

  it('links a role left unnamed and the person the next paragraph names for the first time', () => {
    const context = contextTerms([
      'Turkey’s foreign minister called it an important day.',
      'Hakan Fidan shared a picture of the delegations.',
      'Hakan Fidan then left.',
      'The talks were led by defence minister Rustem Umerov.',
      'Anna Berg, a spokeswoman, said nothing.',
    ]);
    expect(context[1]?.near).toEqual(
      expect.arrayContaining([toTerm('foreign'), toTerm('minister')]),
    );
    expect(context[0]?.near).toEqual(expect.arrayContaining([toTerm('hakan'), toTerm('fidan')]));
    // Named before: the role of the paragraph before is no introduction of him.
    expect(context[2]?.near).not.toContain(toTerm('minister'));
    // The minister there is named ("defence minister Rustem Umerov"): Anna Berg is someone else.
    expect(context[4]?.near).not.toContain(toTerm('minister'));
    expect(context[3]?.near).not.toContain(toTerm('berg'));
  });

  it('finds who a paragraph says is speaking, with the rest of their name', () => {
    const article = articleNames([
      'Sir Keir Starmer spoke in Tirana.',
      'Russia’s Vladimir Medinsky said no.',
    ]);
    expect(speakersIn('“No,” said Sir Keir.', article)).toEqual(['keir', 'starmer']);
    // The possessive says whose he is; "told Sky News" names who listened; "said Russia had" is no speaker.
    expect(speakersIn('Russia’s Vladimir Medinsky said no.', article)).toEqual([
      'vladimir',
      'medinsky',
    ]);
    expect(speakersIn('A source told Sky News that Russia had threatened war.', article)).toEqual(
      [],
    );
    expect(speakersIn('He said Russia had threatened war.', article)).toEqual([]);
  });
});
