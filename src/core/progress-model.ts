/**
 * The user's rehearsal history, as typed values. This is the contract between the progress
 * store (src/store/progress*.ts, which validates JSON and revives dates at the boundary),
 * the scheduler (src/core/schedule.ts, the only module that knows ts-fsrs) and stats.
 *
 * History is a sequence of events. Each event is applied in order to get the current data;
 * the store appends events to an fsynced journal and folds them into the snapshot now and then.
 */

export type Grade = 1 | 2 | 3 | 4; // Again, Hard, Good, Easy
export const GRADE_NAMES: Record<Grade, string> = { 1: 'Again', 2: 'Hard', 3: 'Good', 4: 'Easy' };

export type FsrsPhase = 'new' | 'learning' | 'review' | 'relearning';

/** FSRS memory state of one card, in prep's own shape (converted to and from ts-fsrs in schedule.ts). */
export interface MemoryState {
  phase: FsrsPhase;
  due: Date;
  stability: number;
  difficulty: number;
  reps: number;
  lapses: number;
  learningSteps: number;
  scheduledDays: number;
  lastReview: Date | null;
}

export interface Review {
  /** Unique, increasing across the file; lets replay skip what the snapshot already holds. */
  seq: number;
  cardId: string;
  at: Date;
  grade: Grade;
  /** From the question appearing to the answer being revealed. */
  elapsedMs: number;
  timeLimitSec: number;
  /** `scheduled`: a normal review that moves the schedule. `cram`: recorded, schedule kept (see README). */
  mode: 'scheduled' | 'cram';
  /** The answer was typed (`--type`) rather than said. */
  typed: boolean;
  /** Answer hash rehearsed, so stats can tell "edited since last review". */
  contentHash: string;
}

export interface CardRecord {
  id: string;
  /** Last known question and file: how a renamed or re-id'd card finds its history again. */
  question: string;
  file: string;
  /** Answer hash at the last review. */
  contentHash: string;
  memory: MemoryState;
}

/** Why a card got an orphan's history: the same question, or the only card of the orphan's file (an `id:` added or changed). */
export type ReattachReason = 'same-question' | 'same-file';
export const REATTACH_REASONS: readonly ReattachReason[] = ['same-question', 'same-file'];

export type LogEntry =
  | { type: 'edited'; at: Date; cardId: string; from: string; to: string }
  | { type: 'reattached'; at: Date; from: string; to: string; reason: ReattachReason }
  | { type: 'undone'; at: Date; seq: number; cardId: string };

export type ProgressEvent =
  /** A grade: the review, and the card record after it (memory already scheduled). */
  | { type: 'review'; review: Review; card: CardRecord }
  /** Takes back review `seq`; `card` is the record as it was before that review (null: it was new). */
  | { type: 'undo'; seq: number; cardId: string; at: Date; card: CardRecord | null }
  /** An answer changed since its last review: schedule kept, hash updated, edit logged. */
  | { type: 'edited'; cardId: string; at: Date; from: string; to: string }
  /** History of `from` now belongs to card `to` (renamed file or changed id: same question, or same file). */
  | { type: 'reattach'; from: string; to: string; at: Date; card: CardRecord; reason: ReattachReason };

/** The record of card `id`, if any: own keys only, so an id such as "constructor" or "__proto__" finds nothing inherited. */
export function recordOf(records: Readonly<Record<string, CardRecord>>, id: string): CardRecord | undefined {
  return Object.hasOwn(records, id) ? records[id] : undefined;
}

export const PROGRESS_SCHEMA_VERSION = 1;

export interface ProgressData {
  schemaVersion: typeof PROGRESS_SCHEMA_VERSION;
  /** By card id. Cards that left the deck stay here ("orphans") until they come back. */
  cards: Record<string, CardRecord>;
  reviews: Review[];
  log: LogEntry[];
  /** Highest seq used so far. */
  lastSeq: number;
}

export function emptyProgress(): ProgressData {
  return { schemaVersion: PROGRESS_SCHEMA_VERSION, cards: Object.create(null) as Record<string, CardRecord>, reviews: [], log: [], lastSeq: 0 };
}

/** A review event: the review joins `reviews` (the history's list, or one kept aside while it is not read), the card's record is replaced. */
export function applyReview(data: ProgressData, event: Extract<ProgressEvent, { type: 'review' }>, reviews: Review[]): void {
  reviews.push(event.review);
  data.cards[event.card.id] = event.card;
  data.lastSeq = Math.max(data.lastSeq, event.review.seq);
}

/** Applies one event in place (the store replays thousands; copying each time would be waste). */
export function applyEvent(data: ProgressData, event: ProgressEvent): void {
  switch (event.type) {
    case 'review':
      applyReview(data, event, data.reviews);
      return;
    case 'undo': {
      const index = data.reviews.findIndex((r) => r.seq === event.seq);
      if (index !== -1) data.reviews.splice(index, 1);
      if (event.card) data.cards[event.cardId] = event.card;
      else delete data.cards[event.cardId];
      data.log.push({ type: 'undone', at: event.at, seq: event.seq, cardId: event.cardId });
      return;
    }
    case 'edited': {
      const card = data.cards[event.cardId];
      if (card) card.contentHash = event.to;
      data.log.push({ type: 'edited', at: event.at, cardId: event.cardId, from: event.from, to: event.to });
      return;
    }
    case 'reattach':
      for (const review of data.reviews) if (review.cardId === event.from) review.cardId = event.to;
      delete data.cards[event.from];
      data.cards[event.to] = event.card;
      data.log.push({ type: 'reattached', at: event.at, from: event.from, to: event.to, reason: event.reason });
      return;
  }
}
