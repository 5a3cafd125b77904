/** readProgressInto: the reviews handed to a sink (as stats folds them), everything else as readProgress reads it. */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyProgress, type ProgressData, type Review } from '../../src/core/progress-model.js';
import { ReviewColumns } from '../../src/core/stats.js';
import { journalFileFor } from '../../src/store/paths.js';
import { serializeJournalLine, serializeSnapshot, snapshotFromChunks } from '../../src/store/progress-schema.js';
import { readProgress, readProgressInto } from '../../src/store/progress.js';
import { card, reviewEvent } from './progress-fixtures.js';

let root: string;
let file: string;
const T0 = Date.parse('2026-03-02T10:00:00Z');

/** A history of `count` reviews over 40 cards, times not in seq order (as a clock set back leaves them). */
function history(count: number): ProgressData {
  const data = emptyProgress();
  for (let seq = 1; seq <= count; seq++) {
    const id = `card-${seq % 40}`;
    const at = new Date(T0 + seq * 60_000 - (seq % 7 === 0 ? 3_600_000 : 0));
    const review: Review = { seq, cardId: id, at, grade: ((seq % 4) + 1) as Review['grade'], elapsedMs: 1000 * (seq % 90), timeLimitSec: 60 + (seq % 3) * 30, mode: seq % 5 === 0 ? 'cram' : 'scheduled', typed: seq % 2 === 0, contentHash: `h${seq % 3}` };
    data.reviews.push(review);
    data.cards[id] = card(id, at);
  }
  data.lastSeq = count;
  return data;
}

/** What a sink was given, in order. */
function collect(): { sink: { add(r: Review): void; clear(): void }; got: Review[]; cleared: number } {
  const state = { got: [] as Review[], cleared: 0, sink: { add: (r: Review) => state.got.push(r), clear: () => ((state.got.length = 0), state.cleared++) } };
  return state;
}
const withoutReviews = (d: ProgressData) => ({ ...d, reviews: [] });

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'prep-progress-into-'));
  file = path.join(root, 'progress.json');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('readProgressInto', () => {
  for (const [name, count] of [
    ['a small snapshot (one JSON.parse)', 50],
    ['a big snapshot in prep’s layout (read in slices)', 9000],
    ['a bigger one (other slice boundaries)', 14_321],
  ] as const) {
    it(`hands over every review of ${name}, then the journal's, in order`, () => {
      writeFileSync(file, serializeSnapshot(history(count)));
      if (count > 1000) expect(Buffer.byteLength(serializeSnapshot(history(count)))).toBeGreaterThan(1 << 20);
      appendFileSync(journalFileFor(file), serializeJournalLine(count + 1, reviewEvent(count + 1, 'card-3', new Date(T0))));
      const expected = readProgress(file);
      const { sink, got } = collect();
      const data = readProgressInto(file, sink);
      expect(got).toEqual(expected.reviews);
      expect(got).toHaveLength(count + 1);
      expect(data).toEqual(withoutReviews(expected));
    });
  }

  it('starts the sink over when the journal undoes a review it was given', () => {
    writeFileSync(file, serializeSnapshot(history(9000)));
    appendFileSync(journalFileFor(file), serializeJournalLine(9001, { type: 'undo', seq: 9000, cardId: 'card-0', at: new Date(T0), card: null }));
    const expected = readProgress(file);
    const state = collect();
    const data = readProgressInto(file, state.sink);
    expect(state.cleared).toBeGreaterThanOrEqual(1);
    expect(state.got).toEqual(expected.reviews);
    expect(state.got.some((r) => r.seq === 9000)).toBe(false);
    expect(data).toEqual(withoutReviews(expected));
  });

  it('throws what readProgress throws for a file it cannot use, and gives nothing for a missing one', () => {
    const { sink, got } = collect();
    expect(readProgressInto(file, sink)).toEqual(emptyProgress());
    expect(got).toEqual([]);
    const text = serializeSnapshot(history(9000));
    const late = text.lastIndexOf('"grade":2'); // after a slice or more of good reviews went to the sink
    writeFileSync(file, `${text.slice(0, late)}"grade":7${text.slice(late + 9)}`);
    expect(() => readProgress(file)).toThrow(/cannot be used/);
    expect(() => readProgressInto(file, sink)).toThrow(/cannot be used/);
    writeFileSync(file, text.slice(0, text.length - 100)); // truncated
    expect(() => readProgressInto(file, sink)).toThrow(/cannot be used/);
  });
});

describe('snapshotFromChunks', () => {
  it('reads a big snapshot a megabyte at a most, handing over its reviews', () => {
    for (const count of [7000, 9000, 14_321]) {
      const data = history(count);
      const bytes = Buffer.from(serializeSnapshot(data));
      expect(bytes.length).toBeGreaterThan(1 << 20);
      let largest = 0;
      const got: Review[] = [];
      const read = (target: Buffer, offset: number, length: number, at: number) => ((largest = Math.max(largest, length)), bytes.copy(target, offset, at, at + length));
      const checked = snapshotFromChunks(bytes.length, read, (r) => got.push(r));
      expect(checked?.ok).toBe(true);
      expect(largest).toBeLessThanOrEqual(1 << 20);
      expect(got).toEqual(data.reviews);
      expect(checked?.ok && checked.data).toEqual({ ...data, reviews: [] });
    }
  });

  it('says null for a small file, another layout, or anything in doubt', () => {
    const reader = (bytes: Buffer) => (target: Buffer, offset: number, length: number, at: number) => bytes.copy(target, offset, at, at + length);
    const try_ = (bytes: Buffer) => snapshotFromChunks(bytes.length, reader(bytes), () => {});
    const big = serializeSnapshot(history(9000));
    expect(try_(Buffer.from(serializeSnapshot(history(50))))).toBeNull();
    expect(try_(Buffer.from(JSON.stringify(JSON.parse(big))))).toBeNull(); // one line: not prep's layout
    expect(try_(Buffer.from(big.replace('"lastSeq": 9000', '"lastSeq": 8999')))).toBeNull(); // a review past lastSeq
    expect(try_(Buffer.from(big.slice(0, -3)))).toBeNull();
    const twice = big.replace('\n  "log": [', '\n  "reviews": [],\n  "log": [');
    expect(twice).not.toBe(big);
    expect(try_(Buffer.from(twice))).toBeNull();
  });
});

describe('ReviewColumns', () => {
  it('gives back each review added (all but `typed`), through growing', () => {
    const reviews = history(3000).reviews;
    const columns = new ReviewColumns();
    for (const r of reviews) columns.add(r);
    expect(columns.count).toBe(3000);
    expect(columns.cardIds).toHaveLength(40);
    expect(columns.hashes).toHaveLength(3);
    reviews.forEach((r, k) => expect(columns.review(k)).toEqual({ ...r, typed: false }));
    columns.clear();
    expect(columns.count).toBe(0);
  });
});
