/**
 * Checked facts (`progress.json.checked`): a big snapshot whose bytes prep has checked whole before
 * is opened without reading all its reviews, and everything it answers must be what reading the
 * whole history answers. Any change to the snapshot means it is checked whole again.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { countRecent, countToday, RECENT_MS } from '../../src/core/pick.js';
import { emptyProgress, type ProgressData, type Review } from '../../src/core/progress-model.js';
import { journalFileFor, openProgress, ProgressFileError, readProgress } from '../../src/store/progress.js';
import { serializeSnapshot } from '../../src/store/progress-schema.js';
import { card, reviewEvent } from './progress-fixtures.js';

const DAY = 86_400_000;
const NOW = new Date('2025-03-10T12:00:00Z');
let file: string;
let checkedFile: string;

beforeEach(() => {
  file = path.join(mkdtempSync(path.join(tmpdir(), 'prep-checked-')), '.prep', 'progress.json');
  checkedFile = `${file}.checked`;
});

/**
 * A history over a year up to NOW, big enough (over 1 MB) for the sliced layout: reviews a little
 * out of time order (as after a clock correction), some crammed, several today and yesterday.
 */
function bigHistory(reviews = 7000): ProgressData {
  const data = emptyProgress();
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let seq = 1; seq <= reviews; seq++) {
    const at = new Date(NOW.getTime() - 365 * DAY + Math.floor(((seq - 1) / reviews) * 365 * DAY) - Math.floor(random() * 3 * 3_600_000));
    const cardId = `card-${Math.floor(random() * 400)}`;
    const event = reviewEvent(seq, cardId, at, (1 + Math.floor(random() * 4)) as 1 | 2 | 3 | 4);
    if (event.type !== 'review') continue;
    if (random() < 0.1) event.review.mode = 'cram';
    data.reviews.push(event.review);
    data.cards[cardId] = event.card;
    data.lastSeq = seq;
    if (seq % 500 === 0) data.log.push({ type: 'edited', at: event.review.at, cardId, from: 'old', to: 'new' }, { type: 'undone', at: event.review.at, seq: seq - 1, cardId });
  }
  data.log.push({ type: 'reattached', at: NOW, from: 'gone', to: 'card-1', reason: 'same-question' });
  return data;
}

/** Writes the history as prep would, then opens and closes once so the checked facts get recorded. */
function seedBig(data = bigHistory()) {
  const text = serializeSnapshot(data);
  expect(text.length).toBeGreaterThan(1 << 20);
  writeFileSync(ensureDir(file), text);
  openProgress(file, { now: NOW }).close();
  expect(existsSync(checkedFile)).toBe(true);
  return data;
}

function ensureDir(target: string): string {
  mkdirSync(path.dirname(target), { recursive: true });
  return target;
}

const byTime = (reviews: readonly Review[]) => [...reviews].sort((a, b) => a.at.getTime() - b.at.getTime());

