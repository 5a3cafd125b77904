/**
 * shareJobs: every job is done exactly once, here or by a helper, whatever the helpers do. The
 * helpers here answer through real MessageChannels, served in this same thread.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { serveJobs, shareJobs } from '../../src/store/parse-pool.js';

interface Run {
  here: number[];
  taken: Map<number, string>;
}

async function run(count: number, helpers: MessagePort[]): Promise<Run> {
  const result: Run = { here: [], taken: new Map() };
  await shareJobs<string, string>(count, helpers, {
    here: (i) => result.here.push(i),
    describe: (i) => `job ${i}`,
    take: (i, value) => {
      expect(result.taken.has(i)).toBe(false);
      result.taken.set(i, value);
    },
  });
  return result;
}

/** A helper answering every batch with `work`; its far end is returned for shareJobs. */
function helper(work: (job: string) => string = (job) => `done: ${job}`): MessagePort {
  const { port1, port2 } = new MessageChannel();
  serveJobs(port2, work);
  return port1;
}

const everyJobOnce = (count: number, { here, taken }: Run) => {
  const all = [...here, ...taken.keys()].sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: count }, (_, i) => i));
};

describe('shareJobs', () => {
  it('does every job here, in order, without helpers', async () => {
    const result = await run(40, []);
    expect(result.here).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(result.taken.size).toBe(0);
  });

  it('shares the jobs with helpers: each done once, their results taken by job', async () => {
    const result = await run(500, [helper(), helper()]);
    everyJobOnce(500, result);
    expect(result.taken.size).toBeGreaterThan(0);
    expect(result.here.length).toBeGreaterThan(0);
    for (const [i, value] of result.taken) expect(value).toBe(`done: job ${i}`);
    // This thread works from the front, the helpers from the back.
    expect(result.here[0]).toBe(0);
    expect(result.taken.has(499)).toBe(true);
  });

  it('does here the jobs of a helper that goes away before answering', async () => {
    const { port1, port2 } = new MessageChannel();
    port2.once('message', () => port2.close()); // takes a batch, then is gone
    const result = await run(200, [port1, helper()]);
    everyJobOnce(200, result);
  });

  it('does here the rest of a helper that goes away after answering some batches', async () => {
    const { port1, port2 } = new MessageChannel();
    let batches = 0;
    port2.on('message', ({ id, jobs }: { id: number; jobs: { i: number; job: string }[] }) => {
      if (++batches === 3) port2.close();
      else port2.postMessage({ id, results: jobs.map(({ i, job }) => ({ i, result: `done: ${job}` })) });
    });
    const result = await run(300, [port1]);
    everyJobOnce(300, result);
    expect(result.taken.size).toBe(32); // its first two batches of 16
  });

  it('finishes with fewer jobs than one batch', async () => {
    everyJobOnce(3, await run(3, [helper(), helper(), helper()]));
    everyJobOnce(0, await run(0, [helper()]));
  });
});
