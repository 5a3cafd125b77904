/**
 * `prep stats` as data: which answers are weak, what is due, what was done. Pure: the cards,
 * the progress data, the clock and the time zone are arguments. The result is plain JSON data
 * (strings, numbers, booleans, null) because `prep stats --json` prints it as it is; its shape
 * is documented in README ("prep stats --json") and must stay stable.
 */
import type { Card, CardSummary } from './card.js';
import { isToPrepare } from './card.js';
import { filterCards } from './deck.js';
import type { CardRecord, FsrsPhase, Grade, MemoryState, ProgressData, Review } from './progress-model.js';
import { Scheduler } from './schedule.js';
import { addDays, studyDay } from './study-day.js';
import { normalizeTag } from './time-limits.js';

/** How many of a card's latest rehearsals the "recent" parts of the weakness score look at. */
export const RECENT_REVIEWS = 5;
/** Lapses at which the lapse part of the score is full. */
export const LAPSE_CAP = 5;
/** Weights of the weakness score; they add up to 1, so the score runs from 0 to 100. */
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
  /** Probability of recalling it now (0–1, three decimals). */
  retrievability: number;
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

/** The inputs of the weakness score, each from 0 (good) to 1 (bad). */
export interface WeaknessParts {
  retrievability: number;
  lapses: number;
  againHardShare: number;
  overtime: number;
}

/**
 * Weakness score, 0–100:
 * 100 × (0.40 × (1 − retrievability) + 0.20 × min(lapses, 5) / 5 + 0.25 × again/hard share + 0.15 × overtime).
 */
export function weaknessScore(parts: WeaknessParts): number {
  return scoreOf(parts.retrievability, parts.lapses, parts.againHardShare, parts.overtime);
}

/** weaknessScore on plain numbers (10,000 cards a run: no object each). */
function scoreOf(retrievability: number, lapses: number, againHardShare: number, overtime: number): number {
  const w = WEAKNESS_WEIGHTS;
  const value =
    w.forgetting * (1 - clamp01(retrievability)) +
    w.lapses * (Math.min(Math.max(lapses, 0), LAPSE_CAP) / LAPSE_CAP) +
    w.againHard * clamp01(againHardShare) +
    w.overtime * clamp01(overtime);
  return round(100 * value, 1);
}

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

const toPrepare = (card: StatsCard) => ('status' in card ? card.status === 'to-prepare' : isToPrepare(card));

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
  const digest = emptyDigest(progress.cards, options.timeZone, options.since ?? null);
  digest.allReviews = progress.reviews.length;
  const all = [...progress.reviews].sort((a, b) => a.at.getTime() - b.at.getTime() || a.seq - b.seq);
  const folder = reviewFolder(digest, options);
  for (const r of all) folder(r, true);
  return digest;
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
 * `allReviews` and `records` are the caller's.
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
// a few string arrays and one block of numbers, so a warm `prep stats` loads 10,000 cards without
// building an object (or a Date) per card, and everything it computes per run is arithmetic on them.

/** Offsets of a card's numbers in `DigestColumns.cards` (CARD_FIELDS per card). */
export const CARD = {
  /** Index in PHASES of the record's phase; -1: no record (the record fields after it are 0). */
  recordPhase: 0,
  due: 1,
  stability: 2,
  difficulty: 3,
  reps: 4,
  lapses: 5,
  learningSteps: 6,
  scheduledDays: 7,
  /** Time of the record's last review; NaN: none. */
  lastReview: 8,
  /** 1 when the card has a history (a CardDigest), 0 when not (the history fields after it are 0). */
  hasHistory: 9,
  reviews: 10,
  counted: 11,
  lastAt: 12,
  lastSeq: 13,
  eligible: 14,
  passed: 15,
  /** Index in PHASES of the replayed phase. */
  phase: 16,
  steps: 17,
  recentCount: 18,
  /** grade, elapsedMs, timeLimitSec of each recent review, oldest first; unused slots 0. */
  recent: 19,
} as const;
export const CARD_FIELDS = CARD.recent + 3 * RECENT_REVIEWS;
/** A day's numbers in `DigestColumns.dayNums`: reviews, again, seconds, eligible, passed. */
export const DAY_FIELDS = 5;
export const PHASES: readonly FsrsPhase[] = ['new', 'learning', 'review', 'relearning'];

