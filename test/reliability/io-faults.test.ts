/**
 * Guarantee 2, I/O faults: ENOSPC, EIO and EACCES injected (through the fs layer) on write, fsync
 * and rename. The previous progress file stays intact, the user gets a PrepError that names the
 * problem, and nothing is reported as saved that was not.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { PrepError } from '../../src/core/errors.js';
import { journalFileFor, openProgress, readProgress, type ProgressStore } from '../../src/store/progress.js';
import { serializeJournalLine } from '../../src/store/progress-schema.js';
import { reviewEvent } from '../store/progress-fixtures.js';
import { faultyFs, type FaultOp } from './helpers/faulty-fs.js';

const NOW = new Date('2025-03-10T12:00:00Z');
const CODES = ['ENOSPC', 'EIO', 'EACCES'] as const;
let file: string;

beforeEach(() => {
  file = path.join(mkdtempSync(path.join(tmpdir(), 'prep-faults-')), '.prep', 'progress.json');
});

/** A store with 3 grades compacted into the snapshot and 2 more in the journal. */
function seeded(layer = faultyFs()): ProgressStore {
  const setup = openProgress(file, { now: NOW });
  for (let i = 0; i < 3; i++) setup.append(reviewEvent(setup.nextSeq(), `c${i}`, NOW));
  setup.close();
  const store = openProgress(file, { now: NOW, fs: layer });
  for (let i = 0; i < 2; i++) store.append(reviewEvent(store.nextSeq(), `d${i}`, NOW));
  return store;
}

function onDisk() {
  return { snapshot: readFileSync(file), seqs: readProgress(file).reviews.map((r) => r.seq) };
}

function thrown(fn: () => void): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('a failing append is reported, leaves nothing half-saved, and the store goes on once the disk recovers', () => {
  const ops: Array<{ op: FaultOp; partial?: boolean }> = [{ op: 'writeSync' }, { op: 'writeSync', partial: true }, { op: 'fsyncSync' }];
  for (const { op, partial } of ops) {
    for (const code of CODES) {
      test(`${op}${partial ? ' (after a partial write)' : ''} ${code}`, () => {
        const layer = faultyFs();
        const store = seeded(layer);
        const before = onDisk();
        const dataBefore = structuredClone(store.data);
        layer.faults.push({ op, code, path: (p) => p.endsWith('.journal'), ...(partial ? { partial } : {}) });
        const error = thrown(() => store.append(reviewEvent(6, 'lost', NOW)));
        expect(error).toBeInstanceOf(PrepError);
        expect(error.message).toContain(code);
        expect(error.message).toMatch(/NOT saved/);
        expect(layer.failed.length).toBeGreaterThan(0);
        expect(store.data).toEqual(dataBefore); // nothing reported as saved
        expect(onDisk()).toEqual(before); // the previous state, intact
        layer.faults.length = 0;
        store.append(reviewEvent(store.nextSeq(), 'after', NOW));
        // the journal itself is sound: a reader (or a crash now) sees the grade made after the failure
        expect(readProgress(file).reviews.map((r) => r.cardId)).toEqual(['c0', 'c1', 'c2', 'd0', 'd1', 'after']);
        store.close();
        const data = readProgress(file);
        expect(data.reviews.map((r) => r.cardId)).toEqual(['c0', 'c1', 'c2', 'd0', 'd1', 'after']);
      });
    }
  }

  test('when the failed line cannot be cut off either, the store refuses further appends; the file still loads', () => {
    const layer = faultyFs();
    const store = seeded(layer);
    layer.faults.push({ op: 'fsyncSync', code: 'EIO', path: (p) => p.endsWith('.journal') }, { op: 'ftruncateSync', code: 'EIO' });
    expect(() => store.append(reviewEvent(6, 'lost', NOW))).toThrow(/EIO/);
    layer.faults.length = 0;
    expect(() => store.append(reviewEvent(6, 'next', NOW))).toThrow(/earlier failure/);
    store.close();
    // What was acknowledged is there; the unacknowledged line may or may not be, never twice.
    const seqs = readProgress(file).reviews.map((r) => r.seq);
    expect(seqs.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(seqs).size).toBe(seqs.length);
  });
});

