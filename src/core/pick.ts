/**
 * Which cards a drill session rehearses, and in what order. Pure: time, time zone and history
 * are arguments.
 *
 * - Due cards first, the ones you are most likely to have forgotten (lowest retrievability) first,
 *   up to the daily review limit (default 100) minus the reviews already done today.
 * - Then new cards, in deck order, up to the daily new-card limit (default 10) minus the new
 *   cards already introduced today. "Today" is the study day, which starts at 4 a.m.
 * - `cram`: every matching card, whatever its schedule, weakest first; no daily limits.
 * - `shuffle`: the chosen cards in a random order, repeatable with `seed`.
 * - `limit`: at most this many cards, taken from the front of that order.
 * Cards with no answer yet ("to prepare") have nothing to reveal and are left out.
 * Cards may be full cards or their summaries (drill picks from the deck cache's summary).
 */
import { isToPrepare, type Card, type CardSummary } from './card.js';
import { recordOf, type CardRecord, type ProgressData, type Review } from './progress-model.js';
import { seededRandom } from './random.js';
import { isDue, type Scheduler } from './schedule.js';
import { studyDay } from './study-day.js';

export const DEFAULT_NEW_PER_DAY = 10;
export const DEFAULT_REVIEWS_PER_DAY = 100;

export interface PickOptions {
  now: Date;
  timeZone?: string | undefined;
  newPerDay?: number | undefined;
  reviewsPerDay?: number | undefined;
  limit?: number | undefined;
  cram?: boolean | undefined;
  shuffle?: boolean | undefined;
  seed?: number | undefined;
  /** The reviews since RECENT_MS before `now` (see RecentReviews); spares reading the whole history. */
  recent?: RecentReviews | null | undefined;
}

export interface Picked<C extends Card | CardSummary = Card> {
  card: C;
  /** `cram`: picked by --cram; grading it keeps the schedule unless the card is actually due. */
  mode: 'scheduled' | 'cram';
  kind: 'due' | 'new' | 'other';
}

export interface PickResult<C extends Card | CardSummary = Card> {
  queue: Picked<C>[];
  /** Due cards among the matching ones (before the daily limit). */
  due: number;
  /** Never-reviewed cards among the matching ones. */
  fresh: number;
  newToday: number;
  reviewsToday: number;
  /** New cards held back by the daily new-card limit. */
  newHeldBack: number;
  /** Due cards held back by the daily review limit. */
  dueHeldBack: number;
  /** Matching cards left out because they have no answer yet. */
  toPrepare: number;
}

/** A copy of the records without a prototype, safe to index by any card id. */
export function copyRecords(records: Readonly<Record<string, CardRecord>>): Record<string, CardRecord> {
  return Object.assign(Object.create(null) as Record<string, CardRecord>, records);
}

/** A card that has never been reviewed normally (crammed-only cards stay new). */
export function isNewRecord(record: CardRecord | undefined): boolean {
  return record === undefined || record.memory.phase === 'new';
}

/** Reviews are looked at closely only this far back: a study day lasts at most 25 hours. */
export const RECENT_MS = 3 * 86_400_000;

/**
 * The history as countToday needs it, without the whole of it: the reviews from `sinceMs` on (at
 * most RECENT_MS before now), in time order, and whether a card had a scheduled review before them.
 */
export interface RecentReviews {
  sinceMs: number;
  reviews: readonly Review[];
  scheduledBefore(cardId: string): boolean;
}

/** Scheduled reviews done on `now`'s study day, and how many of them introduced a new card; `reviews` in time order. */
export function countToday(reviews: readonly Review[], now: Date, timeZone?: string): { reviews: number; newCards: number } {
  // With the reviews in time order, only the tail near now is looked at closely (time-zone
  // formatting is slow); the rest of a long history only tells whether a card was seen before.
  const sinceMs = now.getTime() - RECENT_MS;
  let start = reviews.length;
  while (start > 0 && reviews[start - 1]!.at.getTime() >= sinceMs) start--;
  let seen: Set<string> | undefined;
  const scheduledBefore = (cardId: string) => {
    if (seen === undefined) {
      seen = new Set<string>();
      for (let i = 0; i < start; i++) if (reviews[i]!.mode === 'scheduled') seen.add(reviews[i]!.cardId);
    }
    return seen.has(cardId);
  };
  return countRecent({ sinceMs, reviews: reviews.slice(start), scheduledBefore }, now, timeZone);
}

/** countToday from the recent reviews only. */
export function countRecent(recent: RecentReviews, now: Date, timeZone?: string): { reviews: number; newCards: number } {
  const today = studyDay(now, timeZone);
  const nowMs = now.getTime();
  const reviews = recent.reviews;
  const onToday: Review[] = [];
  for (const review of reviews) {
    if (review.mode !== 'scheduled' || review.at.getTime() - nowMs > RECENT_MS) continue;
    if (studyDay(review.at, timeZone) === today) onToday.push(review);
  }
  if (onToday.length === 0) return { reviews: 0, newCards: 0 };
  const ids = new Set(onToday.map((r) => r.cardId));
  const seen = new Set([...ids].filter((id) => recent.scheduledBefore(id)));
  const todaySet = new Set(onToday);
  const introducedToday = new Set<string>();
  let reviewCount = 0;
  for (const review of reviews) {
    if (review.mode !== 'scheduled' || !ids.has(review.cardId)) continue;
    const first = !seen.has(review.cardId);
    seen.add(review.cardId);
    if (!todaySet.has(review)) continue;
    if (first) introducedToday.add(review.cardId);
    else reviewCount++;
  }
  return { reviews: reviewCount, newCards: introducedToday.size };
}

