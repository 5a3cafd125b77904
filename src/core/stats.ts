/**
 * `prep stats` as data: which answers are weak, what is due, what was done. Pure: the cards,
 * the progress data, the clock and the time zone are arguments. The result is plain JSON data
 * (strings, numbers, booleans, null) because `prep stats --json` prints it as it is; its shape
 * is documented in README ("prep stats --json") and must stay stable.
 */
import type { Card, CardSummary } from './card.js';
import { isToPrepare } from './card.js';
import { filterCards } from './deck.js';
import type { CardRecord, FsrsPhase, Grade, ProgressData, Review } from './progress-model.js';
import { curveDays, curveStability, recallProbability, Scheduler } from './schedule.js';
import { addDays, rolloversBetween, studyDay } from './study-day.js';
import { normalizeTag } from './time-limits.js';

/** How many of a card's latest rehearsals the "recent" parts of the weakness score look at. */
export const RECENT_REVIEWS = 5;
/** Lapses at which the lapse part of the score is full. */
export const LAPSE_CAP = 5;
/**
 * Weights of the weakness score; they add up to 1, so the score runs from 0 to 100. Without a recall
 * estimate the other three parts are divided by their own sum (0.60), so that score runs from 0 to 100 too.
 */
export const WEAKNESS_WEIGHTS = { forgetting: 0.4, lapses: 0.2, againHard: 0.25, overtime: 0.15 } as const;
export const FORECAST_DAYS = 14;
export const HISTORY_WEEKS = 26;
export const DEFAULT_WEAKEST_LIMIT = 10;

export interface StatsOptions {
  now: Date;
  /** IANA time zone for study days; default: the machine's. */
  timeZone?: string;
  /** Only reviews on or after this study day (YYYY-MM-DD) count. */
  since?: string;
  /** Rows in `weakest` (default 10). */
  limit?: number;
  tags?: readonly string[];
  company?: string;
  /** Desired retention of the scheduler; only matters for retrievability (default 0.9). */
  retention?: number;
  /** Weeks of history (default 26). */
  weeks?: number;
}

export interface WeakCard {
  rank: number;
  id: string;
  question: string;
  file: string;
  line: number;
  tags: string[];
  company: string | null;
  /** Weakness score, 0 (solid) to 100 (weakest), one decimal. */
  score: number;
  /**
   * Probability of recalling it now (0–1, three decimals); null when prep has no estimate: the card
   * has no FSRS memory state (rehearsed only with `drill --cram`, so still new to the scheduler).
   */
  retrievability: number | null;
  lapses: number;
  /** Rehearsals counted (scheduled and cram, on or after --since). */
  reviews: number;
  /** Share of the last 5 rehearsals graded Again or Hard (0–1). */
  againHardShare: number;
  /** How far the average answer time of the last 5 rehearsals runs over the limit: 0 at or under it, 1 at twice it or more. */
  overtime: number;
  /** Average answer time of the last 5 rehearsals, seconds; null when none is counted. */
  averageSec: number | null;
  limitSec: number;
  /** Last rehearsal (ISO time) and its study day; null when none. */
  lastReview: string | null;
  lastReviewDay: string | null;
  /** Next due time (ISO); null for a card without a schedule. */
  due: string | null;
  phase: FsrsPhase;
  /** The answer changed since it was last rehearsed. */
  edited: boolean;
}

export interface Rate {
  /** Review-phase scheduled reviews graded Hard, Good or Easy. */
  passed: number;
  /** Review-phase scheduled reviews. */
  reviews: number;
  /** passed / reviews, three decimals; null when there were none. */
  rate: number | null;
}

export interface Overview {
  /** The study day stats were computed for (days roll over at 4 a.m.). */
  today: string;
  since: string | null;
  cards: {
    total: number;
    /** Never scheduled (includes cards never rehearsed). */
    new: number;
    /** Learning or relearning. */
    learning: number;
    review: number;
    /** Scheduled cards due by the end of today's study day, overdue ones included. */
    dueToday: number;
    /** No rehearsal at all, ever. */
    neverRehearsed: number;
    /** Questions without an answer yet. */
    toPrepare: number;
    /** Answer edited since its last rehearsal. */
    edited: number;
  };
  /** Ids of the cards whose answers were edited since their last rehearsal. */
  editedCards: string[];
  /** True retention: share of scheduled reviews of review-phase cards that passed. */
  retention: { last7: Rate; last30: Rate };
  reviewsPerDay: { last7: number; last30: number };
  reviews: { total: number; scheduled: number; cram: number };
  answerTime: {
    /** Mean answer time and mean time limit of the rehearsals counted, seconds; null when none. */
    averageSec: number | null;
    averageLimitSec: number | null;
    /** Mean of answer time ÷ limit (1 = exactly on time). */
    ratio: number | null;
    /** Share of rehearsals that ran over their limit. */
    overLimitShare: number | null;
  };
}

export interface ForecastDay {
  day: string;
  /** Cards due that study day (the first day, today, includes overdue cards). */
  due: number;
}

export interface HistoryDay {
  day: string;
  reviews: number;
  /** Of which graded Again. */
  again: number;
  /** Total answer time, seconds. */
  seconds: number;
}

export interface GroupStats {
  /** The tag or company; null for cards without one. */
  name: string | null;
  cards: number;
  new: number;
  dueToday: number;
  reviews: number;
  /** True retention of the group's review-phase reviews (on or after --since); null when none. */
  retention: number | null;
  /** Mean weakness score of its rehearsed cards; null when none was rehearsed. */
  weakness: number | null;
}

export interface Stats {
  weakest: WeakCard[];
  overview: Overview;
  forecast: ForecastDay[];
  history: HistoryDay[];
  byTag: GroupStats[];
  byCompany: GroupStats[];
}

/** The inputs of the weakness score, each from 0 (good) to 1 (bad); lapses a count. */
export interface WeaknessParts {
  /** Recall probability now; null when unknown (no FSRS memory state): the forgetting part is left out. */
  retrievability: number | null;
  lapses: number;
  againHardShare: number;
  overtime: number;
}

/**
 * Weakness score, 0–100:
 * 100 × (0.40 × (1 − retrievability) + 0.20 × min(lapses, 5) / 5 + 0.25 × again/hard share + 0.15 × overtime).
 * With retrievability unknown (null): 100 × (0.20 × min(lapses, 5) / 5 + 0.25 × again/hard share + 0.15 × overtime) / 0.60.
 */
export function weaknessScore(parts: WeaknessParts): number {
  return scoreOf(parts.retrievability, parts.lapses, parts.againHardShare, parts.overtime);
}

/** weaknessScore on plain numbers (10,000 cards a run: no object each); null: recall unknown. */
function scoreOf(retrievability: number | null, lapses: number, againHardShare: number, overtime: number): number {
  // clamp01 and round(…, 1) written out: the same arithmetic, without four calls per card.
  const a = Number.isFinite(againHardShare) ? Math.min(1, Math.max(0, againHardShare)) : 0;
  const o = Number.isFinite(overtime) ? Math.min(1, Math.max(0, overtime)) : 0;
  const l = Math.min(Math.max(lapses, 0), LAPSE_CAP) / LAPSE_CAP;
  let value: number;
  if (retrievability === null) {
    // No recall estimate: the other three parts, scaled to the whole range.
    value = (WEIGHT_LAPSES * l + WEIGHT_AGAIN_HARD * a + WEIGHT_OVERTIME * o) / WEIGHT_WITHOUT_FORGETTING;
  } else {
    const r = Number.isFinite(retrievability) ? Math.min(1, Math.max(0, retrievability)) : 0;
    value = WEIGHT_FORGETTING * (1 - r) + WEIGHT_LAPSES * l + WEIGHT_AGAIN_HARD * a + WEIGHT_OVERTIME * o;
  }
  return Math.round(100 * value * 10) / 10;
}
const { forgetting: WEIGHT_FORGETTING, lapses: WEIGHT_LAPSES, againHard: WEIGHT_AGAIN_HARD, overtime: WEIGHT_OVERTIME } = WEAKNESS_WEIGHTS;
/** 0.60: the weights of the parts a score without recall has (summed in their order, so that all three full make exactly 100). */
const WEIGHT_WITHOUT_FORGETTING = WEIGHT_LAPSES + WEIGHT_AGAIN_HARD + WEIGHT_OVERTIME;

/** Overtime part: 0 when the answers fit the limit on average, 1 at twice the limit or more. */
export function overtimeOf(reviews: readonly Pick<Review, 'elapsedMs' | 'timeLimitSec'>[]): number {
  if (reviews.length === 0) return 0;
  return clamp01(mean(reviews.map(ratioOf)) - 1);
}

