/**
 * The on-disk shape of the progress snapshot (`progress.json`) and of journal lines, validated with
 * zod (the `mini` build: same checks, a fraction of the start-up cost). Dates are ISO strings on disk
 * and `Date`s in memory: revived here, at the boundary, and nowhere else.
 */
import * as z from 'zod/mini';
import { PROGRESS_SCHEMA_VERSION, REATTACH_REASONS, type CardRecord, type LogEntry, type MemoryState, type ProgressData, type ProgressEvent, type ReattachReason, type Review } from '../core/progress-model.js';

/*
 * The zod schemas are built on first use: building them costs more start-up time than checking a
 * whole history by the plain checks below, and a valid file in prep's own layout never needs them.
 * zod still decides (and explains) whenever a plain check says no.
 */
function buildSchemas() {
  const isoDate = z.pipe(
    z.string().check(z.refine((s) => /^[+-]?\d{4,6}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)), 'not an ISO date')),
    z.transform((s: string) => new Date(s)),
  );
  const count = z.int().check(z.gte(0));
  const finite = z.number().check(z.refine((n) => Number.isFinite(n), 'not a finite number'));
  const id = z.string().check(z.minLength(1));

  const memorySchema = z.object({
    phase: z.enum(['new', 'learning', 'review', 'relearning']),
    due: isoDate,
    stability: finite,
    difficulty: finite,
    reps: count,
    lapses: count,
    learningSteps: count,
    scheduledDays: finite,
    lastReview: z.nullable(isoDate),
  });

  const cardSchema = z.object({
    id,
    question: z.string(),
    file: z.string(),
    contentHash: z.string(),
    memory: memorySchema,
  });

  const reviewSchema = z.object({
    seq: z.int().check(z.gte(1)),
    cardId: id,
    at: isoDate,
    grade: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
    elapsedMs: finite,
    timeLimitSec: finite,
    mode: z.enum(['scheduled', 'cram']),
    typed: z.boolean(),
    contentHash: z.string(),
  });

  const logSchema = z.discriminatedUnion('type', [
    z.object({ type: z.literal('edited'), at: isoDate, cardId: id, from: z.string(), to: z.string() }),
    z.object({ type: z.literal('reattached'), at: isoDate, from: id, to: id, reason: z.enum(REATTACH_REASONS) }),
    z.object({ type: z.literal('undone'), at: isoDate, seq: z.int(), cardId: id }),
  ]);

  const eventSchema = z.discriminatedUnion('type', [
    z.object({ type: z.literal('review'), review: reviewSchema, card: cardSchema }),
    z.object({ type: z.literal('undo'), seq: z.int(), cardId: id, at: isoDate, card: z.nullable(cardSchema) }),
    z.object({ type: z.literal('edited'), cardId: id, at: isoDate, from: z.string(), to: z.string() }),
    // Lines from before reasons were recorded have none: the same question, then the only reason.
    z.object({ type: z.literal('reattach'), from: id, to: id, at: isoDate, card: cardSchema, reason: z.optional(z.enum(REATTACH_REASONS)) }),
  ]);

  return {
    cardSchema,
    reviewSchema,
    /** One journal line: the event and the seq it was given (a review's own seq, else the next free one). */
    journalLineSchema: z.object({ seq: z.int().check(z.gte(1)), event: eventSchema }),
    /** The top level; `cards` and `reviews` (the bulk) are checked item by item below. */
    snapshotSchema: z.object({
      schemaVersion: z.literal(PROGRESS_SCHEMA_VERSION),
      lastSeq: count,
      cards: z.unknown(),
      reviews: z.array(z.unknown()),
      log: z.array(logSchema),
    }),
    /** The log alone: checked by zod when the rest of the top level passed the plain check. */
    logOnlySchema: z.object({ log: z.array(logSchema) }),
  };
}

let built: ReturnType<typeof buildSchemas> | undefined;
const schemas = () => (built ??= buildSchemas());

