/**
 * A fast-check reporter whose failure message stays short: a property that fails on a
 * 50 KB string must not print 50 KB. The counterexample and the error are each cut in the
 * middle; the seed and path replay the exact run (`fc.assert(p, { seed, path })`).
 * `test/setup.ts` installs it for every test file with `fc.configureGlobal`.
 */
import fc from 'fast-check';

/** Most characters of the counterexample shown. */
export const MAX_COUNTEREXAMPLE_CHARS = 400;
/** Most characters of the error's message shown. */
export const MAX_ERROR_CHARS = 1200;

/**
 * `text` when it is at most `max` characters, else its start and end around a note of
 * how much was cut.
 *
 * @example
 * clip('a'.repeat(1000), 20) // => 'aaaaaaaaaa … [980 characters cut] … aaaaaaaaaa'
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  return `${text.slice(0, half)} … [${text.length - 2 * half} characters cut] … ${text.slice(-half)}`;
}

/** The error's message, with the value an assertion received (clipped), which its message elides. */
function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const message = `${error.name}: ${error.message}`;
  if (!('actual' in error)) return message;
  return `${message}\nReceived: ${clip(fc.stringify(error.actual), MAX_COUNTEREXAMPLE_CHARS)}`;
}

/**
 * Throws a short error for a failed run; returns quietly for a passing one.
 *
 * @example
 * fc.configureGlobal({ reporter: shortReport });
 */
export function shortReport(details: fc.RunDetails<unknown>): void {
  if (!details.failed) return;
  const replay = `seed: ${details.seed}, path: "${details.counterexamplePath ?? ''}"`;
  if (details.counterexample === null) {
    const why = details.interrupted ? 'was interrupted' : 'skipped too many values';
    throw new Error(`Property ${why} after ${details.numRuns} runs (${replay})`);
  }
  throw new Error(
    [
      `Property failed after ${details.numRuns} runs and ${details.numShrinks} shrinks (${replay})`,
      `Counterexample: ${clip(fc.stringify(details.counterexample), MAX_COUNTEREXAMPLE_CHARS)}`,
      `Error: ${clip(errorMessage(details.errorInstance), MAX_ERROR_CHARS)}`,
    ].join('\n'),
  );
}
