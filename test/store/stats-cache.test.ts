/** The stats digest cache: the same digest as a full read, never trusted when it does not check out. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Grade } from '../../src/core/progress-model.js';
import { DAY_FIELDS, digestFromColumns, INT_FIELDS, NUM, NUM_FIELDS, SMALL, SMALL_FIELDS, digestProgress, type DigestColumns, type ProgressDigest } from '../../src/core/stats.js';
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
/** Comparable form, in id order; of a record, stats uses (and the cache keeps) only the memory state. */
const byKey = <T>(entries: Array<[string, T]>) => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const plain = (d: ProgressDigest) =>
  JSON.parse(
    JSON.stringify({
      ...d,
      records: byKey(Object.entries(d.records).map(([id, r]) => [id, r.memory])),
      cards: byKey([...d.cards]),
      days: byKey([...d.days]),
      lastAt: String(d.lastAt),
    }),
  );
const fresh = () => plain(digestProgress(readProgress(file)));
const fromColumns = (c: DigestColumns) => plain(digestFromColumns(c));
const cached = async () => {
  const loaded = await loadStatsDigest(file, cacheDir);
  return { digest: fromColumns(loaded.columns), source: loaded.source };
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
  it('gives the digest of a full read, then serves it from the cache', async () => {
    expect(await cached()).toEqual({ digest: fresh(), source: 'full' });
    expect(await cached()).toEqual({ digest: fresh(), source: 'cache' });
  });

  it('folds in reviews appended to the journal since, and equals a full read', async () => {
    await cached();
    const store = gradeOpen(['b', 'd'], T0 + 86_400_000);
    try {
      expect(await cached()).toEqual({ digest: fresh(), source: 'journal' });
      expect(await cached()).toEqual({ digest: fresh(), source: 'cache' });
      store.append(reviewEvent(++seq, 'a', new Date(T0 + 2 * 86_400_000), 1));
      expect(await cached()).toEqual({ digest: fresh(), source: 'journal' });
    } finally {
      store.close();
    }
  });

  it('reads everything again after a compaction replaced the snapshot', async () => {
    await cached();
    grade(['c'], T0 + 86_400_000); // small snapshot: compacted on close
    expect(await cached()).toEqual({ digest: fresh(), source: 'full' });
  });

  it('starts over for a review earlier than those already folded in (clock set back)', async () => {
    await cached();
    const store = gradeOpen(['a'], T0 - 86_400_000);
    try {
      expect(await cached()).toEqual({ digest: fresh(), source: 'full' });
    } finally {
      store.close();
    }
  });

  /** The cache file in parts: header (parsed), the strings line (parsed) and the number blocks (bytes). */
  function cacheParts() {
    const bytes = readFileSync(cacheFile());
    const first = bytes.indexOf(0x0a);
    const second = bytes.indexOf(0x0a, first + 1);
    const block = Buffer.from(bytes.subarray(second + 1));
    return { header: JSON.parse(bytes.subarray(0, first).toString('utf8')), strings: JSON.parse(bytes.subarray(first + 1, second).toString('utf8')), block };
  }
  /** Writes a cache file from parts, with a payload checksum that matches (unless `checksum` is given). */
  function writeParts(header: Record<string, unknown>, strings: unknown, block: Uint8Array, checksum?: string) {
    const payload = Buffer.concat([Buffer.from(`${JSON.stringify(strings)}\n`), block]);
    const payloadSha256 = checksum ?? createHash('sha256').update(payload).digest('hex');
    writeFileSync(cacheFile(), Buffer.concat([Buffer.from(`${JSON.stringify({ ...header, payloadSha256 })}\n`), payload]));
  }

  it('serves a cache rewritten from its own parts (the test helpers are faithful)', async () => {
    await cached();
    const { header, strings, block } = cacheParts();
    writeParts(header, strings, block);
    expect(await cached()).toEqual({ digest: fresh(), source: 'cache' });
  });

  it('ignores a corrupt, altered, foreign or other-build cache', async () => {
    await cached();
    const good = readFileSync(cacheFile());
    const { header, strings, block } = cacheParts();
    const withHeader = (change: Record<string, unknown>) => () => writeParts({ ...header, ...change }, strings, block);
    const variants: Array<() => void> = [
      () => writeFileSync(cacheFile(), ''),
      () => writeFileSync(cacheFile(), 'garbage'),
      () => writeFileSync(cacheFile(), good.subarray(0, good.length - 10)),
      () => writeParts(header, { ...strings, allReviews: strings.allReviews + 1 }, block, header.payloadSha256), // altered, old checksum
      () => {
        const altered = Buffer.from(block);
        altered[8 * NUM.stability + 3]! ^= 1;
        writeParts(header, strings, altered, header.payloadSha256);
      },
      withHeader({ file: '/elsewhere/progress.json' }),
      withHeader({ build: 'another' }),
      withHeader({ version: 1 }),
      withHeader({ version: 99 }),
      withHeader({ magic: 'prep-deck-index' }),
      withHeader({ zone: 'Mars/Olympus', zoneKey: null }),
      withHeader({ zone: 'Mars/Olympus', zoneKey: 'another machine' }),
      withHeader({ tzdata: '1999a' }),
      withHeader({ endian: header.endian === 'LE' ? 'BE' : 'LE' }),
      withHeader({ snapshot: { ...header.snapshot, size: 1 } }),
      withHeader({ lastSeq: 'many' }),
    ];
    for (const write of variants) {
      write();
      expect(await cached()).toEqual({ digest: fresh(), source: 'full' });
    }
  });

  it('trusts the zone it was written in, whether known by its key or by asking Intl', async () => {
    await cached();
    const { header, strings, block } = cacheParts();
    expect(header.zone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    writeParts({ ...header, zoneKey: 'written elsewhere' }, strings, block);
    expect(await cached()).toEqual({ digest: fresh(), source: 'cache' });
    writeParts({ ...header, zoneKey: null }, strings, block);
    expect(await cached()).toEqual({ digest: fresh(), source: 'cache' });
  });

  it('ignores a digest whose payload was altered with a matching checksum but wrong types or values', async () => {
    await cached();
    const { header, strings, block } = cacheParts();
    const ids: string[] = strings.ids;
    // Byte offsets of the blocks (num, dayNums, int, small; native byte order) and writers into a copy.
    const n = ids.length;
    const dayStart = n * NUM_FIELDS * 8;
    const intStart = dayStart + strings.days.length * DAY_FIELDS * 8;
    const smallStart = intStart + n * INT_FIELDS * 4;
    const withBytes = (at: number, bytes: Uint8Array) => {
      const altered = Buffer.from(block);
      altered.set(bytes, at);
      return altered;
    };
    const withNum = (index: number, value: number) => withBytes(8 * index, new Uint8Array(new Float64Array([value]).buffer));
    const withDay = (index: number, value: number) => withBytes(dayStart + 8 * index, new Uint8Array(new Float64Array([value]).buffer));
    const withSmall = (index: number, value: number) => withBytes(smallStart + index, new Uint8Array([value]));
    const row = ids.findIndex((_, i) => block[smallStart + i * SMALL_FIELDS + SMALL.hasHistory] === 1 && block[smallStart + i * SMALL_FIELDS + SMALL.record] !== 0);
    const [on, os] = [row * NUM_FIELDS, row * SMALL_FIELDS];
    const variants: Array<[unknown, Uint8Array]> = [
      [{ ...strings, ids: [5, ...ids.slice(1)] }, block],
      [{ ...strings, ids: [ids[1], ...ids.slice(1)] }, block], // the same id twice
      [{ ...strings, hashes: strings.hashes.slice(1) }, block],
      [{ ...strings, days: ['someday', ...strings.days.slice(1)] }, block],
      [{ ...strings, totals: [...strings.totals.slice(0, 6), 'over'] }, block],
      [{ ...strings, records: strings.records + 1 }, block],
      [{ ...strings, lastAt: 'yesterday' }, block],
      [{ ...strings, intBits: 64 }, block], // blocks of the wrong size
      [strings, block.subarray(1)],
      [strings, withNum(on + NUM.due, Number.NaN)],
      [strings, withNum(on + NUM.stability, Infinity)],
      [strings, withNum(on + NUM.againHard, 1.5)],
      [strings, withNum(on + NUM.lastSeq, 2.5)],
      [strings, withDay(0, -3)], // a day's reviews
      [strings, withDay(2, Number.NaN)], // a day's seconds
      [strings, withSmall(os + SMALL.record, 7)],
      [strings, withSmall(os + SMALL.hasHistory, 2)],
      [strings, withSmall(os + SMALL.phase, 4)],
      [strings, withSmall(os + SMALL.recentCount, 6)],
      [strings, withSmall(os + SMALL.grades, 9)],
    ];
    for (const [altered, numbers] of variants) {
      writeParts(header, altered, numbers);
      expect(await cached()).toEqual({ digest: fresh(), source: 'full' });
    }
  });

  it('notices an edited journal (same length, other bytes) and a damaged progress file', async () => {
    const store = gradeOpen(['b'], T0 + 86_400_000);
    try {
      await cached();
      const journal = file.replace(/\.json$/, '.journal');
      const text = readFileSync(journal, 'utf8');
      writeFileSync(journal, text.replace('"grade":3', '"grade":4'));
      expect(await cached()).toEqual({ digest: fresh(), source: 'full' });
    } finally {
      store.close();
    }
    writeFileSync(file, '{"schemaVersion": 1, "lastSeq": ');
    await expect(loadStatsDigest(file, cacheDir)).rejects.toThrow(/cannot be used/);
  });

  it('never writes the progress file, and works without a writable cache folder', async () => {
    const before = readFileSync(file);
    writeFileSync(path.join(root, '.prep', 'cache-is-a-file'), '');
    const loaded = await loadStatsDigest(file, path.join(root, '.prep', 'cache-is-a-file'));
    expect(fromColumns(loaded.columns)).toEqual(fresh());
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
