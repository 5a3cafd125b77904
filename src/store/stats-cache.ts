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
import { mkdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  columnsFromDigest,
  DAY_FIELDS,
  digestFromColumns,
  digestProgress,
  INT_FIELDS,
  NUM_FIELDS,
  reviewFolder,
  SMALL_FIELDS,
  validColumns,
  type DigestColumns,
} from '../core/stats.js';
import { writeFileAtomic } from './atomic-write.js';
import { sha256Hex } from './checksum.js';
import { nodeFs } from './fs-layer.js';
import { journalFileFor } from './paths.js';
// The progress store and the journal parser (and zod with them) are imported only when a full read
// or new journal lines need them: a warm `prep stats` does not load them.

export const STATS_CACHE_NAME = 'stats-digest';
/** 2: the digest as columns (string arrays, then float64 numbers); 3: derived per-card columns; 4: float64, uint32 and uint8 blocks. */
export const STATS_CACHE_VERSION = 4;
const MAGIC = 'prep-stats-digest';

declare const __PREP_STATS_BUILD_ID__: string | undefined;
/** Identifies the stats code of this build (set by scripts/build.mjs): a new prep never trusts an old digest. */
export const STATS_BUILD_ID: string = typeof __PREP_STATS_BUILD_ID__ === 'string' ? __PREP_STATS_BUILD_ID__ : 'source';

/** Byte order of this machine: the number block is written as the machine holds it. */
const ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 'LE' : 'BE';

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
  /** What the zone was derived from (see zoneKey); null when that cannot be told cheaply. */
  zoneKey: string | null;
  tzdata: string;
  endian: string;
  snapshot: Stamp | null;
  journal: { ino: number; length: number; sha256: string } | null;
  /** Highest seq in the history folded in (journal lines at or below it are already in). */
  lastSeq: number;
  payloadSha256: string;
}

export interface StatsDigestLoad {
  columns: DigestColumns;
  /** 'cache': as stored; 'journal': stored, plus new journal lines; 'full': progress.json read. */
  source: 'cache' | 'journal' | 'full';
}

/**
 * The digest of the whole history in `progressFile` (no --since, every card), in the machine's time
 * zone, through the cache in `cacheDir`. Throws what readProgress throws for a file it cannot use.
 */
export async function loadStatsDigest(progressFile: string, cacheDir: string): Promise<StatsDigestLoad> {
  const file = path.resolve(progressFile);
  const cacheFile = path.join(cacheDir, STATS_CACHE_NAME);
  const fromCache = await tryCache(file, cacheFile);
  if (fromCache) return fromCache;
  // Full read; the cache is written only when nothing changed while reading.
  const [{ readProgress }, { parseJournal }] = await Promise.all([import('./progress.js'), import('./journal.js')]);
  const before = stamps(file);
  const data = readProgress(file);
  const columns = columnsFromDigest(digestProgress(data, {}));
  const journalBytes = readOrNull(journalFileFor(file));
  const after = stamps(file);
  if (sameStamps(before, after) && journalBytes !== null === (after.journal !== null) && (journalBytes?.length ?? 0) === (after.journal?.size ?? 0)) {
    let journal: Header['journal'] = null;
    let ok = true;
    if (journalBytes !== null && after.journal) {
      const parsed = parseJournal(journalBytes);
      if (parsed.ok) journal = { ino: after.journal.ino, length: parsed.goodLength, sha256: sha256Hex(journalBytes.subarray(0, parsed.goodLength)) };
      else ok = false;
    }
    if (ok) save(cacheFile, file, after.snapshot, journal, data.lastSeq, columns);
  }
  return { columns, source: 'full' };
}

