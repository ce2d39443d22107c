/**
 * The tasks of one batch, shared by the threads that run them: each thread takes the next
 * index with an atomic add, so no thread waits for another to hand it work (the main
 * thread, which also runs tasks, cannot answer a worker while it simulates).
 */

/** [0]: the next queue slot to take (finished runs are logged in run-log.ts). */
export type TaskQueue = Int32Array;

export function newTaskQueue(): TaskQueue {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/** The next queue slot for this thread (its task: taskAt); ≥ `count` once every task is taken (or the batch stopped). */
export const takeTask = (q: TaskQueue): number => Atomics.add(q, 0, 1);

/**
 * The task a thread runs when it takes queue slot `k`: `order[k]` with a dispatch order (dispatch-order.ts),
 * else `k` itself.
 */
export const taskAt = (order: readonly number[] | undefined, k: number): number => (order === undefined ? k : order[k]!);

/** One failed run fails the batch: no thread starts another task. */
export const stopTasks = (q: TaskQueue, count: number): void => {
  Atomics.store(q, 0, count);
};
