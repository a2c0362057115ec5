import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clip, MAX_COUNTEREXAMPLE_CHARS, MAX_ERROR_CHARS } from './short-report.ts';

/** The message `fc.assert` throws for `property` (run with the global reporter of test/setup.ts). */
function failureOf(property: fc.IProperty<[string]>): string {
  try {
    fc.assert(property, { seed: 7, numRuns: 20, endOnFailure: true });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the property passed');
}

describe('short property-failure reports', () => {
  it('cuts a huge counterexample and error to a readable size, keeping the seed to replay it', () => {
    const huge = fc.constant('🙂'.repeat(25_000));
    const message = failureOf(
      fc.property(huge, (text) => {
        expect(text).toBe('short');
      }),
    );
    expect(message.length).toBeLessThan(MAX_COUNTEREXAMPLE_CHARS + MAX_ERROR_CHARS + 400);
    expect(message).toContain('seed: 7');
    expect(message).toMatch(/characters cut/);
    expect(message).toMatch(/^Counterexample: \["🙂/m);
  });

  it('shows a small counterexample whole', () => {
    const message = failureOf(fc.property(fc.constant('abc'), (text) => text.length > 5));
    expect(message).toContain('Counterexample: ["abc"]');
    expect(message).not.toMatch(/characters cut/);
  });

  it('clip keeps short text and cuts long text in the middle', () => {
    expect(clip('abc', 10)).toBe('abc');
    expect(clip('a'.repeat(50) + 'b'.repeat(50), 10)).toBe('aaaaa … [90 characters cut] … bbbbb');
  });
});