/** Whether `value` is a real calendar day written YYYY-MM-DD. */
export function isStudyDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const t = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === value;
}

/** A card as stats needs it: a full Card, or its summary (what `prep list --json` prints). */
export type StatsCard = Card | CardSummary;

/** One rehearsal, as the weakness score sees it. */
export interface RecentReview {
  grade: Grade;
  elapsedMs: number;
  timeLimitSec: number;
}

/** A card's history, folded (see `digestProgress`). */
export interface CardDigest {
  /** Reviews of the card, all of them. */
  reviews: number;
  /** Reviews counted (on or after --since). */
  counted: number;
  /** The last review (by time, then seq): its time, seq and the answer hash it rehearsed. */
  lastAt: number;
  lastSeq: number;
  lastHash: string;
  /** The last RECENT_REVIEWS counted reviews, oldest first. */
  recent: RecentReview[];
  /** Counted scheduled reviews that found the card in the review phase, and those that passed. */
  eligible: number;
  passed: number;
  /** Phase and learning step after the card's last scheduled review (replayed; see replayPhases). */
  phase: FsrsPhase;
  steps: number;
}

/** Reviews of one study day that count. */
export interface DayDigest {
  reviews: number;
  again: number;
  /** Sum of answer times, seconds, added in time order. */
  seconds: number;
  eligible: number;
  passed: number;
}

/**
 * The history folded into what stats shows, independent of the deck and the clock: per card,
 * per study day, and running totals (added in time order, so every figure is exactly what a walk
 * over the sorted reviews gives). `prep stats` keeps the digest of the whole history in
 * .prep/cache (src/store/stats-cache.ts) and extends it with new reviews as they come.
 */
export interface ProgressDigest {
  timeZone: string | undefined;
  since: string | null;
  /** Card records (only their memory state matters here) by card id. */
  records: Record<string, Pick<CardRecord, 'memory'>>;
  cards: Map<string, CardDigest>;
  days: Map<string, DayDigest>;
  totals: { reviews: number; scheduled: number; cram: number; seconds: number; limitSec: number; ratio: number; over: number };
  /** Every review in the history (whatever --since). */
  allReviews: number;
  /** The latest review folded in (time, seq): a later one can be added without starting over. */
  lastAt: number;
  lastSeq: number;
}

export interface DigestOptions {
  timeZone?: string;
  since?: string | null;
  /** Which cards' reviews count in the totals and days (default: all). */
  inScope?: (cardId: string) => boolean;
  retention?: number;
}

/** Folds the history (see ProgressDigest). */
export function digestProgress(progress: ProgressData, options: DigestOptions = {}): ProgressDigest {
  const reviews = new ReviewColumns();
  for (const r of progress.reviews) reviews.add(r);
  return digestReviews(progress.cards, reviews, options);
}

/** Folds records and reviews held as columns (see ProgressDigest): the reviews in order of (time, seq), file order for equal ones. */
export function digestReviews(records: ProgressData['cards'], reviews: ReviewColumns, options: DigestOptions = {}): ProgressDigest {
  const digest = emptyDigest(records, options.timeZone, options.since ?? null);
  digest.allReviews = reviews.count;
  const { at, seq } = reviews;
  const order = Array.from({ length: reviews.count }, (_, k) => k).sort((a, b) => at[a]! - at[b]! || seq[a]! - seq[b]!);
  const folder = reviewFolder(digest, options);
  // One review object refilled for each (the folder keeps nothing of it): no object and Date per review.
  const review = reviews.review(0);
  for (const k of order) folder(reviews.fill(review, k), true);
  return digest;
}

/**
 * Reviews as columns, with what a fold needs of each (`typed` is not kept): one typed array per
 * number, card ids and answer hashes as indexes into lists holding each once. About 40 bytes a
 * review, where an object and its Date take several times that: a reader can hold a long history
 * this way while it checks it slice by slice (store/progress.ts readProgressInto).
 */
export class ReviewColumns {
  count = 0;
  at: Float64Array;
  seq: Float64Array;
  elapsedMs: Float64Array;
  timeLimitSec: Float64Array;
  grade: Uint8Array;
  cram: Uint8Array;
  card: Uint32Array;
  hash: Uint32Array;
  readonly cardIds: string[] = [];
  readonly hashes: string[] = [];
  private readonly cardIndex = new Map<string, number>();
  private readonly hashIndex = new Map<string, number>();

  /** Room for `capacity` reviews before the columns are copied into larger ones. */
  constructor(capacity = 1024) {
    const n = Math.max(16, Math.ceil(capacity));
    this.at = new Float64Array(n);
    this.seq = new Float64Array(n);
    this.elapsedMs = new Float64Array(n);
    this.timeLimitSec = new Float64Array(n);
    this.grade = new Uint8Array(n);
    this.cram = new Uint8Array(n);
    this.card = new Uint32Array(n);
    this.hash = new Uint32Array(n);
  }

  add(r: Review): void {
    const k = this.count;
    if (k === this.at.length) this.grow(2 * k);
    this.at[k] = r.at.getTime();
    this.seq[k] = r.seq;
    this.elapsedMs[k] = r.elapsedMs;
    this.timeLimitSec[k] = r.timeLimitSec;
    this.grade[k] = r.grade;
    this.cram[k] = r.mode === 'cram' ? 1 : 0;
    this.card[k] = indexIn(this.cardIndex, this.cardIds, r.cardId);
    this.hash[k] = indexIn(this.hashIndex, this.hashes, r.contentHash);
    this.count = k + 1;
  }

  clear(): void {
    this.count = 0;
  }

  /** Review k written into `r` (its Date set, not replaced), for folding; `typed` false (not kept). */
  fill(r: Review, k: number): Review {
    r.seq = this.seq[k]!;
    r.cardId = this.cardIds[this.card[k]!]!;
    r.at.setTime(this.at[k]!);
    r.grade = this.grade[k]! as Grade;
    r.elapsedMs = this.elapsedMs[k]!;
    r.timeLimitSec = this.timeLimitSec[k]!;
    r.mode = this.cram[k] === 1 ? 'cram' : 'scheduled';
    r.typed = false;
    r.contentHash = this.hashes[this.hash[k]!]!;
    return r;
  }

  /** Review k as an object of its own (`typed` false: not kept). */
  review(k: number): Review {
    return {
      seq: this.seq[k]!,
      cardId: this.cardIds[this.card[k]!]!,
      at: new Date(this.at[k]!),
      grade: this.grade[k]! as Grade,
      elapsedMs: this.elapsedMs[k]!,
      timeLimitSec: this.timeLimitSec[k]!,
      mode: this.cram[k] === 1 ? 'cram' : 'scheduled',
      typed: false,
      contentHash: this.hashes[this.hash[k]!]!,
    };
  }

  private grow(capacity: number): void {
    const copy = <T extends Float64Array | Uint8Array | Uint32Array>(a: T, make: new (n: number) => T): T => {
      const b = new make(capacity);
      b.set(a);
      return b;
    };
    this.at = copy(this.at, Float64Array);
    this.seq = copy(this.seq, Float64Array);
    this.elapsedMs = copy(this.elapsedMs, Float64Array);
    this.timeLimitSec = copy(this.timeLimitSec, Float64Array);
    this.grade = copy(this.grade, Uint8Array);
    this.cram = copy(this.cram, Uint8Array);
    this.card = copy(this.card, Uint32Array);
    this.hash = copy(this.hash, Uint32Array);
  }
}

function indexIn(index: Map<string, number>, list: string[], value: string): number {
  let k = index.get(value);
  if (k === undefined) index.set(value, (k = list.push(value) - 1));
  return k;
}

export function emptyDigest(records: Record<string, Pick<CardRecord, 'memory'>>, timeZone: string | undefined, since: string | null): ProgressDigest {
  return {
    timeZone,
    since,
    records,
    cards: new Map(),
    days: new Map(),
    totals: { reviews: 0, scheduled: 0, cram: 0, seconds: 0, limitSec: 0, ratio: 0, over: 0 },
    allReviews: 0,
    lastAt: -Infinity,
    lastSeq: 0,
  };
}

/**
 * Adds reviews to a digest, one at a time, in order of (time, seq). Returns false (adding nothing)
 * for a review that is not after the latest one already folded in: the caller must start over.
 * `allReviews` and `records` are the caller's. Keeps nothing of the review object (nor its Date).
 */