export interface DigestColumns {
  timeZone: string | undefined;
  since: string | null;
  /** Every card with a record or a history; card i's numbers are cards[i * CARD_FIELDS ...]. */
  ids: string[];
  /** Answer hash of each card's last review ('' for a card without history). */
  hashes: string[];
  cards: Float64Array;
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
  const cards = new Float64Array(ids.length * CARD_FIELDS);
  const hashes = new Array<string>(ids.length).fill('');
  for (let i = 0; i < ids.length; i++) {
    const o = i * CARD_FIELDS;
    const record = d.records[ids[i]!];
    if (record) {
      const m = record.memory;
      cards[o + CARD.recordPhase] = PHASES.indexOf(m.phase);
      cards[o + CARD.due] = m.due.getTime();
      cards[o + CARD.stability] = m.stability;
      cards[o + CARD.difficulty] = m.difficulty;
      cards[o + CARD.reps] = m.reps;
      cards[o + CARD.lapses] = m.lapses;
      cards[o + CARD.learningSteps] = m.learningSteps;
      cards[o + CARD.scheduledDays] = m.scheduledDays;
      cards[o + CARD.lastReview] = m.lastReview === null ? NaN : m.lastReview.getTime();
    } else {
      cards[o + CARD.recordPhase] = -1;
      cards[o + CARD.lastReview] = NaN;
    }
    const h = d.cards.get(ids[i]!);
    if (!h) continue;
    hashes[i] = h.lastHash;
    cards[o + CARD.hasHistory] = 1;
    cards[o + CARD.reviews] = h.reviews;
    cards[o + CARD.counted] = h.counted;
    cards[o + CARD.lastAt] = h.lastAt;
    cards[o + CARD.lastSeq] = h.lastSeq;
    cards[o + CARD.eligible] = h.eligible;
    cards[o + CARD.passed] = h.passed;
    cards[o + CARD.phase] = PHASES.indexOf(h.phase);
    cards[o + CARD.steps] = h.steps;
    cards[o + CARD.recentCount] = h.recent.length;
    h.recent.forEach((r, k) => {
      cards[o + CARD.recent + 3 * k] = r.grade;
      cards[o + CARD.recent + 3 * k + 1] = r.elapsedMs;
      cards[o + CARD.recent + 3 * k + 2] = r.timeLimitSec;
    });
  }
  const days = [...d.days.keys()];
  const dayNums = new Float64Array(days.length * DAY_FIELDS);
  days.forEach((day, i) => {
    const x = d.days.get(day)!;
    dayNums.set([x.reviews, x.again, x.seconds, x.eligible, x.passed], i * DAY_FIELDS);
  });
  return { timeZone: d.timeZone, since: d.since, ids, hashes, cards, days, dayNums, records: Object.keys(d.records).length, totals: { ...d.totals }, allReviews: d.allReviews, lastAt: d.lastAt, lastSeq: d.lastSeq };
}

