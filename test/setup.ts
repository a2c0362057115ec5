import fc from 'fast-check';
import { shortReport } from './short-report.ts';

// Property failures print a short counterexample and error, never a multi-kilobyte dump.
fc.configureGlobal({ reporter: shortReport });