export function reviewFolder(digest: ProgressDigest, options: Omit<DigestOptions, 'timeZone' | 'since'> = {}): (r: Review, sorted?: boolean) => boolean {
  const scheduler = new Scheduler(options.retention);
  const transitions = new Map<string, PhaseState | null>();
  const dayOfTime = studyDayMemo(digest.timeZone);
  const since = digest.since;
  const inScope = options.inScope ?? (() => true);
  return (r, sorted = false) => {
    const at = r.at.getTime();
    if (!sorted && (at < digest.lastAt || (at === digest.lastAt && r.seq <= digest.lastSeq))) return false;
    digest.lastAt = at;
    digest.lastSeq = r.seq;
    const day = dayOfTime(r.at);
    const counts = since === null || day >= since;
    let card = digest.cards.get(r.cardId);
    if (!card) digest.cards.set(r.cardId, (card = { reviews: 0, counted: 0, lastAt: at, lastSeq: r.seq, lastHash: r.contentHash, recent: [], eligible: 0, passed: 0, phase: 'new', steps: 0 }));
    card.reviews++;
    card.lastAt = at;
    card.lastSeq = r.seq;
    card.lastHash = r.contentHash;
    // Phase of the card just before a scheduled review: only reviews of graduated cards count for true retention (as in Anki).
    let eligible = false;
    if (r.mode === 'scheduled') {
      eligible = card.phase === 'review';
      const key = `${card.phase}/${card.steps}/${r.grade}`;
      let next = transitions.get(key);
      if (next === undefined) transitions.set(key, (next = transition(scheduler, { phase: card.phase, learningSteps: card.steps }, r.grade)));
      // A transition the scheduler refused: start the card over rather than guess.
      card.phase = next?.phase ?? 'new';
      card.steps = next?.learningSteps ?? 0;
    }
    if (!counts) return true;
    card.counted++;
    card.recent.push({ grade: r.grade, elapsedMs: r.elapsedMs, timeLimitSec: r.timeLimitSec });
    if (card.recent.length > RECENT_REVIEWS) card.recent.shift();
    if (eligible) {
      card.eligible++;
      if (r.grade >= 2) card.passed++;
    }
    if (!inScope(r.cardId)) return true;
    const t = digest.totals;
    t.reviews++;
    if (r.mode === 'scheduled') t.scheduled++;
    else t.cram++;
    t.seconds += r.elapsedMs / 1000;
    t.limitSec += r.timeLimitSec;
    t.ratio += ratioOf(r);
    if (r.elapsedMs > r.timeLimitSec * 1000) t.over++;
    let d = digest.days.get(day);
    if (!d) digest.days.set(day, (d = { reviews: 0, again: 0, seconds: 0, eligible: 0, passed: 0 }));
    d.reviews++;
    if (r.grade === 1) d.again++;
    d.seconds += r.elapsedMs / 1000;
    if (eligible) {
      d.eligible++;
      if (r.grade >= 2) d.passed++;
    }
    return true;
  };
}

export function computeStats(allCards: readonly StatsCard[], progress: ProgressData, options: StatsOptions): Stats {
  return statsFromDigest(allCards, digestFor(allCards, progress, options), options);
}

/**
 * The digest `statsFromDigest` needs for these options. Without --tag/--company every review counts
 * (cards that left the deck included); with them, only reviews of the cards they select.
 */
export function digestFor(allCards: readonly StatsCard[], progress: ProgressData, options: Omit<StatsOptions, 'now'>): ProgressDigest {
  const filtered = (options.tags?.length ?? 0) > 0 || options.company !== undefined;
  const inScope = filtered ? new Set(filterCards(allCards, { tags: options.tags, company: options.company }).map((c) => c.id)) : undefined;
  return digestProgress(progress, { timeZone: options.timeZone, since: options.since ?? null, retention: options.retention, inScope: inScope ? (id) => inScope.has(id) : undefined });
}

/** Stats from a digest made with the same time zone, --since and scope as `options`. */
export function statsFromDigest(allCards: readonly StatsCard[], digest: ProgressDigest, options: StatsOptions): Stats {
  return statsFromColumns(allCards, columnsFromDigest(digest), options);
}

// ---------------------------------------------------------------------------------------------
// The digest as flat columns. This is what .prep/cache/stats-digest keeps (src/store/stats-cache.ts):
// a few string arrays and three blocks of numbers, so a warm `prep stats` loads 10,000 cards without
// building an object (or a Date) per card, and everything it computes per run is arithmetic on them.
// Each number lives in the narrowest array that holds every valid value and no invalid one (counts in
// a Uint32Array, small codes in a Uint8Array): what the type already rules out needs no check on load.

/** Offsets of a card's real numbers in `DigestColumns.num` (NUM_FIELDS per card; all finite). */
export const NUM = {
  due: 0,
  stability: 1,
  difficulty: 2,
  scheduledDays: 3,
  /** Time of the record's last review (0 when SMALL.hasLastReview is 0). */
  lastReview: 4,
  lastAt: 5,
  lastSeq: 6,
  /** The record's stability as the scheduler's forgetting curve takes it (8 decimals). */
  curveStability: 7,
  // Derived, so that a run does not redo what does not depend on the clock (0 without history):
  /** Share of the recent reviews graded Again or Hard; the score's overtime part; their mean answer time, seconds. */
  againHard: 8,
  overtime: 9,
  averageSec: 10,
  /** elapsedMs, timeLimitSec of each recent review, oldest first; unused slots 0. */
  recent: 11,
} as const;
export const NUM_FIELDS = NUM.recent + 2 * RECENT_REVIEWS;
/** Offsets of a card's counts in `DigestColumns.int` (INT_FIELDS per card). */
export const INT = { reps: 0, lapses: 1, learningSteps: 2, reviews: 3, counted: 4, eligible: 5, passed: 6, steps: 7 } as const;
export const INT_FIELDS = 8;
/** Offsets of a card's codes in `DigestColumns.small` (SMALL_FIELDS per card). */
export const SMALL = {
  /** 0: no record (its fields are 0); else 1 + the index in PHASES of the record's phase. */
  record: 0,
  /** 1 when the card has a history (a CardDigest), 0 when not (its fields are 0). */
  hasHistory: 1,
  /** Index in PHASES of the replayed phase. */
  phase: 2,
  recentCount: 3,
  hasLastReview: 4,
  /** Grade of each recent review, oldest first; unused slots 0. */
  grades: 5,
} as const;
export const SMALL_FIELDS = SMALL.grades + RECENT_REVIEWS;
/** A day's numbers in `DigestColumns.dayNums`: reviews, again, seconds, eligible, passed. */
export const DAY_FIELDS = 5;
export const PHASES: readonly FsrsPhase[] = ['new', 'learning', 'review', 'relearning'];

export interface DigestColumns {
  timeZone: string | undefined;
  since: string | null;
  /** Every card with a record or a history; card i's numbers are at i * NUM_FIELDS, i * INT_FIELDS, i * SMALL_FIELDS. */
  ids: string[];
  /** Row of each id (one entry per id: ids are unique). */
  rowOf: Map<string, number>;
  /** Answer hash of each card's last review ('' for a card without history). */
  hashes: string[];
  num: Float64Array;
  /** Uint32Array; a Float64Array (whole numbers) only for a history with a count past 2^32 - 1. */
  int: Uint32Array | Float64Array;
  small: Uint8Array;
  /** Study days with counted reviews; day i's numbers are dayNums[i * DAY_FIELDS ...]. */
  days: string[];
  dayNums: Float64Array;
  /** How many cards have a record. */
  records: number;
  totals: ProgressDigest['totals'];
  allReviews: number;
  lastAt: number;
  lastSeq: number;
}

