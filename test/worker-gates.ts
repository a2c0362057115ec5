/**
 * Pauses shared with the worker threads (see `BuildTask.gate` and
 * `AnswerTask.gate`), so a test can hold a build or a query at a known point
 * and act meanwhile, by the order of events rather than by time.
 */

/** A pause shared with a worker: open (slot 0 = 1) until {@link hold}. */
export function gate(): Int32Array {
  const slots = new Int32Array(new SharedArrayBuffer(8));
  slots[0] = 1;
  return slots;
}

/** Closes the gate and forgets who reached it, before the work to hold starts. */
export function hold(slots: Int32Array): void {
  Atomics.store(slots, 1, 0);
  Atomics.store(slots, 0, 0);
}

/** Opens the gate and wakes whoever waits at it. */
export function release(slots: Int32Array): void {
  Atomics.store(slots, 0, 1);
  Atomics.notify(slots, 0);
}

/** `Atomics.waitAsync` (Node 16+), which the TypeScript library this project targets does not declare. */
const { waitAsync } = Atomics as unknown as {
  waitAsync(
    array: Int32Array,
    index: number,
    value: number,
  ): { async: false; value: string } | { async: true; value: Promise<string> };
};

/** Resolves once a worker reached the gate (slot 1 left 0). */
export async function reached(slots: Int32Array): Promise<void> {
  const wait = waitAsync(slots, 1, 0);
  if (wait.async) await wait.value;
}