/*
 * Fast paths for the bulk of the file (100,000 reviews): a plain check of the common, valid shape.
 * Whenever it says no, zod decides (and explains), so the fast path can only ever be stricter than
 * the schemas above, never looser.
 */
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function fastDate(value: unknown): Date | null {
  if (typeof value !== 'string' || !ISO_UTC.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isFinite_ = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const PHASES = new Set(['new', 'learning', 'review', 'relearning']);
const REVIEW_KEYS = 9;
const MEMORY_KEYS = 9;
const CARD_KEYS = 5;

function fastReview(raw: unknown): Review | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (!isCount(r.seq) || r.seq < 1 || typeof r.cardId !== 'string' || r.cardId === '') return null;
  if (r.grade !== 1 && r.grade !== 2 && r.grade !== 3 && r.grade !== 4) return null;
  if (!isFinite_(r.elapsedMs) || !isFinite_(r.timeLimitSec) || (r.mode !== 'scheduled' && r.mode !== 'cram')) return null;
  if (typeof r.typed !== 'boolean' || typeof r.contentHash !== 'string' || Object.keys(r).length !== REVIEW_KEYS) return null;
  const at = fastDate(r.at);
  if (at === null) return null;
  // Exactly the nine fields, all checked: the parsed object becomes the review (no copy of 100,000).
  r.at = at;
  return r as unknown as Review;
}

function fastCard(raw: unknown): CardRecord | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const c = raw as Record<string, unknown>;
  if (typeof c.id !== 'string' || c.id === '' || typeof c.question !== 'string' || typeof c.file !== 'string' || typeof c.contentHash !== 'string') return null;
  if (Object.keys(c).length !== CARD_KEYS || typeof c.memory !== 'object' || c.memory === null) return null;
  const m = c.memory as Record<string, unknown>;
  if (typeof m.phase !== 'string' || !PHASES.has(m.phase) || !isFinite_(m.stability) || !isFinite_(m.difficulty) || !isFinite_(m.scheduledDays)) return null;
  if (!isCount(m.reps) || !isCount(m.lapses) || !isCount(m.learningSteps) || Object.keys(m).length !== MEMORY_KEYS) return null;
  const due = fastDate(m.due);
  const lastReview = m.lastReview === null ? null : fastDate(m.lastReview);
  if (due === null || (m.lastReview !== null && lastReview === null)) return null;
  return {
    id: c.id,
    question: c.question,
    file: c.file,
    contentHash: c.contentHash,
    memory: { phase: m.phase as MemoryState['phase'], due, stability: m.stability, difficulty: m.difficulty, reps: m.reps, lapses: m.lapses, learningSteps: m.learningSteps, scheduledDays: m.scheduledDays, lastReview },
  };
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isReattachReason = (v: unknown): v is ReattachReason => (REATTACH_REASONS as readonly unknown[]).includes(v);

function fastLogEntry(raw: unknown): LogEntry | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const e = raw as Record<string, unknown>;
  const keys = Object.keys(e).length;
  const at = fastDate(e.at);
  if (at === null || keys !== 5 - (e.type === 'undone' ? 1 : 0)) return null;
  if (e.type === 'edited' && nonEmpty(e.cardId) && typeof e.from === 'string' && typeof e.to === 'string') return { type: 'edited', at, cardId: e.cardId, from: e.from, to: e.to };
  if (e.type === 'reattached' && nonEmpty(e.from) && nonEmpty(e.to) && isReattachReason(e.reason)) return { type: 'reattached', at, from: e.from, to: e.to, reason: e.reason };
  if (e.type === 'undone' && Number.isSafeInteger(e.seq) && nonEmpty(e.cardId)) return { type: 'undone', at, seq: e.seq as number, cardId: e.cardId };
  return null;
}

/** The log by the plain check; null when any entry needs zod (which then checks and explains the whole log). */
function fastLog(raw: unknown): { success: true; data: { log: LogEntry[] } } | null {
  if (!Array.isArray(raw)) return null;
  const log: LogEntry[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const entry = fastLogEntry(raw[i]);
    if (entry === null) return null;
    log[i] = entry;
  }
  return { success: true, data: { log } };
}

export type SnapshotCheck = { ok: true; data: ProgressData } | { ok: false; reason: string; newerVersion?: number };

function describe(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const where = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return `${issue.message}${where}`;
}

