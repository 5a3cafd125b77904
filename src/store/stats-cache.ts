/**
 * The stats digest cache (`.prep/cache/stats-digest`): the whole history folded as `prep stats`
 * needs it (core/stats.ts `ProgressDigest`), so a warm `prep stats` reads neither the 100,000
 * reviews of progress.json nor replays them.
 *
 * Trust: the header names the format version, the build of the stats code, the progress file, the
 * time zone (and tz data), the snapshot's stamp (size, mtime, ctime, inode) and how much of the
 * journal was folded in (its inode, length and a SHA-256 of those bytes); the payload carries a
 * SHA-256, and every value is type-checked. A snapshot that changed means a full read. A journal
 * that only grew is read from where the digest stopped: its new review lines are validated (the
 * store's own journal parser) and folded in, when they come after everything folded so far; any
 * other event, a review out of order, or a journal that does not parse means a full read.
 * The progress file is only ever read here; the cache is written atomically and is never required.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CardRecord, FsrsPhase, Grade } from '../core/progress-model.js';
import { digestProgress, emptyDigest, reviewFolder, RECENT_REVIEWS, type CardDigest, type DayDigest, type ProgressDigest, type RecentReview } from '../core/stats.js';
import { writeFileAtomic } from './atomic-write.js';
import { nodeFs } from './fs-layer.js';
import { journalFileFor, parseJournal } from './journal.js';
import { readProgress } from './progress.js';

export const STATS_CACHE_NAME = 'stats-digest';
export const STATS_CACHE_VERSION = 1;
const MAGIC = 'prep-stats-digest';

declare const __PREP_STATS_BUILD_ID__: string | undefined;
/** Identifies the stats code of this build (set by scripts/build.mjs): a new prep never trusts an old digest. */
export const STATS_BUILD_ID: string = typeof __PREP_STATS_BUILD_ID__ === 'string' ? __PREP_STATS_BUILD_ID__ : 'source';

interface Stamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

interface Header {
  magic: string;
  version: number;
  build: string;
  file: string;
  zone: string;
  tzdata: string;
  snapshot: Stamp | null;
  journal: { ino: number; length: number; sha256: string } | null;
  /** Highest seq in the history folded in (journal lines at or below it are already in). */
  lastSeq: number;
  payloadSha256: string;
}

export interface StatsDigestLoad {
  digest: ProgressDigest;
  /** 'cache': as stored; 'journal': stored, plus new journal lines; 'full': progress.json read. */
  source: 'cache' | 'journal' | 'full';
}

/**
 * The digest of the whole history in `progressFile` (no --since, every card), in the machine's time
 * zone, through the cache in `cacheDir`. Throws what readProgress throws for a file it cannot use.
 */
export function loadStatsDigest(progressFile: string, cacheDir: string): StatsDigestLoad {
  const file = path.resolve(progressFile);
  const cacheFile = path.join(cacheDir, STATS_CACHE_NAME);
  const fromCache = tryCache(file, cacheFile);
  if (fromCache) return fromCache;
  // Full read; the cache is written only when nothing changed while reading.
  const before = stamps(file);
  const data = readProgress(file);
  const digest = digestProgress(data, {});
  const journalBytes = readOrNull(journalFileFor(file));
  const after = stamps(file);
  if (sameStamps(before, after) && journalBytes !== null === (after.journal !== null) && (journalBytes?.length ?? 0) === (after.journal?.size ?? 0)) {
    let journal: Header['journal'] = null;
    let ok = true;
    if (journalBytes !== null && after.journal) {
      const parsed = parseJournal(journalBytes);
      if (parsed.ok) journal = { ino: after.journal.ino, length: parsed.goodLength, sha256: sha256(journalBytes.subarray(0, parsed.goodLength)) };
      else ok = false;
    }
    if (ok) save(cacheFile, file, after.snapshot, journal, data.lastSeq, digest);
  }
  return { digest, source: 'full' };
}