/** The digest back as objects, to fold new reviews into (see reviewFolder). */
export function digestFromColumns(c: DigestColumns): ProgressDigest {
  const records = Object.create(null) as Record<string, Pick<CardRecord, 'memory'>>;
  const digest = emptyDigest(records, c.timeZone, c.since);
  c.ids.forEach((id, i) => {
    const o = i * CARD_FIELDS;
    const n = (field: number) => c.cards[o + field]!;
    if (n(CARD.recordPhase) >= 0) {
      const last = n(CARD.lastReview);
      records[id] = {
        memory: {
          phase: PHASES[n(CARD.recordPhase)]!,
          due: new Date(n(CARD.due)),
          stability: n(CARD.stability),
          difficulty: n(CARD.difficulty),
          reps: n(CARD.reps),
          lapses: n(CARD.lapses),
          learningSteps: n(CARD.learningSteps),
          scheduledDays: n(CARD.scheduledDays),
          lastReview: Number.isNaN(last) ? null : new Date(last),
        },
      };
    }
    if (n(CARD.hasHistory) !== 1) return;
    const recent: RecentReview[] = [];
    for (let k = 0; k < n(CARD.recentCount); k++) {
      recent.push({ grade: n(CARD.recent + 3 * k) as Grade, elapsedMs: n(CARD.recent + 3 * k + 1), timeLimitSec: n(CARD.recent + 3 * k + 2) });
    }
    digest.cards.set(id, {
      reviews: n(CARD.reviews),
      counted: n(CARD.counted),
      lastAt: n(CARD.lastAt),
      lastSeq: n(CARD.lastSeq),
      lastHash: c.hashes[i]!,
      recent,
      eligible: n(CARD.eligible),
      passed: n(CARD.passed),
      phase: PHASES[n(CARD.phase)]!,
      steps: n(CARD.steps),
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
 * lengths, unique ids and days, and every number of the right kind (counts are whole and not
 * negative, times and amounts finite, phases and grades in range).
 */
export function validColumns(c: DigestColumns): boolean {
  if (c.ids.length !== c.hashes.length || c.cards.length !== c.ids.length * CARD_FIELDS) return false;
  if (c.dayNums.length !== c.days.length * DAY_FIELDS) return false;
  if (new Set(c.ids).size !== c.ids.length || new Set(c.days).size !== c.days.length) return false;
  let records = 0;
  const k = c.cards;
  for (let i = 0; i < c.ids.length; i++) {
    const o = i * CARD_FIELDS;
    if (typeof c.ids[i] !== 'string' || typeof c.hashes[i] !== 'string') return false;
    const recordPhase = k[o + CARD.recordPhase]!;
    if (recordPhase === -1) {
      for (let f = CARD.due; f < CARD.lastReview; f++) if (k[o + f] !== 0) return false;
      if (!Number.isNaN(k[o + CARD.lastReview])) return false;
    } else {
      if (!isPhase(recordPhase)) return false;
      records++;
      if (!isFiniteNumber(k[o + CARD.due]!) || !isFiniteNumber(k[o + CARD.stability]!) || !isFiniteNumber(k[o + CARD.difficulty]!) || !isFiniteNumber(k[o + CARD.scheduledDays]!)) return false;
      if (!isCount(k[o + CARD.reps]!) || !isCount(k[o + CARD.lapses]!) || !isCount(k[o + CARD.learningSteps]!)) return false;
      const last = k[o + CARD.lastReview]!;
      if (!Number.isNaN(last) && !isFiniteNumber(last)) return false;
    }
    const has = k[o + CARD.hasHistory]!;
    if (has === 0) {
      if (recordPhase === -1 || c.hashes[i] !== '') return false;
      for (let f = CARD.reviews; f < CARD_FIELDS; f++) if (k[o + f] !== 0) return false;
      continue;
    }
    if (has !== 1) return false;
    if (!isCount(k[o + CARD.reviews]!) || !isCount(k[o + CARD.counted]!) || !isCount(k[o + CARD.lastSeq]!) || !isCount(k[o + CARD.eligible]!) || !isCount(k[o + CARD.passed]!) || !isCount(k[o + CARD.steps]!)) return false;
    if (!isFiniteNumber(k[o + CARD.lastAt]!) || !isPhase(k[o + CARD.phase]!)) return false;
    const n = k[o + CARD.recentCount]!;
    if (!isCount(n) || n > RECENT_REVIEWS) return false;
    for (let r = 0; r < RECENT_REVIEWS; r++) {
      const at = o + CARD.recent + 3 * r;
      if (r < n) {
        const grade = k[at]!;
        if ((grade !== 1 && grade !== 2 && grade !== 3 && grade !== 4) || !isFiniteNumber(k[at + 1]!) || !isFiniteNumber(k[at + 2]!)) return false;
      } else if (k[at] !== 0 || k[at + 1] !== 0 || k[at + 2] !== 0) return false;
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

// Checks for validColumns: plain comparisons, as they run 300,000 times on a warm start.
/** A finite number (NaN and the infinities fail: x - x is NaN for them). */
const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && x - x === 0;
/** A whole number from 0 to 2^53 - 1. */
const isCount = (x: unknown): x is number => typeof x === 'number' && x >= 0 && x <= Number.MAX_SAFE_INTEGER && Math.floor(x) === x;
const isPhase = (x: number) => x === 0 || x === 1 || x === 2 || x === 3;

/**
 * Stats from digest columns made with the same time zone, --since and scope as `options`. Only the
 * parts that depend on the clock are computed here (recall now, due offsets, scores, ranking,
 * forecast, groups), on plain numbers; rows are built for the cards shown only.
 */
export function statsFromColumns(allCards: readonly StatsCard[], digest: DigestColumns, options: StatsOptions): Stats {
  const { now, timeZone } = options;
  const since = options.since ?? null;
  if (since !== digest.since || timeZone !== digest.timeZone) throw new Error('stats: the digest was made for another --since or time zone');
  const scheduler = new Scheduler(options.retention);
  const today = studyDay(now, timeZone);
  const nowMs = now.getTime();
  const filtered = (options.tags?.length ?? 0) > 0 || options.company !== undefined;
  const cards = filtered ? filterCards(allCards, { tags: options.tags, company: options.company }) : allCards;
  const rowOf = new Map<string, number>();
  for (let i = 0; i < digest.ids.length; i++) rowOf.set(digest.ids[i]!, i);
  const k = digest.cards;

  // Study days until due (0 when overdue). Only 0 to FORECAST_DAYS - 1 are ever shown, and formatting
  // a time in a time zone is slow at 10,000 cards: overdue is 0, and far off is simply far off.
  const dayOfTime = studyDayMemo(timeZone);
  const todayOrdinal = dayOrdinal(today);
  const dueOffsetOf = (due: number): number => {
    const ahead = due - nowMs;
    if (ahead <= 0) return 0;
    if (ahead > (FORECAST_DAYS + 2) * 86_400_000) return Math.floor(ahead / 86_400_000); // ≥ FORECAST_DAYS study days
    return Math.max(0, dayOrdinal(dayOfTime(new Date(due))) - todayOrdinal);
  };
  // One memory state, refilled per card: the scheduler only reads it.
  const memory: MemoryState = { phase: 'new', due: new Date(0), stability: 0, difficulty: 0, reps: 0, lapses: 0, learningSteps: 0, scheduledDays: 0, lastReview: null };
  const dueDate = memory.due;
  const lastDate = new Date(0);
  const recallNow = (o: number): number => {
    memory.phase = PHASES[k[o + CARD.recordPhase]!]!;
    dueDate.setTime(k[o + CARD.due]!);
    memory.stability = k[o + CARD.stability]!;
    memory.difficulty = k[o + CARD.difficulty]!;
    memory.reps = k[o + CARD.reps]!;
    memory.lapses = k[o + CARD.lapses]!;
    memory.learningSteps = k[o + CARD.learningSteps]!;
    memory.scheduledDays = k[o + CARD.scheduledDays]!;
    const last = k[o + CARD.lastReview]!;
    memory.lastReview = Number.isNaN(last) ? null : (lastDate.setTime(last), lastDate);
    try {
      return clamp01(scheduler.retrievability(memory, now));
    } catch {
      return 0; // a memory the scheduler refuses
    }
  };

  // Per card (in deck order): its row in the digest (-1: none) and what the clock makes of it.
  const n = cards.length;
  const rows = new Int32Array(n);
  const FLAG_SCHEDULED = 1;
  const FLAG_REHEARSED = 2;
  const FLAG_EDITED = 4;
  const flags = new Uint8Array(n);
  const dueOffsets = new Float64Array(n); // -1: not scheduled
  const recall = new Float64Array(n);
  const scores = new Float64Array(n); // NaN: not rehearsed
  const counts = { new: 0, learning: 0, review: 0, dueToday: 0, neverRehearsed: 0, toPrepare: 0, edited: 0 };
  const editedCards: string[] = [];
  const dueOn = new Array<number>(FORECAST_DAYS).fill(0);
  for (let i = 0; i < n; i++) {
    const card = cards[i]!;
    const row = rowOf.get(card.id) ?? -1;
    rows[i] = row;
    const o = row * CARD_FIELDS;
    const hasRecord = row >= 0 && k[o + CARD.recordPhase]! >= 0;
    const hasHistory = row >= 0 && k[o + CARD.hasHistory] === 1;
    const phase = hasRecord ? PHASES[k[o + CARD.recordPhase]!]! : 'new';
    const scheduled = hasRecord && phase !== 'new';
    const rehearsed = (hasHistory && k[o + CARD.reviews]! > 0) || (hasRecord && !Number.isNaN(k[o + CARD.lastReview]));
    const edited = hasHistory && digest.hashes[row] !== card.contentHash;
    let f = 0;
    if (scheduled) {
      f |= FLAG_SCHEDULED;
      const offset = dueOffsetOf(k[o + CARD.due]!);
      dueOffsets[i] = offset;
      if (offset === 0) counts.dueToday++;
      if (offset < FORECAST_DAYS) dueOn[offset]!++;
      if (phase === 'learning' || phase === 'relearning') counts.learning++;
      else if (phase === 'review') counts.review++;
    } else {
      dueOffsets[i] = -1;
      counts.new++;
    }
    if (edited) {
      f |= FLAG_EDITED;
      counts.edited++;
      editedCards.push(card.id);
    }
    if (toPrepare(card)) counts.toPrepare++;
    if (rehearsed) {
      f |= FLAG_REHEARSED;
      const r = hasRecord ? recallNow(o) : 0;
      recall[i] = r;
      const recent = recentOf(k, o, hasHistory);
      scores[i] = scoreOf(r, hasRecord ? k[o + CARD.lapses]! : 0, recent.againHard, recent.overtime);
    } else {
      scores[i] = NaN;
      counts.neverRehearsed++;
    }
    flags[i] = f;
  }

  // Weakest first: the sort keys are numbers; questions and ids (collation) only break ties.
  const lapsesOf = (i: number) => (rows[i]! >= 0 && k[rows[i]! * CARD_FIELDS + CARD.recordPhase]! >= 0 ? k[rows[i]! * CARD_FIELDS + CARD.lapses]! : 0);
  const recall3 = (i: number) => round(recall[i]!, 3);
  const weakerByNumbers = (a: number, b: number) => scores[b]! - scores[a]! || recall3(a) - recall3(b) || lapsesOf(b) - lapsesOf(a);
  const weaker = (a: number, b: number) => weakerByNumbers(a, b) || collate(cards[a]!.question, cards[b]!.question) || collate(cards[a]!.id, cards[b]!.id);
  const limit = options.limit ?? DEFAULT_WEAKEST_LIMIT;
  const shown = weakestIndices(n, (i) => (flags[i]! & FLAG_REHEARSED) !== 0, weakerByNumbers, weaker, limit);
  const weakest = shown.map((i, rank): WeakCard => {
    const card = cards[i]!;
    const o = rows[i]! * CARD_FIELDS;
    const hasRecord = rows[i]! >= 0 && k[o + CARD.recordPhase]! >= 0;
    const hasHistory = rows[i]! >= 0 && k[o + CARD.hasHistory] === 1;
    const recent = recentOf(k, o, hasHistory);
    const lastSeen = hasHistory ? k[o + CARD.lastAt]! : NaN;
    const recorded = hasRecord ? k[o + CARD.lastReview]! : NaN;
    // The later of the record's last review and the history's (the record's when they are equal).
    const lastAt = !Number.isNaN(recorded) && (Number.isNaN(lastSeen) || recorded >= lastSeen) ? recorded : Number.isNaN(lastSeen) ? recorded : lastSeen;
    const last = Number.isNaN(lastAt) ? null : new Date(lastAt);
    return {
      rank: rank + 1,
      id: card.id,
      question: card.question,
      file: card.file,
      line: card.line,
      tags: [...card.tags],
      company: card.company,
      score: scores[i]!,
      retrievability: recall3(i),
      lapses: lapsesOf(i),
      reviews: hasHistory ? k[o + CARD.counted]! : 0,
      againHardShare: round(recent.againHard, 3),
      overtime: round(recent.overtime, 3),
      averageSec: recent.count > 0 ? round(recent.averageSec, 1) : null,
      limitSec: card.timeLimitSec,
      lastReview: last ? last.toISOString() : null,
      lastReviewDay: last ? studyDay(new Date(last.toISOString()), timeZone) : null,
      due: (flags[i]! & FLAG_SCHEDULED) !== 0 ? new Date(k[o + CARD.due]!).toISOString() : null,
      phase: hasRecord ? PHASES[k[o + CARD.recordPhase]!]! : 'new',
      edited: (flags[i]! & FLAG_EDITED) !== 0,
    };
  });

  const dayAgo = digest.days.map((day) => todayOrdinal - dayOrdinal(day));
  const sumWithin = (days: number, field: number) => {
    let sum = 0;
    for (let d = 0; d < dayAgo.length; d++) if (dayAgo[d]! >= 0 && dayAgo[d]! < days) sum += digest.dayNums[d * DAY_FIELDS + field]!;
    return sum;
  };
  const retentionOver = (days: number): Rate => rate(sumWithin(days, 3), sumWithin(days, 4));
  const perDay = (days: number) => {
    // With --since inside the window, average over the days since then only.
    const windowDays = since === null ? days : Math.max(1, Math.min(days, todayOrdinal - dayOrdinal(since) + 1));
    return round(sumWithin(windowDays, 0) / windowDays, 1);
  };

  const totals = digest.totals;
  const overview: Overview = {
    today,
    since,
    cards: { total: n, ...counts },
    editedCards,
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
  digest.days.forEach((day, d) => dayRow.set(day, d));
  const history: HistoryDay[] = [];
  for (let day = firstDay; day <= today; day = addDays(day, 1)) {
    const d = dayRow.get(day);
    const x = d === undefined ? undefined : d * DAY_FIELDS;
    history.push(x === undefined ? { day, reviews: 0, again: 0, seconds: 0 } : { day, reviews: digest.dayNums[x]!, again: digest.dayNums[x + 1]!, seconds: Math.round(digest.dayNums[x + 2]!) });
  }

  // Groups: totals added card by card in deck order (the mean weakness is summed in that order too).
  interface Group {
    name: string | null;
    cards: number;
    new: number;
    dueToday: number;
    reviews: number;
    eligible: number;
    passed: number;
    scoreSum: number;
    scored: number;
  }
  const newGroups = () => new Map<string, Group>();
  const add = (groups: Map<string, Group>, key: string, name: string | null, i: number) => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { name, cards: 0, new: 0, dueToday: 0, reviews: 0, eligible: 0, passed: 0, scoreSum: 0, scored: 0 }));
    g.cards++;
    if ((flags[i]! & FLAG_SCHEDULED) === 0) g.new++;
    if (dueOffsets[i] === 0) g.dueToday++;
    const o = rows[i]! * CARD_FIELDS;
    if (rows[i]! >= 0 && k[o + CARD.hasHistory] === 1) {
      g.reviews += k[o + CARD.counted]!;
      g.eligible += k[o + CARD.eligible]!;
      g.passed += k[o + CARD.passed]!;
    }
    if (!Number.isNaN(scores[i])) {
      g.scoreSum += scores[i]!;
      g.scored++;
    }
  };
  const finish = (groups: Map<string, Group>): GroupStats[] =>
    [...groups.values()]
      .map((g): GroupStats => ({
        name: g.name,
        cards: g.cards,
        new: g.new,
        dueToday: g.dueToday,
        reviews: g.reviews,
        retention: rate(g.eligible, g.passed).rate,
        weakness: g.scored > 0 ? round(g.scoreSum / g.scored, 1) : null,
      }))
      .sort((a, b) => (b.weakness ?? -1) - (a.weakness ?? -1) || (a.name === null ? 1 : 0) - (b.name === null ? 1 : 0) || (a.name ?? '').localeCompare(b.name ?? ''));

  const NONE = '\u0000none';
  const tagKeys = new Map<string, string>(); // a few distinct tags across 10,000 cards: normalised once each
  const tagKey = (t: string) => {
    let key = tagKeys.get(t);
    if (key === undefined) tagKeys.set(t, (key = normalizeTag(t)));
    return key;
  };
  const companyKeys = new Map<string, string>();
  const tagGroups = newGroups();
  const companyGroups = newGroups();
  for (let i = 0; i < n; i++) {
    const card = cards[i]!;
    const tags = card.tags;
    if (tags.length === 0) add(tagGroups, NONE, null, i);
    for (let t = 0; t < tags.length; t++) {
      // Each key once per card, in first-seen order, named by its last spelling on the card.
      const key = tagKey(tags[t]!);
      let seen = false;
      for (let u = 0; u < t && !seen; u++) seen = tagKey(tags[u]!) === key;
      if (seen) continue;
      let name = tags[t]!;
      for (let u = t + 1; u < tags.length; u++) if (tagKey(tags[u]!) === key) name = tags[u]!;
      add(tagGroups, key, name, i);
    }
    const company = card.company;
    if (!company) add(companyGroups, NONE, null, i);
    else {
      let key = companyKeys.get(company);
      if (key === undefined) companyKeys.set(company, (key = company.normalize('NFKC').toLowerCase().trim()));
      add(companyGroups, key, company, i);
    }
  }
  const byTag = finish(tagGroups);
  const byCompany = finish(companyGroups);

  return { weakest, overview, forecast, history, byTag, byCompany };
}

/**
 * What the score takes from a card's recent reviews (at `o` in the card columns): the share graded
 * Again or Hard, the overtime part and the mean answer time, each summed in review order as the
 * plain definitions (share, overtimeOf, mean) do, so the numbers are identical to theirs.
 */
function recentOf(k: Float64Array, o: number, hasHistory: boolean): Readonly<typeof recentScratch> {
  const out = recentScratch; // reused: read before the next call
  const count = hasHistory ? k[o + CARD.recentCount]! : 0;
  out.count = count;
  if (count === 0) {
    out.againHard = out.overtime = out.averageSec = 0;
    return out;
  }
  let againHard = 0;
  let ratios = 0;
  let seconds = 0;
  for (let r = 0; r < count; r++) {
    const at = o + CARD.recent + 3 * r;
    if (k[at]! <= 2) againHard++;
    ratios += k[at + 1]! / 1000 / Math.max(1, k[at + 2]!); // ratioOf
    seconds += k[at + 1]! / 1000;
  }
  out.againHard = againHard / count;
  out.overtime = clamp01(ratios / count - 1);
  out.averageSec = seconds / count;
  return out;
}
const recentScratch = { count: 0, againHard: 0, overtime: 0, averageSec: 0 };

/**
 * The first `limit` of the indices passing `keep` in the order of `compare` (ties in index order),
 * as a stable sort and slice would give. `byNumbers` is `compare` without its last, slow keys (the
 * collation of questions and ids): the `limit` first by numbers are found by insertion, then only
 * they and whatever ties the last of them by numbers are sorted with `compare`.
 */
function weakestIndices(n: number, keep: (i: number) => boolean, byNumbers: (a: number, b: number) => number, compare: (a: number, b: number) => number, limit: number): number[] {
  if (!(Number.isInteger(limit) && limit > 0 && limit <= 100)) {
    const all: number[] = [];
    for (let i = 0; i < n; i++) if (keep(i)) all.push(i);
    return all.sort(compare).slice(0, limit);
  }
  const top: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!keep(i)) continue;
    if (top.length === limit && byNumbers(i, top[limit - 1]!) >= 0) continue;
    let at = top.length;
    while (at > 0 && byNumbers(i, top[at - 1]!) < 0) at--;
    top.splice(at, 0, i);
    if (top.length > limit) top.pop();
  }
  if (top.length < limit) return top.sort(compare);
  // Everything not worse by numbers than the last one kept may still be shown.
  const last = top[limit - 1]!;
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) if (keep(i) && byNumbers(i, last) <= 0) candidates.push(i);
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

/** String.prototype.localeCompare's own order, with the collator made once and only when a tie needs it (making one costs ~15 ms). */
let collator: Intl.Collator | undefined;
const collate = (a: string, b: string) => (collator ??= new Intl.Collator()).compare(a, b);
const ratioOf = (r: Pick<Review, 'elapsedMs' | 'timeLimitSec'>) => r.elapsedMs / 1000 / Math.max(1, r.timeLimitSec);
const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