export function columnsFromDigest(d: ProgressDigest): DigestColumns {
  const ids = Object.keys(d.records);
  const index = new Map<string, number>();
  ids.forEach((id, i) => index.set(id, i));
  for (const id of d.cards.keys()) if (!index.has(id)) index.set(id, ids.push(id) - 1);
  const n = ids.length;
  const num = new Float64Array(n * NUM_FIELDS);
  const ints = new Array<number>(n * INT_FIELDS).fill(0);
  const small = new Uint8Array(n * SMALL_FIELDS);
  const hashes = new Array<string>(n).fill('');
  for (let i = 0; i < n; i++) {
    const on = i * NUM_FIELDS;
    const oi = i * INT_FIELDS;
    const os = i * SMALL_FIELDS;
    const record = d.records[ids[i]!];
    if (record) {
      const m = record.memory;
      small[os + SMALL.record] = 1 + PHASES.indexOf(m.phase);
      num[on + NUM.due] = m.due.getTime();
      num[on + NUM.stability] = m.stability;
      num[on + NUM.difficulty] = m.difficulty;
      num[on + NUM.scheduledDays] = m.scheduledDays;
      num[on + NUM.lastReview] = m.lastReview === null ? 0 : m.lastReview.getTime();
      small[os + SMALL.hasLastReview] = m.lastReview === null ? 0 : 1;
      num[on + NUM.curveStability] = curveStability(m.stability);
      ints[oi + INT.reps] = m.reps;
      ints[oi + INT.lapses] = m.lapses;
      ints[oi + INT.learningSteps] = m.learningSteps;
    }
    const h = d.cards.get(ids[i]!);
    if (!h) continue;
    hashes[i] = h.lastHash;
    small[os + SMALL.hasHistory] = 1;
    small[os + SMALL.phase] = PHASES.indexOf(h.phase);
    small[os + SMALL.recentCount] = h.recent.length;
    ints[oi + INT.reviews] = h.reviews;
    ints[oi + INT.counted] = h.counted;
    ints[oi + INT.eligible] = h.eligible;
    ints[oi + INT.passed] = h.passed;
    ints[oi + INT.steps] = h.steps;
    num[on + NUM.lastAt] = h.lastAt;
    num[on + NUM.lastSeq] = h.lastSeq;
    h.recent.forEach((r, k) => {
      small[os + SMALL.grades + k] = r.grade;
      num[on + NUM.recent + 2 * k] = r.elapsedMs;
      num[on + NUM.recent + 2 * k + 1] = r.timeLimitSec;
    });
    num[on + NUM.againHard] = h.recent.length === 0 ? 0 : h.recent.filter((r) => r.grade <= 2).length / h.recent.length;
    num[on + NUM.overtime] = overtimeOf(h.recent);
    num[on + NUM.averageSec] = mean(h.recent.map((r) => r.elapsedMs / 1000));
  }
  const days = [...d.days.keys()];
  const dayNums = new Float64Array(days.length * DAY_FIELDS);
  days.forEach((day, i) => {
    const x = d.days.get(day)!;
    dayNums.set([x.reviews, x.again, x.seconds, x.eligible, x.passed], i * DAY_FIELDS);
  });
  const int = ints.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffff_ffff) ? Uint32Array.from(ints) : Float64Array.from(ints);
  return { timeZone: d.timeZone, since: d.since, ids, rowOf: index, hashes, num, int, small, days, dayNums, records: Object.keys(d.records).length, totals: { ...d.totals }, allReviews: d.allReviews, lastAt: d.lastAt, lastSeq: d.lastSeq };
}

/** The digest back as objects, to fold new reviews into (see reviewFolder). */
export function digestFromColumns(c: DigestColumns): ProgressDigest {
  const records = Object.create(null) as Record<string, Pick<CardRecord, 'memory'>>;
  const digest = emptyDigest(records, c.timeZone, c.since);
  c.ids.forEach((id, i) => {
    const num = (field: number) => c.num[i * NUM_FIELDS + field]!;
    const int = (field: number) => c.int[i * INT_FIELDS + field]!;
    const small = (field: number) => c.small[i * SMALL_FIELDS + field]!;
    if (small(SMALL.record) !== 0) {
      records[id] = {
        memory: {
          phase: PHASES[small(SMALL.record) - 1]!,
          due: new Date(num(NUM.due)),
          stability: num(NUM.stability),
          difficulty: num(NUM.difficulty),
          reps: int(INT.reps),
          lapses: int(INT.lapses),
          learningSteps: int(INT.learningSteps),
          scheduledDays: num(NUM.scheduledDays),
          lastReview: small(SMALL.hasLastReview) === 1 ? new Date(num(NUM.lastReview)) : null,
        },
      };
    }
    if (small(SMALL.hasHistory) !== 1) return;
    const recent: RecentReview[] = [];
    for (let k = 0; k < small(SMALL.recentCount); k++) {
      recent.push({ grade: small(SMALL.grades + k) as Grade, elapsedMs: num(NUM.recent + 2 * k), timeLimitSec: num(NUM.recent + 2 * k + 1) });
    }
    digest.cards.set(id, {
      reviews: int(INT.reviews),
      counted: int(INT.counted),
      lastAt: num(NUM.lastAt),
      lastSeq: num(NUM.lastSeq),
      lastHash: c.hashes[i]!,
      recent,
      eligible: int(INT.eligible),
      passed: int(INT.passed),
      phase: PHASES[small(SMALL.phase)]!,
      steps: int(INT.steps),
    });
  });
  c.days.forEach((day, i) => {
    const [reviews, again, seconds, eligible, passed] = c.dayNums.subarray(i * DAY_FIELDS, (i + 1) * DAY_FIELDS);
    digest.days.set(day, { reviews: reviews!, again: again!, seconds: seconds!, eligible: eligible!, passed: passed! });
  });
  digest.totals = { ...c.totals };
  digest.allReviews = c.allReviews;
  digest.lastAt = c.lastAt;
  digest.lastSeq = c.lastSeq;
  return digest;
}

/**
 * Whether columns read from outside (the cache file) hold what columnsFromDigest makes: the right
 * lengths, unique ids and days, every real number finite, counts whole (a Uint32Array is), codes and
 * grades in range, shares from 0 to 1, and the parts a card does not have all zero.
 */
export function validColumns(c: DigestColumns): boolean {
  const n = c.ids.length;
  if (c.hashes.length !== n || c.num.length !== n * NUM_FIELDS || c.int.length !== n * INT_FIELDS || c.small.length !== n * SMALL_FIELDS) return false;
  if (c.dayNums.length !== c.days.length * DAY_FIELDS) return false;
  if (c.rowOf.size !== n || new Set(c.days).size !== c.days.length) return false;
  // Written for a cold start (this runs once per process): plain loops and comparisons, no call per
  // number. Every real number finite: NaN and ±Infinity make the sum NaN.
  const num = c.num;
  let sum = 0;
  for (let x = 0; x < num.length; x++) sum += num[x]! * 0;
  if (sum !== 0) return false;
  const int = c.int;
  if (!(int instanceof Uint32Array)) {
    for (let x = 0; x < int.length; x++) {
      const v = int[x]!;
      if (!(v >= 0 && v <= Number.MAX_SAFE_INTEGER && v % 1 === 0)) return false;
    }
  }
  const small = c.small;
  let records = 0;
  for (let i = 0, on = 0, oi = 0, os = 0; i < n; i++, on += NUM_FIELDS, oi += INT_FIELDS, os += SMALL_FIELDS) {
    if (typeof c.ids[i] !== 'string' || c.rowOf.get(c.ids[i]!) !== i || typeof c.hashes[i] !== 'string') return false;
    const record = small[os + SMALL.record]!;
    const hasLast = small[os + SMALL.hasLastReview]!;
    if (record === 0) {
      if (hasLast !== 0 || int[oi + INT.reps] !== 0 || int[oi + INT.lapses] !== 0 || int[oi + INT.learningSteps] !== 0) return false;
      for (let f = NUM.due; f <= NUM.lastReview; f++) if (num[on + f] !== 0) return false;
      if (num[on + NUM.curveStability] !== 0) return false;
    } else {
      if (record > 4 || hasLast > 1 || (hasLast === 0 && num[on + NUM.lastReview] !== 0)) return false;
      records++;
    }
    const has = small[os + SMALL.hasHistory]!;
    const count = small[os + SMALL.recentCount]!;
    if (has === 0) {
      if (record === 0 || c.hashes[i] !== '' || small[os + SMALL.phase] !== 0 || count !== 0) return false;
      for (let f = INT.reviews; f < INT_FIELDS; f++) if (int[oi + f] !== 0) return false;
      if (num[on + NUM.lastAt] !== 0 || num[on + NUM.lastSeq] !== 0) return false;
      for (let f = NUM.againHard; f < NUM_FIELDS; f++) if (num[on + f] !== 0) return false;
      for (let r = 0; r < RECENT_REVIEWS; r++) if (small[os + SMALL.grades + r] !== 0) return false;
      continue;
    }
    const lastSeq = num[on + NUM.lastSeq]!;
    const againHard = num[on + NUM.againHard]!;
    const overtime = num[on + NUM.overtime]!;
    if (has !== 1 || small[os + SMALL.phase]! > 3 || count > RECENT_REVIEWS) return false;
    if (!(lastSeq >= 0 && lastSeq <= Number.MAX_SAFE_INTEGER && lastSeq % 1 === 0 && againHard >= 0 && againHard <= 1 && overtime >= 0 && overtime <= 1)) return false;
    for (let r = 0; r < RECENT_REVIEWS; r++) {
      const grade = small[os + SMALL.grades + r]!;
      if (r < count ? grade < 1 || grade > 4 : grade !== 0 || num[on + NUM.recent + 2 * r] !== 0 || num[on + NUM.recent + 2 * r + 1] !== 0) return false;
    }
  }
  if (records !== c.records) return false;
  for (let i = 0; i < c.days.length; i++) {
    const o = i * DAY_FIELDS;
    const day = c.days[i];
    if (typeof day !== 'string' || !/^\d{4}-\d\d-\d\d$/.test(day)) return false;
    if (!isCount(c.dayNums[o]!) || !isCount(c.dayNums[o + 1]!) || !isFiniteNumber(c.dayNums[o + 2]!) || !isCount(c.dayNums[o + 3]!) || !isCount(c.dayNums[o + 4]!)) return false;
  }
  const t = c.totals;
  if (![t.reviews, t.scheduled, t.cram, t.over].every(isCount) || ![t.seconds, t.limitSec, t.ratio].every(isFiniteNumber)) return false;
  return isCount(c.allReviews) && isCount(c.lastSeq) && (c.lastAt === -Infinity || isFiniteNumber(c.lastAt));
}