/** Validates a parsed snapshot and revives its dates (in place: `value` is used up). Never throws. */
export function snapshotFromJson(value: unknown): SnapshotCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' };
  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version === 'number' && Number.isInteger(version) && version > PROGRESS_SCHEMA_VERSION) {
    return { ok: false, reason: `schema version ${version} is newer than this prep understands (${PROGRESS_SCHEMA_VERSION})`, newerVersion: version };
  }
  if (version !== PROGRESS_SCHEMA_VERSION) return { ok: false, reason: `schemaVersion is ${JSON.stringify(version) ?? 'missing'}, expected ${PROGRESS_SCHEMA_VERSION}` };
  // The top level by hand when it has the usual shape (zod would walk all 100,000 reviews just to
  // see an array of unknowns); otherwise zod decides and explains.
  let parsed: { data: { lastSeq: number; cards: unknown; reviews: unknown[]; log: unknown[] } };
  const top = value as Record<string, unknown>;
  const log = isCount(top.lastSeq) && Array.isArray(top.reviews) && 'cards' in top && Object.keys(top).length === 5 ? fastLog(top.log) ?? z.safeParse(schemas().logOnlySchema, { log: top.log }) : null;
  if (log?.success) {
    parsed = { data: { lastSeq: top.lastSeq as number, cards: top.cards, reviews: top.reviews as unknown[], log: log.data.log } };
  } else {
    const checked = z.safeParse(schemas().snapshotSchema, value);
    if (!checked.success) return { ok: false, reason: describe(checked.error) };
    parsed = checked;
  }
  // Card ids are keys: build the map without a prototype so an id like "__proto__" is just an id.
  const cards = Object.create(null) as Record<string, CardRecord>;
  const rawCards = parsed.data.cards;
  if (typeof rawCards !== 'object' || rawCards === null || Array.isArray(rawCards)) return { ok: false, reason: 'cards is not an object' };
  // Entries of the raw JSON.parse output: "__proto__" there is an own key like any other.
  for (const [key, raw] of Object.entries(rawCards)) {
    let record = fastCard(raw);
    if (record === null) {
      const card = z.safeParse(schemas().cardSchema, raw);
      if (!card.success) return { ok: false, reason: `${describe(card.error)} in card ${JSON.stringify(key)}` };
      record = card.data;
    }
    if (record.id !== key) return { ok: false, reason: `card ${JSON.stringify(key)} has id ${JSON.stringify(record.id)}` };
    cards[key] = record;
  }
  const lastSeq = parsed.data.lastSeq;
  const rawReviews = parsed.data.reviews;
  const reviews: Review[] = new Array(rawReviews.length);
  for (let i = 0; i < rawReviews.length; i++) {
    let review = fastReview(rawReviews[i]);
    if (review === null) {
      const checked = z.safeParse(schemas().reviewSchema, rawReviews[i]);
      if (!checked.success) return { ok: false, reason: `${describe(checked.error)} in review ${i + 1}` };
      review = checked.data;
    }
    if (review.seq > lastSeq) return { ok: false, reason: `review seq ${review.seq} is above lastSeq ${lastSeq}` };
    reviews[i] = review;
    rawReviews[i] = undefined; // the parsed tree can go while the rest is revived
  }
  return { ok: true, data: { schemaVersion: PROGRESS_SCHEMA_VERSION, lastSeq, cards, reviews, log: parsed.data.log as LogEntry[] } };
}

/*
 * A big snapshot as serializeSnapshot lays it out (one review per line between `"reviews": [` and
 * `],\n  "log": [`) is read in slices of about a megabyte: the rest of the file is parsed and
 * checked as usual, and the reviews slice by slice, so the whole history never exists as one text and
 * one parsed tree at once (peak memory). Each slice ends at a `,\n    {` between two reviews (JSON
 * strings hold no raw newline, so that is never inside a value), and a slice that is not a valid
 * array on its own means the layout is not ours. Any doubt returns null: the caller then takes
 * JSON.parse + snapshotFromJson, which decides and explains, so this never accepts more.
 */
const REVIEWS_OPEN = '\n  "reviews": [';
const REVIEWS_CLOSE = '],\n  "log": [';
const BETWEEN_REVIEWS = ',\n    {';
const SLICE_BYTES = 1 << 20;
/** Reviews text parsed at a time by snapshotFromChunks: under V8's large-object size (128 KB). */
const PIECE_BYTES = 1 << 16;