export function pickCards<C extends Card | CardSummary>(cards: readonly C[], data: ProgressData, scheduler: Scheduler, options: PickOptions): PickResult<C> {
  const { now, timeZone } = options;
  const ready = cards.filter((c) => !isToPrepare(c));
  const toPrepare = cards.length - ready.length;
  // The recent reviews when the caller has them (a drill on a long history), else the whole history.
  const today = options.recent && options.recent.sinceMs <= now.getTime() - RECENT_MS ? countRecent(options.recent, now, timeZone) : countToday(sortedReviews(data.reviews), now, timeZone);
  // Each card's record is looked up once; due and new cards are told apart in one pass.
  const records = ready.map((c) => recordOf(data.cards, c.id));
  const dueAt: number[] = []; // positions in `ready`
  const freshAt: number[] = [];
  records.forEach((record, i) => {
    if (isNewRecord(record)) freshAt.push(i);
    else if (isDue(record!.memory, now, timeZone)) dueAt.push(i);
  });
  /**
   * Positions in `ready`, weakest first: lowest retrievability, then earliest due, then deck order.
   * The forgetting curve is asked once per card, not once per comparison: it is not free.
   */
  const weakestFirst = (positions: readonly number[], count = positions.length): number[] => {
    const recall = new Float64Array(ready.length);
    const due = new Float64Array(ready.length);
    for (const i of positions) {
      const record = records[i];
      recall[i] = isNewRecord(record) ? 0 : scheduler.retrievability(record!.memory, now);
      due[i] = record?.memory.due.getTime() ?? 0;
    }
    return smallest(positions, count, (a, b) => recall[a]! - recall[b]! || due[a]! - due[b]! || a - b);
  };
  let queue: Picked<C>[];
  let newHeldBack = 0;
  let dueHeldBack = 0;

  if (options.cram) {
    const dueSet = new Set(dueAt);
    queue = weakestFirst([...ready.keys()]).map((i) => ({ card: ready[i]!, mode: 'cram' as const, kind: dueSet.has(i) ? 'due' : isNewRecord(records[i]) ? 'new' : 'other' }));
  } else {
    const reviewRoom = Math.max(0, (options.reviewsPerDay ?? DEFAULT_REVIEWS_PER_DAY) - today.reviews);
    const newRoom = Math.max(0, (options.newPerDay ?? DEFAULT_NEW_PER_DAY) - today.newCards);
    const due = weakestFirst(dueAt, reviewRoom);
    const fresh = freshAt.slice(0, newRoom);
    dueHeldBack = dueAt.length - due.length;
    newHeldBack = freshAt.length - fresh.length;
    queue = [...due.map((i) => ({ card: ready[i]!, mode: 'scheduled' as const, kind: 'due' as const })), ...fresh.map((i) => ({ card: ready[i]!, mode: 'scheduled' as const, kind: 'new' as const }))];
  }
  if (options.limit !== undefined) queue = queue.slice(0, options.limit);
  if (options.shuffle) queue = shuffled(queue, options.seed ?? 1);
  return { queue, due: dueAt.length, fresh: freshAt.length, newToday: today.newCards, reviewsToday: today.reviews, newHeldBack, dueHeldBack, toPrepare };
}

/** When the next of these cards falls due after `now` (reviewed cards only); null when none is scheduled. */
export function nextDue(cards: readonly (Card | CardSummary)[], records: Readonly<Record<string, CardRecord>>, now: Date): Date | null {
  let best: number | null = null;
  for (const card of cards) {
    const record = recordOf(records, card.id);
    if (isNewRecord(record) || isToPrepare(card)) continue;
    const t = record!.memory.due.getTime();
    if (t > now.getTime() && (best === null || t < best)) best = t;
  }
  return best === null ? null : new Date(best);
}

function sortedReviews(reviews: readonly Review[]): readonly Review[] {
  for (let i = 1; i < reviews.length; i++) {
    if (reviews[i]!.at.getTime() < reviews[i - 1]!.at.getTime()) return [...reviews].sort((a, b) => a.at.getTime() - b.at.getTime());
  }
  return reviews;
}

/**
 * The `count` smallest of `items` under `compare` (a total order), in order. A heap of `count`
 * rather than a sort of all: a big deck has thousands of due cards for a daily limit of 100.
 */
export function smallest<T>(items: readonly T[], count: number, compare: (a: T, b: T) => number): T[] {
  if (count >= items.length) return [...items].sort(compare);
  if (count <= 0) return [];
  // A max-heap of the smallest so far: the largest of them on top, replaced by anything smaller.
  const heap: T[] = [];
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j]!, heap[i]!]);
  for (const item of items) {
    if (heap.length < count) {
      heap.push(item);
      for (let i = heap.length - 1; i > 0 && compare(heap[(i - 1) >> 1]!, heap[i]!) < 0; i = (i - 1) >> 1) swap(i, (i - 1) >> 1);
    } else if (compare(item, heap[0]!) < 0) {
      heap[0] = item;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let top = i;
        if (left < count && compare(heap[left]!, heap[top]!) > 0) top = left;
        if (right < count && compare(heap[right]!, heap[top]!) > 0) top = right;
        if (top === i) break;
        swap(i, top);
        i = top;
      }
    }
  }
  return heap.sort(compare);
}

/** Fisher–Yates with a seeded generator: the same seed gives the same order. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const random = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