/** A finite number (NaN and the infinities fail: x - x is NaN for them). */
const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && x - x === 0;
/** A whole number from 0 to 2^53 - 1. */
const isCount = (x: unknown): x is number => typeof x === 'number' && x >= 0 && x <= Number.MAX_SAFE_INTEGER && Math.floor(x) === x;

/**
 * Stats from digest columns made with the same time zone, --since and scope as `options`: the deck
 * joined with the digest (statsView), then what the clock makes of it (statsFromView).
 */
export function statsFromColumns(allCards: readonly StatsCard[], digest: DigestColumns, options: StatsOptions): Stats {
  return statsFromView(statsView(allCards, digest, options), options);
}

// ---------------------------------------------------------------------------------------------
// The stats view: the deck (its cards in deck order, after --tag/--company) joined with the digest,
// holding everything the stats need that does not depend on the clock. `prep stats` (table or JSON) keeps the
// whole deck's view in .prep/cache (src/store/stats-cache.ts): a warm run then neither decodes the
// deck's summary nor matches 10,000 ids against the digest, it only does the clock's part.

/** A card as a stats row shows it. */
export type ViewCard = Pick<CardSummary, 'id' | 'question' | 'file' | 'line' | 'tags' | 'company' | 'timeLimitSec'>;

/** Offsets of a card's numbers in `StatsView.num` (VIEW_NUM_FIELDS per card; all finite, 0 when absent). */
export const VIEW_NUM = {
  /** Due time (scheduled cards). */
  due: 0,
  /** The record's last review and its stability as the forgetting curve takes it (FLAG.recallable: the record has a memory state; without it recall is unknown). */
  lastReview: 1,
  curveStability: 2,
  /** The weakness score's recent parts, and the mean answer time of the recent reviews (FLAG.average), seconds. */
  againHard: 3,
  overtime: 4,
  averageSec: 5,
  /** The later of the record's last review and the history's (FLAG.lastSeen). */
  lastSeen: 6,
  /** The record's lapses; reviews counted (on or after --since). */
  lapses: 7,
  counted: 8,
} as const;
export const VIEW_NUM_FIELDS = 9;
/** Bits of `StatsView.flags`. */
export const FLAG = { rehearsed: 1, edited: 2, recallable: 4, average: 8, lastSeen: 16 } as const;
export const FLAG_BITS = 31;
/** A group's numbers that do not depend on the clock (GROUP_FIELDS per group in `StatsView.groupNums`). */
export const GROUP = { cards: 0, new: 1, reviews: 2, eligible: 3, passed: 4 } as const;
export const GROUP_FIELDS = 5;

export interface StatsView {
  timeZone: string | undefined;
  since: string | null;
  /** Cards, in deck order. */
  count: number;
  /** The card at an index (called for the cards shown, and for ties in the ranking). */
  card: (index: number) => ViewCard;
  /** Per card: record code (0 none, else 1 + index in PHASES), FLAG bits, VIEW_NUM numbers. */
  codes: Uint8Array;
  flags: Uint8Array;
  num: Float64Array;
  /** Tag groups then company groups, in the order cards first reach them: names and GROUP numbers. */
  tagGroups: (string | null)[];
  companyGroups: (string | null)[];
  groupNums: Float64Array;
  /**
   * Optional: each group's place among its list's names in String.prototype.localeCompare's order
   * (equal places for names it finds equal), tag groups then company groups; null stands for ''. Only
   * for the locale it was made in (stats-cache.ts): it spares a run making a collator for the ties.
   */
  nameRanks?: Uint32Array;
  /** Card i's tag groups are tagList[tagStart[i] .. tagStart[i + 1]) (each once); its company group companyOf[i] (after the tag groups). */
  tagStart: Uint32Array;
  tagList: Uint32Array;
  companyOf: Uint32Array;
  /** Overview counts that do not depend on the clock. */
  counts: { new: number; learning: number; review: number; neverRehearsed: number; toPrepare: number; edited: number };
  editedCards: string[];
  /** From the digest: study days, their numbers, totals and sizes. */
  days: string[];
  dayNums: Float64Array;
  totals: ProgressDigest['totals'];
  allReviews: number;
  records: number;
}