export interface SnapshotLayout {
  /** The snapshot checked and revived without its reviews (`data.reviews` is empty). */
  data: ProgressData;
  /** Byte range of the reviews' lines: from after `"reviews": [` up to `],` before the log. */
  reviewsStart: number;
  reviewsEnd: number;
}

/** Where the bulk of a snapshot in serializeSnapshot's layout lies: the reviews' lines and the log's. */
export interface BulkOffsets {
  reviewsStart: number;
  reviewsEnd: number;
  /** Byte range of the log's lines, between `"log": [` and the `]` that ends the file. */
  logStart: number;
  logEnd: number;
}

const SNAPSHOT_END = ']\n}\n';

/** The bulk's offsets in a snapshot in prep's own layout (each marker found once); null otherwise. */
export function bulkOffsets(bytes: Buffer): BulkOffsets | null {
  const open = bytes.indexOf(REVIEWS_OPEN);
  if (open === -1 || bytes.indexOf(REVIEWS_OPEN, open + 1) !== -1) return null;
  const reviewsStart = open + REVIEWS_OPEN.length;
  const reviewsEnd = bytes.indexOf(REVIEWS_CLOSE, reviewsStart);
  if (reviewsEnd === -1) return null;
  const logStart = reviewsEnd + REVIEWS_CLOSE.length;
  const logEnd = bytes.length - SNAPSHOT_END.length;
  if (logEnd < logStart || bytes.toString('utf8', logEnd) !== SNAPSHOT_END) return null;
  return { reviewsStart, reviewsEnd, logStart, logEnd };
}

/**
 * A snapshot's top level written without its reviews (`"reviews": []`), checked as snapshotFromJson
 * checks it; null when it does not parse, does not pass, or holds reviews after all.
 */
function topLevel(text: string): ProgressData | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const checked = snapshotFromJson(raw);
  return checked.ok && checked.data.reviews.length === 0 ? checked.data : null;
}

/**
 * A snapshot whose bytes were checked whole before (the caller knows them by their hash), at the
 * offsets recorded then: the top level and the cards are parsed and checked as always; the reviews
 * and the log stay bytes (reviewsFromBytes, logFromBytes). Null when the markers are not there.
 */
export function snapshotWithoutBulk(bytes: Buffer, at: BulkOffsets): SnapshotLayout | null {
  const marks: Array<[number, string]> = [[at.reviewsStart - REVIEWS_OPEN.length, REVIEWS_OPEN], [at.reviewsEnd, REVIEWS_CLOSE], [at.logEnd, SNAPSHOT_END]];
  for (const [where, mark] of marks) if (where < 0 || bytes.toString('utf8', where, where + Buffer.byteLength(mark)) !== mark) return null;
  if (at.logStart !== at.reviewsEnd + REVIEWS_CLOSE.length || at.logEnd !== bytes.length - SNAPSHOT_END.length) return null;
  const data = topLevel(`${bytes.toString('utf8', 0, at.reviewsStart)}${REVIEWS_CLOSE}${SNAPSHOT_END}`);
  if (data === null || data.log.length !== 0) return null;
  return { data, reviewsStart: at.reviewsStart, reviewsEnd: at.reviewsEnd };
}

/** The log between `start` and `end` (bulkOffsets), checked as snapshotFromJson checks it; null when it does not pass. */
export function logFromBytes(bytes: Buffer, start: number, end: number): LogEntry[] | null {
  let raw: unknown;
  try {
    raw = JSON.parse(`[${bytes.toString('utf8', start, end)}]`);
  } catch {
    return null;
  }
  const fast = fastLog(raw);
  if (fast) return fast.data.log;
  const checked = z.safeParse(schemas().logOnlySchema, { log: raw });
  return checked.success ? (checked.data.log as LogEntry[]) : null;
}

