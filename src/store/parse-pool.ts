/**
 * Sharing a run of jobs (the answer files a cold load parses) between this thread and helper
 * threads, each reached through a MessagePort. This thread takes jobs from the front, one at a time;
 * helpers take them from the back, in batches, two batches ahead so they never wait for this thread.
 * Every result is handed to `take` in this thread, in whatever order it comes. A helper that goes
 * away (its port closes) gives its unfinished batches back, and this thread does them: a helper can
 * only make the run faster, never change its result or lose a job.
 */
import type { MessagePort } from 'node:worker_threads';

/** Jobs sent to a helper in one message: about 50 ms of parsing, so its results come back often. */
const BATCH = 16;
/** Batches a helper holds at once: it starts the next while the previous one's results travel. */
const AHEAD = 2;
/** Jobs this thread does between looks at its helpers' messages (about 25 ms of parsing). */
const STEP = 8;

interface Batch {
  id: number;
  jobs: number[];
}

/** What goes to a helper, and what comes back: one message per batch, results in the batch's order. */
interface Request<J> {
  id: number;
  jobs: { i: number; job: J }[];
}
interface Reply<R> {
  id: number;
  results: { i: number; result: R }[];
}

/** Stops listening to a helper and closes this end. */
const release = (port: MessagePort) => {
  port.removeAllListeners();
  port.close();
};

/**
 * Runs jobs 0 to `count - 1`: `here(i)` in this thread, or `describe(i)` sent to a helper whose result
 * comes back to `take(i, result)`. Resolves when every job is done, here or by a helper.
 */
export async function shareJobs<J, R>(count: number, helpers: readonly MessagePort[], work: { here(i: number): void; describe(i: number): J; take(i: number, result: R): void }): Promise<void> {
  let head = 0;
  let tail = count;
  const returned: number[] = []; // jobs of helpers that went away
  const held = new Map<MessagePort, Map<number, Batch>>();
  let nextId = 0;
  let wake: (() => void) | undefined;
  const wakeUp = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  const send = (port: MessagePort): boolean => {
    if (tail <= head) return false;
    const from = Math.max(head, tail - BATCH);
    const batch: Batch = { id: nextId++, jobs: [] };
    for (let i = from; i < tail; i++) batch.jobs.push(i);
    tail = from;
    held.get(port)!.set(batch.id, batch);
    const request: Request<J> = { id: batch.id, jobs: batch.jobs.map((i) => ({ i, job: work.describe(i) })) };
    port.postMessage(request);
    return true;
  };
  const drop = (port: MessagePort) => {
    const batches = held.get(port);
    if (!batches) return;
    held.delete(port);
    for (const batch of batches.values()) returned.push(...batch.jobs);
    release(port);
    wakeUp();
  };

  for (const port of helpers) {
    held.set(port, new Map());
    port.on('message', (reply: Reply<R>) => {
      const batches = held.get(port);
      const batch = batches?.get(reply.id);
      if (!batches || !batch) return;
      batches.delete(reply.id);
      for (const { i, result } of reply.results) work.take(i, result);
      send(port);
      wakeUp();
    });
    port.on('close', () => drop(port));
    for (let k = 0; k < AHEAD && send(port); k++);
  }

  const outstanding = () => {
    let n = 0;
    for (const batches of held.values()) n += batches.size;
    return n;
  };
  for (;;) {
    let done = 0;
    while (done < STEP) {
      const i = returned.length > 0 ? returned.pop() : head < tail ? head++ : undefined;
      if (i === undefined) break;
      work.here(i);
      done++;
    }
    if (done > 0) {
      await new Promise<void>((resolve) => setImmediate(resolve)); // lets the helpers' replies in
    } else if (outstanding() > 0) {
      await new Promise<void>((resolve) => (wake = resolve));
    } else {
      break;
    }
  }
  for (const port of helpers) release(port);
}

/** The helper's side: answers every batch that comes through `port` with `work`'s results, in order. */
export function serveJobs<J, R>(port: MessagePort, work: (job: J) => R): void {
  port.on('message', ({ id, jobs }: Request<J>) => {
    const reply: Reply<R> = { id, results: jobs.map(({ i, job }) => ({ i, result: work(job) })) };
    port.postMessage(reply);
  });
}
