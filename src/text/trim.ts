/**
 * Trimming runs of characters from the ends of a text by scanning, in linear
 * time. A regular expression such as `/[.-]+$/` does the same, but a
 * backtracking engine retries it from every position of a long run, which
 * takes quadratic time on untrusted text (the ReDoS test in
 * `test/redos.test.ts` refuses such patterns).
 */

/**
 * The text without the code points at its end for which `isTrimmed` holds.
 *
 * @example
 * trimEndWhere('Talks, –', (c) => /[\s,–]/.test(c)) // => 'Talks'
 */
export function trimEndWhere(text: string, isTrimmed: (point: string) => boolean): string {
  const points = Array.from(text);
  let end = points.length;
  while (end > 0 && isTrimmed(points[end - 1] as string)) end -= 1;
  return end === points.length ? text : points.slice(0, end).join('');
}

/**
 * The text without the code points at either end for which `isTrimmed` holds.
 *
 * @example
 * trimWhere('.-news.example-', (c) => c === '.' || c === '-') // => 'news.example'
 */
export function trimWhere(text: string, isTrimmed: (point: string) => boolean): string {
  const points = Array.from(text);
  let start = 0;
  while (start < points.length && isTrimmed(points[start] as string)) start += 1;
  let end = points.length;
  while (end > start && isTrimmed(points[end - 1] as string)) end -= 1;
  return points.slice(start, end).join('');
}