/** A big snapshot in serializeSnapshot's layout, checked except for its reviews; null when it is not that. */
function snapshotWithoutReviews(bytes: Buffer): SnapshotLayout | null {
  if (bytes.length < SLICE_BYTES) return null; // small: one JSON.parse is as good
  const open = bytes.indexOf(REVIEWS_OPEN);
  if (open === -1 || bytes.indexOf(REVIEWS_OPEN, open + 1) !== -1) return null;
  const reviewsStart = open + REVIEWS_OPEN.length;
  const reviewsEnd = bytes.indexOf(REVIEWS_CLOSE, reviewsStart);
  if (reviewsEnd === -1) return null;
  const data = topLevel(`${bytes.toString('utf8', 0, reviewsStart)}${bytes.toString('utf8', reviewsEnd)}`);
  return data === null ? null : { data, reviewsStart, reviewsEnd };
}

/**
 * Each review in `text` (reviews as the snapshot writes them, comma-separated, without the
 * brackets), checked as snapshotFromJson checks it, handed to `each` in order. False when the text
 * does not parse, a review does not check out, or `each` returns false.
 */
function eachReviewIn(text: string, each: (review: Review) => boolean): boolean {
  let raw: unknown;
  try {
    raw = JSON.parse(`[${text}]`);
  } catch {
    return false;
  }
  if (!Array.isArray(raw)) return false;
  for (const item of raw) {
    let review = fastReview(item);
    if (review === null) {
      const one = z.safeParse(schemas().reviewSchema, item);
      if (!one.success) return false;
      review = one.data;
    }
    if (!each(review)) return false;
  }
  return true;
}

/** The reviews of a layout, each checked as snapshotFromJson checks it; null at the first doubt. */
export function reviewsFromBytes(bytes: Buffer, layout: SnapshotLayout): Review[] | null {
  const { lastSeq, cards } = layout.data;
  const close = layout.reviewsEnd;
  const reviews: Review[] = [];
  const hashes = new Map<string, string>();
  let start = layout.reviewsStart;
  while (start < close) {
    let end = bytes.indexOf(BETWEEN_REVIEWS, Math.min(start + SLICE_BYTES, close));
    if (end === -1 || end > close) end = close;
    const ok = eachReviewIn(bytes.toString('utf8', start, end), (review) => {
      if (review.seq > lastSeq) return false;
      // One string per card id and per answer hash, not one per review: the history stays in memory.
      review.cardId = (Object.hasOwn(cards, review.cardId) ? cards[review.cardId]!.id : undefined) ?? review.cardId;
      const hash = hashes.get(review.contentHash);
      if (hash === undefined) hashes.set(review.contentHash, review.contentHash);
      else review.contentHash = hash;
      reviews.push(review);
      return true;
    });
    if (!ok) return null;
    start = end === close ? close : end + 1; // past the comma
  }
  return reviews;
}

export function snapshotFromBytes(bytes: Buffer): SnapshotCheck | null {
  const layout = snapshotWithoutReviews(bytes);
  if (layout === null) return null;
  const reviews = reviewsFromBytes(bytes, layout);
  if (reviews === null) return null;
  layout.data.reviews = reviews;
  return { ok: true, data: layout.data };
}

/**
 * snapshotFromBytes for a big snapshot read a piece at a time (`read` fills `target` at `offset` with
 * up to `length` bytes from `position`, as fs.readSync, at most 1 MB a call): the head (top level and
 * cards) and the tail (the log) are parsed and checked whole as snapshotWithoutReviews does; the
 * reviews slice by slice as they come, through one reused window, each checked as reviewsFromBytes
 * checks it and handed to `sink` (in file order), never all in memory at once. Null at any doubt (the
 * caller then reads the file whole, which decides and explains), possibly after some reviews went to `sink`.
 */