describe('a failing compaction leaves progress.json byte-identical and every grade in the journal', () => {
  const ops: FaultOp[] = ['writeSync', 'fsyncSync', 'renameSync'];
  for (const op of ops) {
    for (const code of CODES) {
      test(`${op} ${code}`, () => {
        const layer = faultyFs();
        const store = seeded(layer);
        const before = onDisk();
        layer.faults.push({ op, code, path: (p) => p.includes('.tmp-') || p.endsWith('progress.json') });
        const error = thrown(() => store.compact());
        expect(error).toBeInstanceOf(PrepError);
        expect(error.message).toContain(code);
        expect(error.message).toMatch(/unchanged/);
        expect(readFileSync(file)).toEqual(before.snapshot);
        expect(readProgress(file).reviews.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
        expect(readdirSync(path.dirname(file)).filter((n) => n.includes('.tmp-'))).toEqual([]);
        // close tries to compact again, does not throw (the grades are durable), says why and releases the lock
        expect(store.warnings).toEqual([]);
        store.close();
        expect(store.warnings).toEqual([expect.stringMatching(new RegExp(`could not rewrite .*progress\\.json \\(${code}\\); it is unchanged and your grades are safe in .*progress\\.journal`))]);
        expect(existsSync(`${file}.lock`)).toBe(false);
        expect(readFileSync(file)).toEqual(before.snapshot);
        const reopened = openProgress(file, { now: NOW });
        expect(reopened.data.reviews.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
        reopened.close();
        expect(readFileSync(journalFileFor(file), 'utf8')).toBe('');
      });
    }
  }
});

describe('faults while opening', () => {
  for (const code of CODES) {
    test(`the journal cannot be opened (${code}): clear error, lock released, files intact`, () => {
      seeded().close();
      const before = onDisk();
      const layer = faultyFs([{ op: 'openSync', code, path: (p) => p.endsWith('.journal') }]);
      const error = thrown(() => openProgress(file, { now: NOW, fs: layer }));
      expect(error).toBeInstanceOf(PrepError);
      expect(error.message).toContain(code);
      expect(existsSync(`${file}.lock`)).toBe(false);
      expect(onDisk()).toEqual(before);
    });

    test(`the daily backup cannot be written (${code}): the session goes on with a warning`, () => {
      seeded().close();
      const layer = faultyFs([{ op: 'writeSync', code, path: (p) => p.includes(`${path.sep}backups${path.sep}`) }]);
      const store = openProgress(file, { now: new Date(NOW.getTime() + 86_400_000), fs: layer });
      expect(store.warnings.join(' ')).toContain(code);
      store.append(reviewEvent(store.nextSeq(), 'x', NOW));
      store.close();
      expect(readProgress(file).reviews).toHaveLength(6);
    });

    test(`the lock cannot be created (${code}): clear error, nothing written`, () => {
      seeded().close();
      const before = onDisk();
      const layer = faultyFs([{ op: 'openSync', code, path: (p) => p.includes('.lock') }]);
      const error = thrown(() => openProgress(file, { now: NOW, fs: layer }));
      expect(error).toBeInstanceOf(PrepError);
      expect(error.message).toContain(code);
      expect(onDisk()).toEqual(before);
    });
  }

  test('a fresh progress file whose first snapshot cannot be renamed into place: error, no file, no lock', () => {
    const layer = faultyFs([{ op: 'renameSync', code: 'EACCES', path: (p) => p.endsWith('progress.json') }]);
    const error = thrown(() => openProgress(file, { now: NOW, fs: layer }));
    expect(error).toBeInstanceOf(PrepError);
    expect(error.message).toContain('EACCES');
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});

test('a long journal that cannot be folded in at open (rename fails) still opens, with a warning, and keeps every grade', () => {
  seeded().close();
  const lines: string[] = [];
  for (let seq = 6; seq < 6 + 2100; seq++) lines.push(serializeJournalLine(seq, reviewEvent(seq, 'bulk', NOW)));
  writeFileSync(journalFileFor(file), lines.join(''));
  const before = readFileSync(file);
  const layer = faultyFs([{ op: 'renameSync', code: 'ENOSPC', path: (p) => p.endsWith('progress.json') }]);
  const store = openProgress(file, { now: NOW, fs: layer });
  expect(store.warnings.join(' ')).toMatch(/ENOSPC/);
  expect(store.data.reviews).toHaveLength(5 + 2100);
  expect(readFileSync(file)).toEqual(before);
  layer.faults.length = 0;
  store.close();
  expect(readProgress(file).reviews).toHaveLength(5 + 2100);
});
