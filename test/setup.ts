import fc from 'fast-check';
import { shortReport } from './short-report.ts';

/**
 * Every property test runs from one seed, so a run repeats exactly: red means the code, never
 * the dice. `FC_SEED=<n> npm test` tries other values (a property's own `seed` still wins).
 */
const seed = Number(process.env.FC_SEED ?? 20250516);

// Property failures print a short counterexample and error, never a multi-kilobyte dump.
fc.configureGlobal({ reporter: shortReport, seed });
