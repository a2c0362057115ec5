/**
 * An analysis worker: reads a share of a cold build's passages with the
 * language model, beside the build worker (see `analyse-parallel.ts`).
 */
import { analysePassage, type PassageAnalysis } from '../search/analysis.ts';

/**
 * Analyses each text, in order.
 *
 * @example
 * const analyses = await pool.run(['The talks lasted two hours.']);
 */
export default function analyseTexts(texts: string[]): PassageAnalysis[] {
  return texts.map(analysePassage);
}
