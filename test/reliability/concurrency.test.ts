/**
 * Guarantee 3, concurrency: two real prep processes on one progress file never both write; a lock
 * left by a SIGKILLed process is recovered; a reader during writes always sees a consistent state.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { readProgress } from '../../src/store/progress.js';
import { bundleHelper } from './helpers/bundle.js';

let grader: string;
beforeAll(async () => {
  grader = await bundleHelper('grader');
});

function tempFile(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'prep-concurrency-')), '.prep', 'progress.json');
}

interface Child {
  process: ChildProcess;
  acked: number[];
  stderr: () => string;
  /** Resolves once the child printed `open` (it holds the lock) or ended. */
  opened: Promise<boolean>;
  exited: Promise<number | null>;
}

function startGrader(file: string, args: string[] = ['0', '0', '0', '100000']): Child {
  const child = spawn(process.execPath, [grader, file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: number[] = [];
  let stderr = '';
  let out = '';
  let onOpen: (value: boolean) => void = () => {};
  const opened = new Promise<boolean>((resolve) => (onOpen = resolve));
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    out += chunk;
    let nl: number;
    while ((nl = out.indexOf('\n')) !== -1) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      if (line.startsWith('open')) onOpen(true);
      else if (/^\d+$/.test(line)) acked.push(Number(line));
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then(() => onOpen(false));
  return { process: child, acked, stderr: () => stderr, opened, exited };
}

test('a second process is refused with the holder pid while the first writes; after a SIGKILL the lock is recovered', async () => {
  const file = tempFile();
  const first = startGrader(file);
  expect(await first.opened).toBe(true);
  const second = startGrader(file);
  expect(await second.exited).toBe(3);
  expect(second.stderr()).toMatch(/ProgressLockedError: .*in use by another prep \(pid \d+/);
  expect(second.stderr()).toContain(`pid ${first.process.pid}`);
  expect(second.acked).toEqual([]);

  first.process.kill('SIGKILL');
  await first.exited;
  const third = startGrader(file, ['0', '0', '0', '5']);
  expect(await third.exited, third.stderr()).toBe(0);
  const data = readProgress(file);
  expect(data.reviews.map((r) => r.seq)).toEqual(Array.from({ length: data.reviews.length }, (_, i) => i + 1));
  for (const seq of [...first.acked, ...third.acked]) expect(data.reviews.some((r) => r.seq === seq)).toBe(true);
}, 60_000);

test('processes started at the same moment: exactly one gets the lock, every time', async () => {
  for (let round = 0; round < 5; round++) {
    const file = tempFile();
    const children = Array.from({ length: 4 }, () => startGrader(file, ['0', '0', '0', '100000']));
    const opened = await Promise.all(children.map((c) => c.opened));
    expect(opened.filter(Boolean)).toHaveLength(1);
    for (const c of children) c.process.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    const refused = children.filter((_, i) => !opened[i]);
    for (const c of refused) expect(c.stderr()).toMatch(/ProgressLockedError/);
    const data = readProgress(file);
    expect(new Set(data.reviews.map((r) => r.seq)).size).toBe(data.reviews.length);
  }
}, 60_000);

test('a reader during appends and compactions always sees a consistent, growing history', async () => {
  const file = tempFile();
  // compact after every append: the snapshot is replaced and the journal emptied all the time
  const writer = startGrader(file, ['0', '1', '0', '400']);
  expect(await writer.opened).toBe(true);
  let reads = 0;
  let previous = 0;
  let running = true;
  void writer.exited.then(() => (running = false));
  while (running) {
    const ackedBefore = writer.acked.length;
    const data = readProgress(file);
    const seqs = data.reviews.map((r) => r.seq);
    // every review from 1 to n: nothing half-applied, nothing missing, nothing twice
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.length).toBeGreaterThanOrEqual(Math.max(previous, ackedBefore));
    previous = seqs.length;
    reads++;
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(await writer.exited, writer.stderr()).toBe(0);
  expect(readProgress(file).reviews).toHaveLength(400);
  expect(reads).toBeGreaterThan(20);
}, 60_000);