describe('opening a big snapshot checked before', () => {
  test('today\'s counts from the recent reviews equal those from the whole history, at many times and in several zones', () => {
    seedBig();
    const whole = readProgress(file).reviews;
    for (const offsetHours of [-80, -49, -30, -26, -20, -8, -3, 0, 2, 5]) {
      const now = new Date(NOW.getTime() + offsetHours * 3_600_000);
      const store = openProgress(file, { now });
      const recent = store.recentReviews(new Date(now.getTime() - RECENT_MS));
      expect(recent).not.toBeNull();
      for (const zone of ['UTC', 'Asia/Shanghai', 'America/Los_Angeles']) {
        expect(countRecent(recent!, now, zone)).toEqual(countToday(byTime(whole), now, zone));
      }
      store.close();
    }
  });

  test('the reviews read when needed, with grades appended before and after, equal a full read; closing folds them in', () => {
    const data = seedBig();
    const store = openProgress(file, { now: NOW });
    const first = reviewEvent(store.nextSeq(), 'card-1', new Date(NOW.getTime() + 1000));
    store.append(first);
    const recent = store.recentReviews(new Date(NOW.getTime() - RECENT_MS));
    expect(recent!.reviews.at(-1)).toEqual(first.type === 'review' ? first.review : null);
    expect(store.data.reviews).toHaveLength(data.reviews.length + 1); // read now
    expect(store.recentReviews(NOW)).toBeNull(); // the whole list is there: pick uses it
    store.append(reviewEvent(store.nextSeq(), 'card-2', new Date(NOW.getTime() + 2000)));
    store.close();
    const back = readProgress(file);
    expect(back.reviews.map((r) => r.seq)).toEqual([...data.reviews.map((r) => r.seq), data.lastSeq + 1, data.lastSeq + 2]);
    expect(back.reviews.slice(0, -2)).toEqual(data.reviews);
  });

  test('grades in the journal (a big file is not folded in after every session) are counted without reading the snapshot\'s reviews', () => {
    const data = seedBig();
    const journal = journalFileFor(file);
    // A fresh card today; one graded today and then (clock set back) yesterday, which makes yesterday its first; one long ago.
    const graded: Array<[string, number]> = [['fresh-card', -60_000], ['card-3', -120_000], ['late-card', -60_000], ['late-card', -DAY], ['card-4', -5 * DAY]];
    const lines = graded.map(([id, offset], i) => JSON.stringify({ seq: data.lastSeq + 1 + i, event: reviewEvent(data.lastSeq + 1 + i, id, new Date(NOW.getTime() + offset)) }));
    writeFileSync(journal, `${lines.join('\n')}\n`);
    const whole = readProgress(file).reviews;
    const store = openProgress(file, { now: NOW });
    const recent = store.recentReviews(new Date(NOW.getTime() - RECENT_MS));
    expect(recent).not.toBeNull();
    expect(countToday(byTime(whole), NOW, 'UTC').newCards).toBe(1);
    for (const zone of ['UTC', 'Asia/Tokyo']) expect(countRecent(recent!, NOW, zone)).toEqual(countToday(byTime(whole), NOW, zone));
    expect(store.data.reviews).toEqual(whole);
    store.close();
  });

  test('the whole history opened this way equals a full read, log included; an edit logged now is added to it', () => {
    const data = seedBig();
    const store = openProgress(file, { now: NOW });
    expect(store.recentReviews(NOW)).not.toBeNull(); // opened without reading the reviews
    expect({ ...store.data }).toEqual({ ...readProgress(file) });
    expect(store.data.log).toHaveLength(data.log.length);
    store.close();
    const again = openProgress(file, { now: NOW });
    again.append({ type: 'edited', cardId: 'card-1', at: NOW, from: 'new', to: 'newer' });
    expect(again.data.log.at(-1)).toEqual({ type: 'edited', at: NOW, cardId: 'card-1', from: 'new', to: 'newer' });
    again.close();
    expect(readProgress(file).log).toEqual([...data.log, { type: 'edited', at: NOW, cardId: 'card-1', from: 'new', to: 'newer' }]);
  });

  test('an undo or a reattach reads the whole list first and applies to it', () => {
    const data = seedBig();
    const last = data.reviews.at(-1)!;
    const store = openProgress(file, { now: NOW });
    store.append({ type: 'undo', seq: last.seq, cardId: last.cardId, at: NOW, card: card(last.cardId, new Date(NOW.getTime() - DAY)) });
    store.append({ type: 'reattach', from: 'card-5', to: 'card-5b', at: NOW, card: card('card-5b', NOW), reason: 'same-question' });
    expect(store.data.reviews.map((r) => r.seq)).toEqual(data.reviews.slice(0, -1).map((r) => r.seq));
    expect(store.data.reviews.some((r) => r.cardId === 'card-5')).toBe(false);
    store.close();
    expect(readProgress(file).reviews).toEqual(store.data.reviews);
  });
});

describe('damage is still found', () => {
  test('one changed byte in a review of a snapshot checked before: refused, kept untouched', () => {
    seedBig();
    const bytes = readFileSync(file);
    const at = bytes.indexOf('"grade":3', bytes.length >> 1);
    bytes[at + 8] = '7'.charCodeAt(0); // same size, a grade out of range
    writeFileSync(file, bytes);
    const facts = readFileSync(checkedFile);
    expect(() => openProgress(file, { now: NOW })).toThrow(ProgressFileError);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(readFileSync(checkedFile).equals(facts)).toBe(true);
  });

  test('a damaged or stale checked file is ignored: the snapshot is read whole, and the facts recorded again', () => {
    const data = seedBig();
    const good = readFileSync(checkedFile, 'utf8');
    for (const bad of ['', 'garbage', good.slice(0, good.length >> 1), good.replace('"disorderMs":', '"disorderMs":1'), good.replace(/"sha256":"[0-9a-f]+"/, `"sha256":"${'0'.repeat(64)}"`)]) {
      writeFileSync(checkedFile, bad);
      const store = openProgress(file, { now: NOW });
      expect(store.recentReviews(new Date(NOW.getTime() - RECENT_MS))).toBeNull(); // read whole
      expect(store.data.reviews).toEqual(data.reviews);
      store.close();
      expect(readFileSync(checkedFile, 'utf8')).toBe(good);
    }
  });

  test('a big snapshot in another layout (one line, as a script might write it) is read whole and gets no facts', () => {
    const data = bigHistory();
    writeFileSync(ensureDir(file), JSON.stringify(data));
    const store = openProgress(file, { now: NOW });
    expect(store.recentReviews(new Date(NOW.getTime() - RECENT_MS))).toBeNull();
    expect(store.data.reviews).toHaveLength(data.reviews.length);
    store.close();
    expect(existsSync(checkedFile)).toBe(false);
  });

  test('readProgress (stats, check) never uses or writes the checked file', () => {
    seedBig();
    writeFileSync(checkedFile, 'garbage');
    expect(readProgress(file).reviews.length).toBeGreaterThan(0);
    expect(readFileSync(checkedFile, 'utf8')).toBe('garbage');
  });
});