function tryCache(file: string, cacheFile: string): StatsDigestLoad | undefined {
  let buffer: Buffer;
  try {
    buffer = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  try {
    const newline = buffer.indexOf(0x0a);
    if (newline < 0 || newline > 4096) return undefined;
    const header = JSON.parse(buffer.subarray(0, newline).toString('utf8')) as Header;
    const now = stamps(file);
    if (
      typeof header !== 'object' ||
      header === null ||
      header.magic !== MAGIC ||
      header.version !== STATS_CACHE_VERSION ||
      header.build !== STATS_BUILD_ID ||
      header.file !== file ||
      header.zone !== zone() ||
      header.tzdata !== (process.versions.tz ?? '') ||
      !sameStamp(header.snapshot, now.snapshot) ||
      typeof header.lastSeq !== 'number'
    ) {
      return undefined;
    }
    const journalPath = journalFileFor(file);
    const folded = header.journal?.length ?? 0;
    let tail: Buffer | undefined;
    if (now.journal !== null && now.journal.size > 0) {
      if (folded > 0 && (header.journal!.ino !== now.journal.ino || now.journal.size < folded)) return undefined;
      const bytes = readOrNull(journalPath);
      if (bytes === null) return undefined;
      if (folded > 0 && sha256(bytes.subarray(0, folded)) !== header.journal!.sha256) return undefined;
      tail = bytes.subarray(folded);
      // The snapshot must not have been replaced (compaction) while we read.
      if (!sameStamp(header.snapshot, stamps(file).snapshot)) return undefined;
      if (tail.length === 0) tail = undefined;
    } else if (folded > 0) {
      return undefined; // the journal was emptied or removed: only compaction does that, and it replaces the snapshot
    }
    const payload = buffer.subarray(newline + 1);
    if (sha256(payload) !== header.payloadSha256) return undefined;
    const digest = decode(JSON.parse(payload.toString('utf8')));
    if (!tail) return { digest, source: 'cache' };
    // Fold in the journal lines written since.
    const parsed = parseJournal(tail);
    if (!parsed.ok) return undefined;
    const fold = reviewFolder(digest);
    let lastSeq = header.lastSeq;
    for (const entry of parsed.entries) {
      if (entry.seq <= lastSeq) continue; // already in (as the store skips it)
      const event = entry.event;
      if (event.type === 'review') {
        if (!fold(event.review)) return undefined;
        digest.records[event.card.id] = { memory: event.card.memory };
        digest.allReviews++;
      } else if (event.type !== 'edited') {
        return undefined; // undo and reattach rewrite history: start over
      }
      lastSeq = entry.seq;
    }
    if (parsed.goodLength > 0) {
      const bytes = readOrNull(journalPath)!;
      const length = folded + parsed.goodLength;
      save(cacheFile, file, now.snapshot, { ino: now.journal!.ino, length, sha256: sha256(bytes.subarray(0, length)) }, lastSeq, digest);
    }
    return { digest, source: 'journal' };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding: arrays, not objects (10,000 cards)

const PHASES: readonly FsrsPhase[] = ['new', 'learning', 'review', 'relearning'];
type Json = unknown;

function encode(d: ProgressDigest): Json {
  const records: Json[] = [];
  for (const [id, r] of Object.entries(d.records)) {
    const m = r.memory;
    records.push([id, PHASES.indexOf(m.phase), m.due.getTime(), m.stability, m.difficulty, m.reps, m.lapses, m.learningSteps, m.scheduledDays, m.lastReview === null ? null : m.lastReview.getTime()]);
  }
  const cards: Json[] = [];
  for (const [id, c] of d.cards) cards.push([id, c.reviews, c.counted, c.lastAt, c.lastSeq, c.lastHash, c.recent.flatMap((r) => [r.grade, r.elapsedMs, r.timeLimitSec]), c.eligible, c.passed, PHASES.indexOf(c.phase), c.steps]);
  const days: Json[] = [];
  for (const [day, x] of d.days) days.push([day, x.reviews, x.again, x.seconds, x.eligible, x.passed]);
  const t = d.totals;
  return { records, cards, days, totals: [t.reviews, t.scheduled, t.cram, t.seconds, t.limitSec, t.ratio, t.over], allReviews: d.allReviews, lastAt: Number.isFinite(d.lastAt) ? d.lastAt : null, lastSeq: d.lastSeq };
}

class Corrupt extends Error {}
const num = (v: unknown): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Corrupt();
  return v;
};
const int = (v: unknown): number => {
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw new Corrupt();
  return v as number;
};
const str = (v: unknown): string => {
  if (typeof v !== 'string') throw new Corrupt();
  return v;
};
const arr = (v: unknown, length?: number): unknown[] => {
  if (!Array.isArray(v) || (length !== undefined && v.length !== length)) throw new Corrupt();
  return v;
};
const phase = (v: unknown): FsrsPhase => {
  const p = PHASES[int(v)];
  if (p === undefined) throw new Corrupt();
  return p;
};

function decode(raw: unknown): ProgressDigest {
  if (typeof raw !== 'object' || raw === null) throw new Corrupt();
  const o = raw as Record<string, unknown>;
  const records = Object.create(null) as Record<string, Pick<CardRecord, 'memory'>>;
  for (const item of arr(o.records)) {
    const [id, ph, due, stability, difficulty, reps, lapses, steps, scheduledDays, last] = arr(item, 10);
    records[str(id)] = {
      memory: { phase: phase(ph), due: new Date(num(due)), stability: num(stability), difficulty: num(difficulty), reps: int(reps), lapses: int(lapses), learningSteps: int(steps), scheduledDays: num(scheduledDays), lastReview: last === null ? null : new Date(num(last)) },
    };
  }
  const digest = emptyDigest(records, undefined, null);
  for (const item of arr(o.cards)) {
    const [id, reviews, counted, lastAt, lastSeq, lastHash, recentFlat, eligible, passed, ph, steps] = arr(item, 11);
    const flat = arr(recentFlat);
    if (flat.length % 3 !== 0 || flat.length > 3 * RECENT_REVIEWS) throw new Corrupt();
    const recent: RecentReview[] = [];
    for (let i = 0; i < flat.length; i += 3) {
      const grade = flat[i];
      if (grade !== 1 && grade !== 2 && grade !== 3 && grade !== 4) throw new Corrupt();
      recent.push({ grade: grade as Grade, elapsedMs: num(flat[i + 1]), timeLimitSec: num(flat[i + 2]) });
    }
    const card: CardDigest = { reviews: int(reviews), counted: int(counted), lastAt: num(lastAt), lastSeq: int(lastSeq), lastHash: str(lastHash), recent, eligible: int(eligible), passed: int(passed), phase: phase(ph), steps: int(steps) };
    if (digest.cards.has(str(id))) throw new Corrupt();
    digest.cards.set(str(id), card);
  }
  for (const item of arr(o.days)) {
    const [day, reviews, again, seconds, eligible, passed] = arr(item, 6);
    const d: DayDigest = { reviews: int(reviews), again: int(again), seconds: num(seconds), eligible: int(eligible), passed: int(passed) };
    if (!/^\d{4}-\d\d-\d\d$/.test(str(day)) || digest.days.has(day as string)) throw new Corrupt();
    digest.days.set(day as string, d);
  }
  const [reviews, scheduled, cram, seconds, limitSec, ratio, over] = arr(o.totals, 7);
  digest.totals = { reviews: int(reviews), scheduled: int(scheduled), cram: int(cram), seconds: num(seconds), limitSec: num(limitSec), ratio: num(ratio), over: int(over) };
  digest.allReviews = int(o.allReviews);
  digest.lastAt = o.lastAt === null ? -Infinity : num(o.lastAt);
  digest.lastSeq = int(o.lastSeq);
  return digest;
}

// ---------------------------------------------------------------------------------------------
// Files

function zone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
}

function stampOf(file: string): Stamp | null {
  try {
    const s = statSync(file);
    return { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino };
  } catch {
    return null;
  }
}

function stamps(file: string): { snapshot: Stamp | null; journal: Stamp | null } {
  return { snapshot: stampOf(file), journal: stampOf(journalFileFor(file)) };
}

function sameStamp(a: Stamp | null | undefined, b: Stamp | null): boolean {
  if (a === null || a === undefined || b === null) return (a ?? null) === b;
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

function sameStamps(a: ReturnType<typeof stamps>, b: ReturnType<typeof stamps>): boolean {
  return sameStamp(a.snapshot, b.snapshot) && sameStamp(a.journal, b.journal);
}

function readOrNull(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Writes the cache atomically (temp, fsync, rename); a failure only means no cache. */
function save(cacheFile: string, file: string, snapshot: Stamp | null, journal: Header['journal'], lastSeq: number, digest: ProgressDigest): void {
  try {
    const payload = Buffer.from(JSON.stringify(encode(digest)), 'utf8');
    const header: Header = { magic: MAGIC, version: STATS_CACHE_VERSION, build: STATS_BUILD_ID, file, zone: zone(), tzdata: process.versions.tz ?? '', snapshot, journal, lastSeq, payloadSha256: sha256(payload) };
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileAtomic(cacheFile, [Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), payload], nodeFs, { syncFolder: false });
  } catch {
    // read-only folder, full disk: stats simply has no cache
  }
}