/** The deck joined with digest columns made with the same time zone, --since and scope as `options`. */
export function statsView(allCards: readonly StatsCard[], digest: DigestColumns, options: Omit<StatsOptions, 'now'>): StatsView {
  const since = options.since ?? null;
  const timeZone = options.timeZone;
  if (since !== digest.since || timeZone !== digest.timeZone) throw new Error('stats: the digest was made for another --since or time zone');
  const filtered = (options.tags?.length ?? 0) > 0 || options.company !== undefined;
  const cards = filtered ? filterCards(allCards, { tags: options.tags, company: options.company }) : allCards;
  const { rowOf, num, int, small } = digest;
  const n = cards.length;
  const codes = new Uint8Array(n);
  const flags = new Uint8Array(n);
  const view = new Float64Array(n * VIEW_NUM_FIELDS);
  const counts = { new: 0, learning: 0, review: 0, neverRehearsed: 0, toPrepare: 0, edited: 0 };
  const editedCards: string[] = [];
  // Per card, for its groups: reviews counted, of them eligible and passed (true retention).
  const perCard = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const card = cards[i]!;
    const row = rowOf.get(card.id) ?? -1;
    const on = row * NUM_FIELDS;
    const oi = row * INT_FIELDS;
    const os = row * SMALL_FIELDS;
    const ov = i * VIEW_NUM_FIELDS;
    const code = row >= 0 ? small[os + SMALL.record]! : 0;
    const hasRecord = code !== 0;
    const hasHistory = row >= 0 && small[os + SMALL.hasHistory] === 1;
    const hasLastReview = hasRecord && small[os + SMALL.hasLastReview] === 1;
    codes[i] = code;
    let f = 0;
    if (code > 1) {
      view[ov + VIEW_NUM.due] = num[on + NUM.due]!;
      if (code === 2 || code === 4) counts.learning++;
      else counts.review++;
    } else {
      counts.new++;
    }
    if (hasRecord) view[ov + VIEW_NUM.lapses] = int[oi + INT.lapses]!;
    if (code > 1 && hasLastReview) {
      f |= FLAG.recallable;
      view[ov + VIEW_NUM.lastReview] = num[on + NUM.lastReview]!;
      view[ov + VIEW_NUM.curveStability] = num[on + NUM.curveStability]!;
    }
    if (hasHistory) {
      view[ov + VIEW_NUM.againHard] = num[on + NUM.againHard]!;
      view[ov + VIEW_NUM.overtime] = num[on + NUM.overtime]!;
      view[ov + VIEW_NUM.counted] = int[oi + INT.counted]!;
      perCard[i * 3] = int[oi + INT.counted]!;
      perCard[i * 3 + 1] = int[oi + INT.eligible]!;
      perCard[i * 3 + 2] = int[oi + INT.passed]!;
      if (small[os + SMALL.recentCount]! > 0) {
        f |= FLAG.average;
        view[ov + VIEW_NUM.averageSec] = num[on + NUM.averageSec]!;
      }
      if (digest.hashes[row] !== card.contentHash) {
        f |= FLAG.edited;
        counts.edited++;
        editedCards.push(card.id);
      }
    }
    // The later of the record's last review and the history's (the record's when they are equal).
    const lastSeen = hasHistory ? num[on + NUM.lastAt]! : NaN;
    const recorded = hasLastReview ? num[on + NUM.lastReview]! : NaN;
    const lastAt = !Number.isNaN(recorded) && (Number.isNaN(lastSeen) || recorded >= lastSeen) ? recorded : Number.isNaN(lastSeen) ? recorded : lastSeen;
    if (!Number.isNaN(lastAt)) {
      f |= FLAG.lastSeen;
      view[ov + VIEW_NUM.lastSeen] = lastAt;
    }
    if ((hasHistory && int[oi + INT.reviews]! > 0) || hasLastReview) f |= FLAG.rehearsed;
    else counts.neverRehearsed++;
    if (isToPrepare(card)) counts.toPrepare++;
    flags[i] = f;
  }

  // Groups by normalised key, made in the order cards first reach them; each spelling met is
  // mapped straight to its group (a few distinct tags and companies across 10,000 cards).
  const NONE = '\u0000none';
  const tagGroups: (string | null)[] = [];
  const tagByKey = new Map<string, number>();
  const tagBySpelling = new Map<string, number>();
  /** The group of tags[t]; a new group is named by the last spelling of its key on the card that makes it. */
  const groupOfTag = (tags: readonly string[], t: number): number => {
    const tag = tags[t]!;
    let g = tagBySpelling.get(tag);
    if (g !== undefined) return g;
    const key = normalizeTag(tag);
    g = tagByKey.get(key);
    if (g === undefined) {
      let name = tag;
      for (let u = t + 1; u < tags.length; u++) if (normalizeTag(tags[u]!) === key) name = tags[u]!;
      tagByKey.set(key, (g = tagGroups.push(name) - 1));
    }
    tagBySpelling.set(tag, g);
    return g;
  };
  const companyGroups: (string | null)[] = [];
  const companyByKey = new Map<string, number>();
  const companyBySpelling = new Map<string, number>();
  const tagStart = new Uint32Array(n + 1);
  const tagList: number[] = [];
  const companyOf = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const card = cards[i]!;
    const tags = card.tags;
    if (tags.length === 0) {
      let g = tagByKey.get(NONE);
      if (g === undefined) tagByKey.set(NONE, (g = tagGroups.push(null) - 1));
      tagList.push(g);
    }
    const first = tagList.length;
    for (let t = 0; t < tags.length; t++) {
      const g = groupOfTag(tags, t);
      if (tagList.indexOf(g, first) === -1) tagList.push(g); // each group once per card
    }
    tagStart[i + 1] = tagList.length;
    const company = card.company;
    let g = company ? companyBySpelling.get(company) : companyByKey.get(NONE);
    if (g === undefined) {
      const key = company ? company.normalize('NFKC').toLowerCase().trim() : NONE;
      g = companyByKey.get(key);
      if (g === undefined) companyByKey.set(key, (g = companyGroups.push(company || null) - 1));
      if (company) companyBySpelling.set(company, g);
    }
    companyOf[i] = g;
  }
  const groupNums = new Float64Array((tagGroups.length + companyGroups.length) * GROUP_FIELDS);
  const addCard = (g: number, i: number) => {
    const o = g * GROUP_FIELDS;
    groupNums[o + GROUP.cards]!++;
    groupNums[o + GROUP.new]! += codes[i]! > 1 ? 0 : 1;
    groupNums[o + GROUP.reviews]! += perCard[i * 3]!;
    groupNums[o + GROUP.eligible]! += perCard[i * 3 + 1]!;
    groupNums[o + GROUP.passed]! += perCard[i * 3 + 2]!;
  };
  for (let i = 0; i < n; i++) {
    for (let k = tagStart[i]!; k < tagStart[i + 1]!; k++) addCard(tagList[k]!, i);
    addCard(tagGroups.length + companyOf[i]!, i);
  }

  return {
    timeZone,
    since,
    count: n,
    card: (i) => cards[i]!,
    codes,
    flags,
    num: view,
    tagGroups,
    companyGroups,
    groupNums,
    tagStart,
    tagList: Uint32Array.from(tagList),
    companyOf,
    counts,
    editedCards,
    days: digest.days,
    dayNums: digest.dayNums,
    totals: digest.totals,
    allReviews: digest.allReviews,
    records: digest.records,
  };
}

/**
 * Whether a view read from outside (the cache file) holds what statsView makes: the right lengths,
 * every number finite, codes and flags in range, group indices that name a group, days once each.
 */
export function validView(v: StatsView): boolean {
  const n = v.count;
  const groups = v.tagGroups.length + v.companyGroups.length;
  if (!(Number.isSafeInteger(n) && n >= 0) || v.codes.length !== n || v.flags.length !== n || v.num.length !== n * VIEW_NUM_FIELDS) return false;
  if (v.tagStart.length !== n + 1 || v.companyOf.length !== n || v.groupNums.length !== groups * GROUP_FIELDS || (v.nameRanks !== undefined && v.nameRanks.length !== groups)) return false;
  if (v.dayNums.length !== v.days.length * DAY_FIELDS || new Set(v.days).size !== v.days.length) return false;
  for (const block of [v.num, v.groupNums, v.dayNums]) if (!allFinite(block)) return false;
  for (let i = 0; i < n; i++) if (v.codes[i]! > 4 || v.flags[i]! > FLAG_BITS) return false;
  if (v.tagStart[0] !== 0 || v.tagStart[n] !== v.tagList.length) return false;
  for (let i = 0; i < n; i++) if (v.tagStart[i]! > v.tagStart[i + 1]! || v.companyOf[i]! >= v.companyGroups.length) return false;
  for (let k = 0; k < v.tagList.length; k++) if (v.tagList[k]! >= v.tagGroups.length) return false;
  for (const names of [v.tagGroups, v.companyGroups]) for (const name of names) if (name !== null && typeof name !== 'string') return false;
  for (const day of v.days) if (typeof day !== 'string' || !/^\d{4}-\d\d-\d\d$/.test(day)) return false;
  for (const id of v.editedCards) if (typeof id !== 'string') return false;
  const c = v.counts;
  const t = v.totals;
  if (![c.new, c.learning, c.review, c.neverRehearsed, c.toPrepare, c.edited, v.allReviews, v.records].every(isCount) || c.edited !== v.editedCards.length) return false;
  return [t.reviews, t.scheduled, t.cram, t.over].every(isCount) && [t.seconds, t.limitSec, t.ratio].every(isFiniteNumber);
}

/** `nameRanks` for a view's groups (see StatsView), by String.prototype.localeCompare in this process's locale. */
export function groupNameRanks(view: Pick<StatsView, 'tagGroups' | 'companyGroups'>): Uint32Array {
  const ranks = new Uint32Array(view.tagGroups.length + view.companyGroups.length);
  const rankList = (names: readonly (string | null)[], first: number) => {
    const order = names.map((_, k) => k).sort((a, b) => (names[a] ?? '').localeCompare(names[b] ?? ''));
    order.forEach((k, at) => {
      const previous = order[at - 1];
      ranks[first + k] = previous !== undefined && (names[previous] ?? '').localeCompare(names[k] ?? '') === 0 ? ranks[first + previous]! : at;
    });
  };
  rankList(view.tagGroups, 0);
  rankList(view.companyGroups, view.tagGroups.length);
  return ranks;
}

/** Index of the 16 bits holding a float64's exponent, in a Uint16Array over it: byte order of this machine. */
const EXPONENT_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 3 : 0;

/**
 * Whether every number in `block` is finite: none has the all-ones exponent of NaN and ±Infinity.
 * Read as 16-bit words, small integers: a cold process runs this loop without making a heap
 * number per value (as `x * 0` on the float itself would, until the loop is optimised).
 */
function allFinite(block: Float64Array): boolean {
  const words = new Uint16Array(block.buffer, block.byteOffset, block.length * 4);
  for (let w = EXPONENT_WORD; w < words.length; w += 4) if ((words[w]! & 0x7ff0) === 0x7ff0) return false;
  return true;
}

/**
 * The stats a view gives at `options.now` (the view made with the same time zone, --since and
 * scope). Only what depends on the clock is computed here (recall now, due offsets, scores, ranking,
 * forecast, windows, groups' due and weakness), on plain numbers; rows are built for the cards shown only.
 */
