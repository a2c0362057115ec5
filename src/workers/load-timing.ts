/**
 * How long the last start took to ready the index, kept beside the snapshot,
 * so that while the next start loads, members can be told when it should be
 * ready. A missing or unreadable record means no estimate, never an error.
 */
import { readFile, writeFile } from 'node:fs/promises';

/** The record's file: beside the snapshot it times. */
function timingFile(snapshotPath: string): string {
  return `${snapshotPath}.load-ms`;
}

/**
 * The milliseconds the last start took, or null when none is recorded.
 *
 * @example
 * await readLoadTiming('.cache/index.snapshot') // => 41200 after a start that took 41.2 s
 */
export async function readLoadTiming(snapshotPath: string): Promise<number | null> {
  try {
    const ms = Number((await readFile(timingFile(snapshotPath), 'utf8')).trim());
    return Number.isFinite(ms) && ms >= 0 ? ms : null;
  } catch {
    return null;
  }
}

/**
 * Records how long this start took; a failure to write only costs the next estimate.
 *
 * @example
 * await writeLoadTiming('.cache/index.snapshot', 41_200);
 */
export async function writeLoadTiming(snapshotPath: string, ms: number): Promise<void> {
  await writeFile(timingFile(snapshotPath), `${Math.round(ms)}\n`).catch(() => {});
}
