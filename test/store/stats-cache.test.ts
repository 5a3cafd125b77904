/** The stats digest cache: the same digest as a full read, never trusted when it does not check out. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Grade } from '../../src/core/progress-model.js';
import { digestProgress, type ProgressDigest } from '../../src/core/stats.js';
import { openProgress, readProgress } from '../../src/store/progress.js';
import { loadStatsDigest, STATS_CACHE_NAME } from '../../src/store/stats-cache.js';
import { reviewEvent } from './progress-fixtures.js';

let root: string;
let file: string;
let cacheDir: string;
const T0 = Date.parse('2026-03-02T10:00:00Z');
let seq = 0;

/** Appends reviews through the real store (journal; compaction on close when the snapshot is small). */
function grade(ids: string[], at: number, grades: Grade[] = [3]) {
  const store = openProgress(file, { now: new Date(at) });
  try {
    ids.forEach((id, i) => store.append(reviewEvent(++seq, id, new Date(at + i * 1000), grades[i % grades.length])));
  } finally {
    store.close();
  }
}
/** Appends reviews to the journal without compacting (as a session in progress leaves it). */
function gradeOpen(ids: string[], at: number) {
  const store = openProgress(file, { now: new Date(at) });
  ids.forEach((id, i) => store.append(reviewEvent(++seq, id, new Date(at + i * 1000), 3)));
  return store;
}
/** Comparable form; of a record, stats uses (and the cache keeps) only the memory state. */
const plain = (d: ProgressDigest) =>
  JSON.parse(JSON.stringify({ ...d, records: Object.entries(d.records).map(([id, r]) => [id, r.memory]), cards: [...d.cards], days: [...d.days], lastAt: String(d.lastAt) }));
const fresh = () => plain(digestProgress(readProgress(file)));
const cached = () => {
  const loaded = loadStatsDigest(file, cacheDir);
  return { digest: plain(loaded.digest), source: loaded.source };
};
const cacheFile = () => path.join(cacheDir, STATS_CACHE_NAME);

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'prep-stats-cache-'));
  mkdirSync(path.join(root, '.prep'));
  file = path.join(root, '.prep', 'progress.json');
  cacheDir = path.join(root, '.prep', 'cache');
  seq = 0;
  grade(['a', 'b', 'c', 'a'], T0, [3, 1, 4, 2]);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('stats digest cache', () => {
  it('gives the digest of a full read, then serves it from the cache', () => {
    expect(cached()).toEqual({ digest: fresh(), source: 'full' });
    expect(cached()).toEqual({ digest: fresh(), source: 'cache' });
  });

  it('folds in reviews appended to the journal since, and equals a full read', () => {
    cached();
    const store = gradeOpen(['b', 'd'], T0 + 86_400_000);
    try {
      expect(cached()).toEqual({ digest: fresh(), source: 'journal' });
      expect(cached()).toEqual({ digest: fresh(), source: 'cache' });
      store.append(reviewEvent(++seq, 'a', new Date(T0 + 2 * 86_400_000), 1));
      expect(cached()).toEqual({ digest: fresh(), source: 'journal' });
    } finally {
      store.close();
    }
  });

  it('reads everything again after a compaction replaced the snapshot', () => {
    cached();
    grade(['c'], T0 + 86_400_000); // small snapshot: compacted on close
    expect(cached()).toEqual({ digest: fresh(), source: 'full' });
  });

  it('starts over for a review earlier than those already folded in (clock set back)', () => {
    cached();
    const store = gradeOpen(['a'], T0 - 86_400_000);
    try {
      expect(cached()).toEqual({ digest: fresh(), source: 'full' });
    } finally {
      store.close();
    }
  });

  it('ignores a corrupt, altered, foreign or other-build cache', () => {
    cached();
    const good = readFileSync(cacheFile(), 'utf8');
    const [headerLine, payload] = [good.slice(0, good.indexOf('\n')), good.slice(good.indexOf('\n') + 1)];
    const header = JSON.parse(headerLine);
    const variants = [
      '',
      'garbage',
      `${headerLine}\n${payload.replace('"allReviews":4', '"allReviews":5')}`,
      `${headerLine}\n${payload.slice(0, -10)}`,
      `${JSON.stringify({ ...header, file: '/elsewhere/progress.json' })}\n${payload}`,
      `${JSON.stringify({ ...header, build: 'another' })}\n${payload}`,
      `${JSON.stringify({ ...header, version: 99 })}\n${payload}`,
      `${JSON.stringify({ ...header, zone: 'Mars/Olympus' })}\n${payload}`,
      `${JSON.stringify({ ...header, snapshot: { ...header.snapshot, size: 1 } })}\n${payload}`,
    ];
    for (const text of variants) {
      writeFileSync(cacheFile(), text);
      expect(cached()).toEqual({ digest: fresh(), source: 'full' });
    }
  });

  it('ignores a digest whose payload was altered with a matching checksum but wrong types', async () => {
    cached();
    const good = readFileSync(cacheFile(), 'utf8');
    const header = JSON.parse(good.slice(0, good.indexOf('\n')));
    const payload = JSON.parse(good.slice(good.indexOf('\n') + 1));
    payload.cards[0][1] = 'many';
    const text = JSON.stringify(payload);
    const { createHash } = await import('node:crypto');
    writeFileSync(cacheFile(), `${JSON.stringify({ ...header, payloadSha256: createHash('sha256').update(text).digest('hex') })}\n${text}`);
    expect(cached()).toEqual({ digest: fresh(), source: 'full' });
  });

  it('notices an edited journal (same length, other bytes) and a damaged progress file', () => {
    const store = gradeOpen(['b'], T0 + 86_400_000);
    try {
      cached();
      const journal = file.replace(/\.json$/, '.journal');
      const text = readFileSync(journal, 'utf8');
      writeFileSync(journal, text.replace('"grade":3', '"grade":4'));
      expect(cached()).toEqual({ digest: fresh(), source: 'full' });
    } finally {
      store.close();
    }
    writeFileSync(file, '{"schemaVersion": 1, "lastSeq": ');
    expect(() => loadStatsDigest(file, cacheDir)).toThrow(/cannot be used/);
  });

  it('never writes the progress file, and works without a writable cache folder', () => {
    const before = readFileSync(file);
    writeFileSync(path.join(root, '.prep', 'cache-is-a-file'), '');
    const loaded = loadStatsDigest(file, path.join(root, '.prep', 'cache-is-a-file'));
    expect(plain(loaded.digest)).toEqual(fresh());
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