export function statsFromView(view: StatsView, options: StatsOptions): Stats {
  const { now, timeZone } = options;
  const since = options.since ?? null;
  if (since !== view.since || timeZone !== view.timeZone) throw new Error('stats: the view was made for another --since or time zone');
  const today = studyDay(now, timeZone);
  const nowMs = now.getTime();
  const { codes, flags, num } = view;

  // Study days until due (0 when overdue). Only 0 to FORECAST_DAYS - 1 are ever shown, and formatting
  // a time in a time zone is slow at 10,000 cards: overdue is 0, and far off is simply far off.
  const todayOrdinal = dayOrdinal(today);
  const near = (FORECAST_DAYS + 2) * 86_400_000;
  // In the machine's zone, a due time's offset counts the rollovers up to it; in another zone, one
  // date computation per quarter hour (studyDayMemo's rule: the rollover never falls inside one).
  const rollovers = timeZone === undefined ? rolloversBetween(nowMs, nowMs + near) : undefined;
  const nearOffsets = new Map<number, number>();
  const dueOffsetOf = (due: number): number => {
    const quarter = Math.floor(due / 900_000);
    let offset = nearOffsets.get(quarter);
    if (offset === undefined) nearOffsets.set(quarter, (offset = Math.max(0, dayOrdinal(studyDay(new Date(due), timeZone)) - todayOrdinal)));
    return offset;
  };

  // Per card (in deck order): what the clock makes of it, and its groups' sums.
  const n = view.count;
  const groupCount = view.tagGroups.length + view.companyGroups.length;
  const pass: ClockPass = {
    recall: new Float64Array(n),
    scores: new Float64Array(n), // NaN: not rehearsed
    dueOn: new Float64Array(FORECAST_DAYS),
    dueToday: 0,
    groupDue: new Float64Array(groupCount),
    scoreSum: new Float64Array(groupCount),
    scored: new Float64Array(groupCount),
  };
  clockPass(view, nowMs, near, rollovers, rollovers ? undefined : dueOffsetOf, pass);
  const { recall, scores, dueOn, dueToday, groupDue, scoreSum, scored } = pass;

  // Weakest first, by numbers only; ties (the score shown to one decimal, recall to three, lapses)
  // keep the deck's order, as `prep list` shows it. Ordering them by question would need a collator,
  // and making one costs about 15 ms, more than ranking 10,000 cards.
  const lapsesOf = (i: number) => num[i * VIEW_NUM_FIELDS + VIEW_NUM.lapses]!;
  const recall3 = (i: number) => round(recall[i]!, 3);
  const weakerByNumbers = (a: number, b: number) => scores[b]! - scores[a]! || recall3(a) - recall3(b) || lapsesOf(b) - lapsesOf(a);
  const weaker = (a: number, b: number) => weakerByNumbers(a, b) || a - b;
  const limit = options.limit ?? DEFAULT_WEAKEST_LIMIT;
  const shown = weakestIndices(scores, weakerByNumbers, weaker, limit);
  const weakest = shown.map((i, rank): WeakCard => {
    const card = view.card(i);
    const ov = i * VIEW_NUM_FIELDS;
    const f = flags[i]!;
    const last = (f & FLAG.lastSeen) !== 0 ? new Date(num[ov + VIEW_NUM.lastSeen]!) : null;
    const code = codes[i]!;
    return {
      rank: rank + 1,
      id: card.id,
      question: card.question,
      file: card.file,
      line: card.line,
      tags: [...card.tags],
      company: card.company,
      score: scores[i]!,
      retrievability: (f & FLAG.recallable) !== 0 ? recall3(i) : null,
      lapses: lapsesOf(i),
      reviews: num[ov + VIEW_NUM.counted]!,
      againHardShare: round(num[ov + VIEW_NUM.againHard]!, 3),
      overtime: round(num[ov + VIEW_NUM.overtime]!, 3),
      averageSec: (f & FLAG.average) !== 0 ? round(num[ov + VIEW_NUM.averageSec]!, 1) : null,
      limitSec: card.timeLimitSec,
      lastReview: last ? last.toISOString() : null,
      lastReviewDay: last ? studyDay(new Date(last.toISOString()), timeZone) : null,
      due: code > 1 ? new Date(num[ov + VIEW_NUM.due]!).toISOString() : null,
      phase: code !== 0 ? PHASES[code - 1]! : 'new',
      edited: (f & FLAG.edited) !== 0,
    };
  });

  const dayAgo = view.days.map((day) => todayOrdinal - dayOrdinal(day));
  const sumWithin = (days: number, field: number) => {
    let sum = 0;
    for (let d = 0; d < dayAgo.length; d++) if (dayAgo[d]! >= 0 && dayAgo[d]! < days) sum += view.dayNums[d * DAY_FIELDS + field]!;
    return sum;
  };
  const retentionOver = (days: number): Rate => rate(sumWithin(days, 3), sumWithin(days, 4));
  const perDay = (days: number) => {
    // With --since inside the window, average over the days since then only.
    const windowDays = since === null ? days : Math.max(1, Math.min(days, todayOrdinal - dayOrdinal(since) + 1));
    return round(sumWithin(windowDays, 0) / windowDays, 1);
  };

  const totals = view.totals;
  const c = view.counts;
  const overview: Overview = {
    today,
    since,
    cards: { total: n, new: c.new, learning: c.learning, review: c.review, dueToday, neverRehearsed: c.neverRehearsed, toPrepare: c.toPrepare, edited: c.edited },
    editedCards: [...view.editedCards],
    retention: { last7: retentionOver(7), last30: retentionOver(30) },
    reviewsPerDay: { last7: perDay(7), last30: perDay(30) },
    reviews: { total: totals.reviews, scheduled: totals.scheduled, cram: totals.cram },
    answerTime:
      totals.reviews === 0
        ? { averageSec: null, averageLimitSec: null, ratio: null, overLimitShare: null }
        : {
            averageSec: round(totals.seconds / totals.reviews, 1),
            averageLimitSec: round(totals.limitSec / totals.reviews, 1),
            ratio: round(totals.ratio / totals.reviews, 3),
            overLimitShare: round(totals.over / totals.reviews, 3),
          },
  };

  const forecast: ForecastDay[] = [];
  for (let i = 0; i < FORECAST_DAYS; i++) forecast.push({ day: addDays(today, i), due: dueOn[i]! });

  const weeks = options.weeks ?? HISTORY_WEEKS;
  const firstDay = addDays(today, -(weekdayIndex(today) + 7 * (weeks - 1)));
  const dayRow = new Map<string, number>();
  view.days.forEach((day, d) => dayRow.set(day, d));
  const history: HistoryDay[] = [];
  for (let day = firstDay; day <= today; day = addDays(day, 1)) {
    const d = dayRow.get(day);
    const x = d === undefined ? undefined : d * DAY_FIELDS;
    history.push(x === undefined ? { day, reviews: 0, again: 0, seconds: 0 } : { day, reviews: view.dayNums[x]!, again: view.dayNums[x + 1]!, seconds: Math.round(view.dayNums[x + 2]!) });
  }

  // Groups: due today and the weakness summed card by card in deck order (clockPass); the mean is the plain one.
  const ranks = view.nameRanks;
  const finish = (names: readonly (string | null)[], first: number): GroupStats[] =>
    names
      .map((name, k) => {
        const g = first + k;
        const o = g * GROUP_FIELDS;
        const nums = view.groupNums;
        const stats: GroupStats = {
          name,
          cards: nums[o + GROUP.cards]!,
          new: nums[o + GROUP.new]!,
          dueToday: groupDue[g]!,
          reviews: nums[o + GROUP.reviews]!,
          retention: rate(nums[o + GROUP.eligible]!, nums[o + GROUP.passed]!).rate,
          weakness: scored[g]! > 0 ? round(scoreSum[g]! / scored[g]!, 1) : null,
        };
        return { stats, g };
      })
      .sort(({ stats: a, g: ga }, { stats: b, g: gb }) => (b.weakness ?? -1) - (a.weakness ?? -1) || (a.name === null ? 1 : 0) - (b.name === null ? 1 : 0) || (ranks ? ranks[ga]! - ranks[gb]! : (a.name ?? '').localeCompare(b.name ?? '')))
      .map(({ stats }) => stats);
  const byTag = finish(view.tagGroups, 0);
  const byCompany = finish(view.companyGroups, view.tagGroups.length);

  return { weakest, overview, forecast, history, byTag, byCompany };
}

/** What clockPass fills in: per card, per forecast day, per group. */
interface ClockPass {
  recall: Float64Array;
  scores: Float64Array;
  dueOn: Float64Array;
  dueToday: number;
  groupDue: Float64Array;
  scoreSum: Float64Array;
  scored: Float64Array;
}

/**
 * The per-card part of statsFromView, in one loop over plain numbers: due counts per study day
 * (overdue counts as today), recall now, weakness scores, and each card's share of its groups' due count
 * and score sums (in deck order). A small function of its own, with scoreOf and clamp01 written out:
 * a run of `prep stats` goes through 10,000 cards once, mostly before V8 has optimised anything, so
 * every call and property lookup per card shows. Far-off dues count whole days; near ones count the
 * `rollovers` (the machine's zone) or ask `nearOffset` (another zone). The same numbers as scoreOf
 * and recallAt, to the bit (test/core/stats-equivalence.test.ts).
 */