export function snapshotFromChunks(size: number, read: (target: Buffer, offset: number, length: number, position: number) => number, sink: (review: Review) => void): SnapshotCheck | null {
  if (size < SLICE_BYTES) return null; // small: one JSON.parse is as good
  let position = 0;
  /** Appends up to a slice of the file to `window` after its first `used` bytes (grown when full); the bytes read, 0 at the end. */
  let window = Buffer.allocUnsafe(2 * SLICE_BYTES);
  let used = 0;
  const more = (): number => {
    if (position >= size) return 0;
    if (window.length - used < SLICE_BYTES) {
      const larger = Buffer.allocUnsafe(2 * window.length);
      window.copy(larger, 0, 0, used);
      window = larger;
    }
    const n = read(window, used, Math.min(SLICE_BYTES, size - position), position);
    position += n;
    used += n;
    return n;
  };
  // The head, up to `"reviews": [` (found once).
  let open = -1;
  while (open === -1) {
    const from = Math.max(0, used - REVIEWS_OPEN.length);
    if (more() === 0) return null;
    open = window.subarray(0, used).indexOf(REVIEWS_OPEN, from);
  }
  if (window.subarray(0, used).indexOf(REVIEWS_OPEN, open + 1) !== -1) return null;
  const reviewsStart = open + REVIEWS_OPEN.length;
  const prefix = window.toString('utf8', 0, reviewsStart);
  const drop = (bytes: number) => {
    window.copyWithin(0, bytes, used);
    used -= bytes;
  };
  drop(reviewsStart);
  // The reviews: what was read up to its last review start, until the `],` that ends them.
  let maxSeq = 0;
  const slice = (start: number, end: number): boolean => {
    const bytes = window.subarray(start, end);
    if (bytes.indexOf(REVIEWS_OPEN) !== -1) return false;
    return eachReviewIn(bytes.toString('utf8'), (review) => {
      maxSeq = Math.max(maxSeq, review.seq);
      sink(review);
      return true;
    });
  };
  /**
   * Parses the whole reviews before `end` in pieces of about PIECE_BYTES, cut where a review starts:
   * each piece's text stays an ordinary young object, garbage at the next scavenge, where a megabyte
   * string would be a large object only a full GC frees. Where the rest begins; -1 at a doubt.
   */
  const pieces = (pending: Buffer, end: number): number => {
    let from = 0;
    for (;;) {
      let cut = pending.lastIndexOf(BETWEEN_REVIEWS, from + PIECE_BYTES);
      if (cut <= from) cut = pending.indexOf(BETWEEN_REVIEWS, from + 1);
      if (cut === -1 || cut >= end) return from;
      if (!slice(from, cut)) return -1;
      from = cut + 1; // past the comma
    }
  };
  let searched = 0;
  for (;;) {
    const pending = window.subarray(0, used);
    const close = pending.indexOf(REVIEWS_CLOSE, Math.max(0, searched - REVIEWS_CLOSE.length));
    if (close !== -1) {
      const from = pieces(pending, close);
      if (from < 0 || (close > from && !slice(from, close))) return null;
      drop(close);
      break;
    }
    const from = pieces(pending, pending.length);
    if (from < 0) return null;
    drop(from);
    searched = used;
    if (more() === 0) return null;
  }
  // The tail: `],` and the log, to the end.
  while (more() > 0);
  const rest = window.subarray(0, used);
  if (rest.indexOf(REVIEWS_OPEN) !== -1) return null;
  const data = topLevel(`${prefix}${rest.toString('utf8')}`);
  return data === null || maxSeq > data.lastSeq ? null : { ok: true, data };
}

/**
 * The reviews of a layout dated from `sinceMs` on, in file order, read from the end of the file
 * back to where every earlier review must be older: a review is never more than `disorderMs` older
 * than one before it (0 when the reviews are in time order). What a drill needs of a long history
 * before its first question. Only for bytes already checked whole (the caller knows them by their
 * hash); null at any doubt.
 */
export function reviewsSinceFromBytes(bytes: Buffer, layout: SnapshotLayout, sinceMs: number, disorderMs: number): Review[] | null {
  const out: Review[] = [];
  let end = layout.reviewsEnd;
  while (end > layout.reviewsStart) {
    const comma = bytes.lastIndexOf(BETWEEN_REVIEWS, end - 1);
    const start = comma < layout.reviewsStart ? layout.reviewsStart : comma + 1;
    let review: Review | null;
    try {
      review = fastReview(JSON.parse(bytes.toString('utf8', start, end)));
    } catch {
      return null;
    }
    if (review === null || review.seq > layout.data.lastSeq) return null;
    const at = review.at.getTime();
    if (at + disorderMs < sinceMs) break;
    if (at >= sinceMs) out.push(review);
    end = comma < layout.reviewsStart ? layout.reviewsStart : comma;
  }
  return out.reverse();
}

export type JournalLineCheck = { ok: true; seq: number; event: ProgressEvent } | { ok: false; reason: string };