async function tryCache(file: string, cacheFile: string): Promise<StatsDigestLoad | undefined> {
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
      header.endian !== ENDIAN ||
      header.tzdata !== (process.versions.tz ?? '') ||
      !sameZone(header) ||
      !sameStamp(header.snapshot, now.snapshot) ||
      typeof header.lastSeq !== 'number'
    ) {
      return undefined;
    }
    const journalPath = journalFileFor(file);
    const folded = header.journal?.length ?? 0;
    let tail: Buffer | undefined;
    let journalBytes: Buffer | null = null;
    if (now.journal !== null && now.journal.size > 0) {
      if (folded > 0 && (header.journal!.ino !== now.journal.ino || now.journal.size < folded)) return undefined;
      journalBytes = readOrNull(journalPath);
      if (journalBytes === null) return undefined;
      if (folded > 0 && sha256Hex(journalBytes.subarray(0, folded)) !== header.journal!.sha256) return undefined;
      tail = journalBytes.subarray(folded);
      // The snapshot must not have been replaced (compaction) while we read.
      if (!sameStamp(header.snapshot, stamps(file).snapshot)) return undefined;
      if (tail.length === 0) tail = undefined;
    } else if (folded > 0) {
      return undefined; // the journal was emptied or removed: only compaction does that, and it replaces the snapshot
    }
    const payload = buffer.subarray(newline + 1);
    if (sha256Hex(payload) !== header.payloadSha256) return undefined;
    const columns = decode(payload);
    if (!columns) return undefined;
    if (!tail) return { columns, source: 'cache' };
    // Fold in the journal lines written since.
    const { parseJournal } = await import('./journal.js');
    const parsed = parseJournal(tail);
    if (!parsed.ok) return undefined;
    const digest = digestFromColumns(columns);
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
    const extended = columnsFromDigest(digest);
    if (parsed.goodLength > 0) {
      // The bytes just folded, not a second read: a line appended meanwhile is left for the next run.
      const length = folded + parsed.goodLength;
      save(cacheFile, file, now.snapshot, { ino: now.journal!.ino, length, sha256: sha256Hex(journalBytes!.subarray(0, length)) }, lastSeq, extended);
    }
    return { columns: extended, source: 'journal' };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding: one JSON line of strings and scalars, then the number blocks of DigestColumns (num,
// dayNums, int, small) as the machine holds them. Loading it makes three string arrays and four typed
// arrays, not 10,000 objects; the numbers are exactly those computed, so the stats are the same to the bit.

interface Strings {
  ids: string[];
  hashes: string[];
  days: string[];
  records: number;
  totals: number[];
  allReviews: number;
  lastAt: number | null;
  lastSeq: number;
  /** 32: the counts block is uint32; 64: float64 (a count past 2^32 - 1). */
  intBits: 32 | 64;
}

function encode(c: DigestColumns, headerBytes: number): Buffer[] {
  const t = c.totals;
  const strings: Strings = {
    ids: c.ids,
    hashes: c.hashes,
    days: c.days,
    records: c.records,
    totals: [t.reviews, t.scheduled, t.cram, t.seconds, t.limitSec, t.ratio, t.over],
    allReviews: c.allReviews,
    lastAt: Number.isFinite(c.lastAt) ? c.lastAt : null,
    lastSeq: c.lastSeq,
    intBits: c.int instanceof Uint32Array ? 32 : 64,
  };
  const bytes = (a: Float64Array | Uint32Array | Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  // Spaces after the JSON so that the blocks start at a multiple of 8 in the file: loading can then
  // view them where they are (num and dayNums are whole multiples of 8 bytes, int of 4).
  const line = Buffer.from(JSON.stringify(strings), 'utf8');
  const pad = (8 - ((headerBytes + line.length + 1) % 8)) % 8;
  return [line, Buffer.from(`${' '.repeat(pad)}\n`), bytes(c.num), bytes(c.dayNums), bytes(c.int), bytes(c.small)];
}

/** The columns in a payload whose checksum matched, or undefined when anything is out of shape. */
function decode(payload: Buffer): DigestColumns | undefined {
  const newline = payload.indexOf(0x0a);
  if (newline < 0) return undefined;
  const s = JSON.parse(payload.subarray(0, newline).toString('utf8')) as Strings;
  if (typeof s !== 'object' || s === null || !Array.isArray(s.ids) || !Array.isArray(s.hashes) || !Array.isArray(s.days)) return undefined;
  if (!Array.isArray(s.totals) || s.totals.length !== 7 || !s.totals.every((x) => typeof x === 'number')) return undefined;
  if (typeof s.records !== 'number' || typeof s.allReviews !== 'number' || typeof s.lastSeq !== 'number' || (s.lastAt !== null && typeof s.lastAt !== 'number')) return undefined;
  if (s.intBits !== 32 && s.intBits !== 64) return undefined;
  const n = s.ids.length;
  const sizes = [n * NUM_FIELDS * 8, s.days.length * DAY_FIELDS * 8, (n * INT_FIELDS * s.intBits) / 8, n * SMALL_FIELDS];
  const blocks = payload.subarray(newline + 1);
  if (blocks.length !== sizes.reduce((a, b) => a + b, 0)) return undefined;
  // Viewed where they are when aligned (as written), else copied into an array of their own.
  let at = blocks.byteOffset;
  const take = <T>(size: number, width: number, make: (buffer: ArrayBufferLike, offset: number, length: number) => T): T => {
    const offset = at;
    at += size;
    if (offset % width === 0) return make(blocks.buffer, offset, size / width);
    return make(new Uint8Array(blocks.buffer, offset, size).slice().buffer, 0, size / width);
  };
  const num = take(sizes[0]!, 8, (b, o, n) => new Float64Array(b, o, n));
  const dayNums = take(sizes[1]!, 8, (b, o, n) => new Float64Array(b, o, n));
  const int = s.intBits === 32 ? take(sizes[2]!, 4, (b, o, n) => new Uint32Array(b, o, n)) : take(sizes[2]!, 8, (b, o, n) => new Float64Array(b, o, n));
  const small = take(sizes[3]!, 1, (b, o, n) => new Uint8Array(b, o, n));
  const [reviews, scheduled, cram, seconds, limitSec, ratio, over] = s.totals as [number, number, number, number, number, number, number];
  const rowOf = new Map<string, number>();
  for (let i = 0; i < n; i++) rowOf.set(s.ids[i]!, i);
  const columns: DigestColumns = {
    timeZone: undefined,
    since: null,
    ids: s.ids,
    rowOf,
    hashes: s.hashes,
    num,
    int,
    small,
    days: s.days,
    dayNums,
    records: s.records,
    totals: { reviews, scheduled, cram, seconds, limitSec, ratio, over },
    allReviews: s.allReviews,
    lastAt: s.lastAt === null ? -Infinity : s.lastAt,
    lastSeq: s.lastSeq,
  };
  return validColumns(columns) ? columns : undefined;
}

// ---------------------------------------------------------------------------------------------
// Files

/** The machine's time zone, as the digest's study days were counted in. Costs ~25 ms (ICU's first Intl use). */
function zone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
}

/**
 * What ICU derives the default time zone from on Linux and macOS: the TZ variable, else the name the
 * /etc/localtime link points to (".../zoneinfo/Europe/Berlin"). With the same node, ICU, tz data and
 * these inputs the zone is the same, so a digest written under an equal key is in this zone without
 * asking Intl. null (ask Intl) when /etc/localtime is not such a link, or on Windows.
 */
function zoneKey(): string | null {
  if (process.platform === 'win32') return null;
  let link: string;
  try {
    link = readlinkSync('/etc/localtime');
  } catch {
    return null;
  }
  if (!link.includes('/zoneinfo/')) return null;
  return JSON.stringify([process.version, process.versions.icu ?? '', process.versions.tz ?? '', process.env.TZ ?? null, link]);
}

/** Was the digest made in this time zone? Its key when that is telling, else the zone itself. */
function sameZone(header: Header): boolean {
  const key = zoneKey();
  if (key !== null && header.zoneKey === key) return true;
  return typeof header.zone === 'string' && header.zone === zone();
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


/** Writes the cache atomically (temp, fsync, rename); a failure only means no cache. */
function save(cacheFile: string, file: string, snapshot: Stamp | null, journal: Header['journal'], lastSeq: number, columns: DigestColumns): void {
  try {
    const header: Header = {
      magic: MAGIC,
      version: STATS_CACHE_VERSION,
      build: STATS_BUILD_ID,
      file,
      zone: zone(),
      zoneKey: zoneKey(),
      tzdata: process.versions.tz ?? '',
      endian: ENDIAN,
      snapshot,
      journal,
      lastSeq,
      payloadSha256: '0'.repeat(64), // the length is what counts here; the hash is set below
    };
    const payload = encode(columns, Buffer.byteLength(`${JSON.stringify(header)}\n`));
    header.payloadSha256 = sha256Hex(...payload);
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileAtomic(cacheFile, [Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), ...payload], nodeFs, { syncFolder: false });
  } catch {
    // read-only folder, full disk: stats simply has no cache
  }
}