function clockPass(view: StatsView, nowMs: number, near: number, rollovers: readonly number[] | undefined, nearOffset: ((due: number) => number) | undefined, out: ClockPass): void {
  const { codes, flags, num, tagStart, tagList, companyOf } = view;
  const n = view.count;
  const companyBase = view.tagGroups.length;
  const { recall, scores, dueOn, groupDue, scoreSum, scored } = out;
  const wForgetting = WEIGHT_FORGETTING;
  const wLapses = WEIGHT_LAPSES;
  const wAgainHard = WEIGHT_AGAIN_HARD;
  const wOvertime = WEIGHT_OVERTIME;
  const wWithoutForgetting = WEIGHT_WITHOUT_FORGETTING;
  const lapseCap = LAPSE_CAP;
  const forecastDays = FORECAST_DAYS;
  let dueToday = 0;
  for (let i = 0, ov = 0; i < n; i++, ov += VIEW_NUM_FIELDS) {
    let dueNow = false;
    if (codes[i]! > 1) {
      const due = num[ov + VIEW_NUM.due]!;
      let offset = 0;
      if (due > nowMs) {
        const ahead = due - nowMs;
        if (ahead > near) offset = Math.floor(ahead / 86_400_000); // ≥ FORECAST_DAYS study days
        else if (rollovers) while (rollovers[offset]! <= due) offset++;
        else offset = nearOffset!(due);
      }
      if (offset === 0) {
        dueToday++;
        dueNow = true;
      }
      if (offset < forecastDays) dueOn[offset]!++;
    }
    const f = flags[i]!;
    let score = NaN;
    if ((f & FLAG.rehearsed) !== 0) {
      // scoreOf: each part clamped to 0–1 (a non-finite one counts 0), lapses capped.
      const a0 = num[ov + VIEW_NUM.againHard]!;
      const o0 = num[ov + VIEW_NUM.overtime]!;
      const l0 = num[ov + VIEW_NUM.lapses]!;
      const a = a0 - a0 === 0 && a0 > 0 ? (a0 < 1 ? a0 : 1) : 0;
      const o = o0 - o0 === 0 && o0 > 0 ? (o0 < 1 ? o0 : 1) : 0;
      const l = (l0 > 0 ? (l0 < lapseCap ? l0 : lapseCap) : 0) / lapseCap;
      let value: number;
      if ((f & FLAG.recallable) !== 0) {
        // recallFrom: the curve at the whole days since the last review (none when in the future), clamped.
        const days = Math.floor((nowMs - num[ov + VIEW_NUM.lastReview]!) / 86_400_000);
        const p = recallProbability(days > 0 ? days : 0, num[ov + VIEW_NUM.curveStability]!);
        const r = p - p === 0 && p > 0 ? (p < 1 ? p : 1) : 0;
        recall[i] = r;
        value = wForgetting * (1 - r) + wLapses * l + wAgainHard * a + wOvertime * o;
      } else {
        // No memory state (only crammed): recall unknown, left out of the score; 0 for ties in the ranking.
        recall[i] = 0;
        value = (wLapses * l + wAgainHard * a + wOvertime * o) / wWithoutForgetting;
      }
      score = Math.round(100 * value * 10) / 10;
    }
    scores[i] = score;
    const rated = score === score; // not NaN
    if (dueNow || rated) {
      // The card's tag groups, then (k === end) its company's group.
      for (let k = tagStart[i]!, end = tagStart[i + 1]!; k <= end; k++) {
        const g = k < end ? tagList[k]! : companyBase + companyOf[i]!;
        if (dueNow) groupDue[g]!++;
        if (rated) {
          scoreSum[g]! += score;
          scored[g]!++;
        }
      }
    }
  }
  out.dueToday = dueToday;
}

/**
 * The first `limit` of the cards with a score, in the order of `compare` (ties in index order),
 * as a stable sort and slice would give. `byNumbers` is `compare` without its last, slow keys (the
 * collation of questions and ids): the `limit` first by numbers are found by insertion, then only
 * they and whatever ties the last of them by numbers are sorted with `compare`.
 */
function weakestIndices(scores: Float64Array, byNumbers: (a: number, b: number) => number, compare: (a: number, b: number) => number, limit: number): number[] {
  // Kept: the rehearsed cards (a score; NaN for the others). The score is the first key, weakest
  // first, so a lower score than the last one kept settles it without the other keys.
  const n = scores.length;
  if (!(Number.isInteger(limit) && limit > 0 && limit <= 100)) {
    const all: number[] = [];
    for (let i = 0; i < n; i++) if (!Number.isNaN(scores[i])) all.push(i);
    return all.sort(compare).slice(0, limit);
  }
  const top: number[] = [];
  let lastScore = -Infinity;
  for (let i = 0; i < n; i++) {
    const score = scores[i]!;
    if (!(score >= lastScore)) continue; // NaN, or lower than the last of a full list
    if (top.length === limit && byNumbers(i, top[limit - 1]!) >= 0) continue;
    let at = top.length;
    while (at > 0 && byNumbers(i, top[at - 1]!) < 0) at--;
    top.splice(at, 0, i);
    if (top.length > limit) top.pop();
    if (top.length === limit) lastScore = scores[top[limit - 1]!]!;
  }
  if (top.length < limit) return top.sort(compare);
  // Everything not worse by numbers than the last one kept may still be shown.
  const last = top[limit - 1]!;
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) if (scores[i]! >= lastScore && byNumbers(i, last) <= 0) candidates.push(i);
  return candidates.sort(compare).slice(0, limit);
}

/*
 * Phases are replayed card by card in reviewFolder: phase changes depend only on the phase, the
 * learning step and the grade, so each distinct transition is asked of the real scheduler once (on
 * a stand-in memory) and remembered: replaying 100,000 reviews through FSRS itself would take seconds.
 */
interface PhaseState {
  phase: FsrsPhase;
  learningSteps: number;
}

const STAND_IN_TIME = Date.UTC(2000, 0, 3, 12);

function transition(scheduler: Scheduler, state: PhaseState, grade: Review['grade']): PhaseState | null {
  const before = new Date(STAND_IN_TIME);
  const memory =
    state.phase === 'new'
      ? scheduler.newMemory(before)
      : { phase: state.phase, due: before, stability: 2, difficulty: 5, reps: 2, lapses: 0, learningSteps: state.learningSteps, scheduledDays: 0, lastReview: before };
  try {
    const after = scheduler.grade(memory, grade, new Date(STAND_IN_TIME + 60_000));
    return { phase: after.phase, learningSteps: after.learningSteps };
  } catch {
    return null;
  }
}

function rate(reviews: number, passed: number): Rate {
  return { passed, reviews, rate: reviews > 0 ? round(passed / reviews, 3) : null };
}

/**
 * studyDay, remembered per quarter hour: every time zone's offset is a whole number of quarter
 * hours, so the 4 a.m. rollover never falls inside one, and reviews come in sessions.
 */
function studyDayMemo(timeZone: string | undefined): (at: Date) => string {
  const memo = new Map<number, string>();
  return (at) => {
    const key = Math.floor(at.getTime() / 900_000);
    let day = memo.get(key);
    if (day === undefined) memo.set(key, (day = studyDay(at, timeZone)));
    return day;
  };
}

/** 0 for Monday … 6 for Sunday. */
function weekdayIndex(day: string): number {
  return (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** Days since 1970-01-01 of a YYYY-MM-DD day. */
function dayOrdinal(day: string): number {
  return Math.round(Date.parse(`${day}T00:00:00Z`) / 86_400_000);
}

const ratioOf = (r: Pick<Review, 'elapsedMs' | 'timeLimitSec'>) => r.elapsedMs / 1000 / Math.max(1, r.timeLimitSec);
/**
 * Scheduler.retrievability on the numbers of the card in `row`, clamped to 0–1: 0 without a record, for
 * a new card or one never reviewed, else the forgetting curve at the whole days since the last review
 * (none when that is in the future), with the stability rounded as the curve takes it (done once, in
 * the digest: toFixed is slow). test/core/stats-equivalence.test.ts checks it against the scheduler.
 */
export function recallAt(c: DigestColumns, row: number, nowMs: number): number {
  const os = row * SMALL_FIELDS;
  if (c.small[os + SMALL.record]! <= 1 || c.small[os + SMALL.hasLastReview] !== 1) return 0; // no record, or phase new
  const on = row * NUM_FIELDS;
  return recallFrom(c.num[on + NUM.lastReview]!, c.num[on + NUM.curveStability]!, nowMs);
}

/** The forgetting curve now, for a last review and a stability as the digest and the view keep them; clamped to 0–1. */
function recallFrom(lastReviewMs: number, curveStability: number, nowMs: number): number {
  return clamp01(recallProbability(curveDays(lastReviewMs, nowMs), curveStability));
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