/** A journal event by the plain checks (exact keys, as serializeJournalLine writes them); null: zod decides. */
function fastEvent(raw: unknown): ProgressEvent | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const e = raw as Record<string, unknown>;
  const keys = Object.keys(e).length;
  if (e.type === 'review') {
    if (keys !== 3) return null;
    // The card first: fastReview takes over the parsed review, which zod must still see as read when the card fails.
    const card = fastCard(e.card);
    const review = card && fastReview(e.review);
    return review && card ? { type: 'review', review, card } : null;
  }
  const at = fastDate(e.at);
  if (e.type === 'reattach' && at !== null && nonEmpty(e.from) && nonEmpty(e.to) && (keys === 5 ? e.reason === undefined : keys === 6 && isReattachReason(e.reason))) {
    const card = fastCard(e.card);
    return card ? { type: 'reattach', from: e.from, to: e.to, at, card, reason: isReattachReason(e.reason) ? e.reason : 'same-question' } : null;
  }
  if (at === null || keys !== 5) return null;
  if (e.type === 'undo' && Number.isSafeInteger(e.seq) && nonEmpty(e.cardId)) {
    const card = e.card === null ? null : fastCard(e.card);
    return e.card === null || card !== null ? { type: 'undo', seq: e.seq as number, cardId: e.cardId, at, card } : null;
  }
  if (e.type === 'edited' && nonEmpty(e.cardId) && typeof e.from === 'string' && typeof e.to === 'string') return { type: 'edited', cardId: e.cardId, at, from: e.from, to: e.to };
  return null;
}

/** Checks a parsed journal line; its objects may become the event's (`value` is used up). */
export function journalLineFromJson(value: unknown): JournalLineCheck {
  // Every grade is checked this way before it is written, and every journal line when it is read:
  // the plain check first, zod (which explains) only when it says no.
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 2) {
    const line = value as { seq?: unknown; event?: unknown };
    const event = isCount(line.seq) && line.seq >= 1 ? fastEvent(line.event) : null;
    if (event !== null && (event.type !== 'review' || event.review.seq === line.seq)) return { ok: true, seq: line.seq as number, event };
  }
  const parsed = z.safeParse(schemas().journalLineSchema, value);
  if (!parsed.success) return { ok: false, reason: describe(parsed.error) };
  const { seq, event } = parsed.data;
  if (event.type === 'review' && event.review.seq !== seq) return { ok: false, reason: `review seq ${event.review.seq} does not match line seq ${seq}` };
  if (event.type === 'reattach') return { ok: true, seq, event: { ...event, reason: event.reason ?? 'same-question' } };
  return { ok: true, seq, event: event as ProgressEvent };
}

/**
 * The snapshot as text: valid JSON, one card or review per line, so it stays readable (and diffable)
 * at 100,000 reviews without the bulk of full pretty-printing. Dates become ISO strings.
 */
export function serializeSnapshot(data: ProgressData): string {
  const list = (items: string[], indent: string) => (items.length === 0 ? '' : `\n${indent}${items.join(`,\n${indent}`)}\n  `);
  const cards = Object.keys(data.cards).map((key) => `${JSON.stringify(key)}: ${JSON.stringify(data.cards[key])}`);
  const reviews = data.reviews.map(reviewJson);
  const log = data.log.map((entry) => JSON.stringify(entry));
  return `{\n  "schemaVersion": ${PROGRESS_SCHEMA_VERSION},\n  "lastSeq": ${data.lastSeq},\n  "cards": {${list(cards, '    ')}},\n  "reviews": [${list(reviews, '    ')}],\n  "log": [${list(log, '    ')}]\n}\n`;
}

/** JSON.stringify(review), written out: the snapshot holds 100,000 of them. */
function reviewJson(r: Review): string {
  return `{"seq":${r.seq},"cardId":${JSON.stringify(r.cardId)},"at":"${r.at.toISOString()}","grade":${r.grade},"elapsedMs":${JSON.stringify(r.elapsedMs)},"timeLimitSec":${JSON.stringify(r.timeLimitSec)},"mode":"${r.mode}","typed":${r.typed},"contentHash":${JSON.stringify(r.contentHash)}}`;
}

export function serializeJournalLine(seq: number, event: ProgressEvent): string {
  return `${JSON.stringify({ seq, event })}\n`;
}
