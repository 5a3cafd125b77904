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
 * other event, a review out of order, or a journal that does not parse means a full read, which
 * holds the reviews as columns while it reads (store/progress.ts readProgressInto).
 * Beside it, the view (`.prep/cache/stats-view`, see below): the whole deck joined with this digest.
 * The progress file is only ever read here; the caches are written atomically and are never required.
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readlinkSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CardSummary } from '../core/card.js';
import {
  columnsFromDigest,
  DAY_FIELDS,
  digestFromColumns,
  digestReviews,
  GROUP_FIELDS,
  groupNameRanks,
  INT_FIELDS,
  NUM_FIELDS,
  ReviewColumns,
  reviewFolder,
  SMALL_FIELDS,
  validColumns,
  validView,
  VIEW_NUM_FIELDS,
  type DigestColumns,
  type StatsView,
  type ViewCard,
} from '../core/stats.js';
import { writeCompactList } from './deck-cache.js';
import { writeFileAtomic } from './atomic-write.js';
import { sha256Hex } from './checksum.js';
import { nodeFs } from './fs-layer.js';
import { journalFileFor } from './paths.js';
// The progress store and the journal parser (and zod with them) are imported only when a full read
// or new journal lines need them: a warm `prep stats` does not load them.

export const STATS_CACHE_NAME = 'stats-digest';
/** 2: the digest as columns (string arrays, then float64 numbers); 3: derived per-card columns; 4: float64, uint32 and uint8 blocks; 5: the view checks the list block by block. */
export const STATS_CACHE_VERSION = 5;
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
  /** The history the columns are the digest of, as the cache header names it; absent when it changed while read. */
  history?: HistoryStamp;
}

/** Everything in a header that says which history, zone and build a digest is of (all but its payload's checksum). */
type HistoryStamp = Omit<Header, 'payloadSha256'>;

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
  const [{ readProgressInto }, { parseJournal }] = await Promise.all([import('./progress.js'), import('./journal.js')]);
  const before = stamps(file);
  // The reviews as columns while they are read, not 100,000 objects at once (peak memory of a cold start).
  // Room for every review (each takes well over 100 bytes of progress.json), so the columns are not
  // copied as they fill; room never written costs no memory (untouched zero pages).
  const reviews = new ReviewColumns((before.snapshot?.size ?? 0) / 100);
  const data = readProgressInto(file, reviews);
  const columns = columnsFromDigest(digestReviews(data.cards, reviews, {}));
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
    if (ok) return { columns, source: 'full', history: save(cacheFile, file, after.snapshot, journal, data.lastSeq, columns, zone()) };
  }
  return { columns, source: 'full' };
}

/**
 * A cache file (a digest or a view): its header line and the payload after it, when the header is
 * `magic`'s and its history is still `file`'s (historyState) and the payload has the header's
 * SHA-256; undefined otherwise.
 */
function readCacheFile<H extends Header>(cacheFile: string, magic: string, file: string): { header: H; state: NonNullable<ReturnType<typeof historyState>>; payload: Buffer } | undefined {
  let buffer: Buffer;
  try {
    buffer = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const newline = buffer.indexOf(0x0a);
  if (newline < 0 || newline > 4096) return undefined;
  const header = JSON.parse(buffer.subarray(0, newline).toString('utf8')) as H;
  const state = historyState(header, magic, file);
  if (!state) return undefined;
  const payload = buffer.subarray(newline + 1);
  return sha256Hex(payload) === header.payloadSha256 ? { header, state, payload } : undefined;
}

async function tryCache(file: string, cacheFile: string): Promise<StatsDigestLoad | undefined> {
  try {
    const read = readCacheFile<Header>(cacheFile, MAGIC, file);
    if (!read) return undefined;
    const { header, state, payload } = read;
    const { now, journalBytes } = state;
    const folded = header.journal?.length ?? 0;
    const tail = state.tail;
    const columns = decode(payload);
    if (!columns) return undefined;
    if (!tail) return { columns, source: 'cache', history: historyOf(header) };
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
      const history = save(cacheFile, file, now.snapshot, { ino: now.journal!.ino, length, sha256: sha256Hex(journalBytes!.subarray(0, length)) }, lastSeq, extended, header.zone);
      return { columns: extended, source: 'journal', history };
    }
    return { columns: extended, source: 'journal' };
  } catch {
    return undefined;
  }
}

/**
 * Whether `header` (of a digest or a view) is this build's, this file's and this zone's, and its
 * history still there: the same snapshot, and a journal that at most grew since (the bytes folded
 * in unchanged). Then the journal's bytes (when there is one) and what was appended since, if anything.
 */
function historyState(header: Header, magic: string, file: string): { now: ReturnType<typeof stamps>; journalBytes: Buffer | null; tail: Buffer | undefined } | undefined {
  const now = stamps(file);
  if (
    typeof header !== 'object' ||
    header === null ||
    header.magic !== magic ||
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
  const folded = header.journal?.length ?? 0;
  let tail: Buffer | undefined;
  let journalBytes: Buffer | null = null;
  if (now.journal !== null && now.journal.size > 0) {
    if (folded > 0 && (header.journal!.ino !== now.journal.ino || now.journal.size < folded)) return undefined;
    journalBytes = readOrNull(journalFileFor(file));
    if (journalBytes === null) return undefined;
    if (folded > 0 && sha256Hex(journalBytes.subarray(0, folded)) !== header.journal!.sha256) return undefined;
    tail = journalBytes.subarray(folded);
    // The snapshot must not have been replaced (compaction) while we read.
    if (!sameStamp(header.snapshot, stamps(file).snapshot)) return undefined;
    if (tail.length === 0) tail = undefined;
  } else if (folded > 0) {
    return undefined; // the journal was emptied or removed: only compaction does that, and it replaces the snapshot
  }
  return { now, journalBytes, tail };
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
  const strings: Strings = {
    ids: c.ids,
    hashes: c.hashes,
    days: c.days,
    records: c.records,
    totals: totalsRow(c.totals),
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

/** The history's running totals, written as one row of numbers in this order. */
const TOTAL_FIELDS = ['reviews', 'scheduled', 'cram', 'seconds', 'limitSec', 'ratio', 'over'] as const;
type Totals = DigestColumns['totals'];

function totalsRow(totals: Totals): number[] {
  return TOTAL_FIELDS.map((field) => totals[field]);
}

/** The totals of a row written by totalsRow, or undefined when it is out of shape. */
function totalsFrom(row: unknown): Totals | undefined {
  if (!Array.isArray(row) || row.length !== TOTAL_FIELDS.length || !row.every((x) => typeof x === 'number')) return undefined;
  return Object.fromEntries(TOTAL_FIELDS.map((field, i) => [field, row[i] as number])) as Totals;
}

/**
 * Typed arrays over the consecutive number blocks of a payload: each viewed where it is when
 * aligned (as written), else copied into an array of its own.
 */
function blockReader(blocks: Buffer) {
  let at = blocks.byteOffset;
  const take = <T>(count: number, width: number, make: (buffer: ArrayBufferLike, offset: number, length: number) => T): T => {
    const offset = at;
    at += count * width;
    if (offset % width === 0) return make(blocks.buffer, offset, count);
    return make(new Uint8Array(blocks.buffer, offset, count * width).slice().buffer, 0, count);
  };
  return {
    float64: (count: number) => take(count, 8, (b, o, l) => new Float64Array(b, o, l)),
    uint32: (count: number) => take(count, 4, (b, o, l) => new Uint32Array(b, o, l)),
    uint8: (count: number) => take(count, 1, (b, o, l) => new Uint8Array(b, o, l)),
  };
}

/** The columns in a payload whose checksum matched, or undefined when anything is out of shape. */
function decode(payload: Buffer): DigestColumns | undefined {
  const newline = payload.indexOf(0x0a);
  if (newline < 0) return undefined;
  const s = JSON.parse(payload.subarray(0, newline).toString('utf8')) as Strings;
  if (typeof s !== 'object' || s === null || !Array.isArray(s.ids) || !Array.isArray(s.hashes) || !Array.isArray(s.days)) return undefined;
  const totals = totalsFrom(s.totals);
  if (!totals) return undefined;
  if (typeof s.records !== 'number' || typeof s.allReviews !== 'number' || typeof s.lastSeq !== 'number' || (s.lastAt !== null && typeof s.lastAt !== 'number')) return undefined;
  if (s.intBits !== 32 && s.intBits !== 64) return undefined;
  const n = s.ids.length;
  const sizes = [n * NUM_FIELDS * 8, s.days.length * DAY_FIELDS * 8, (n * INT_FIELDS * s.intBits) / 8, n * SMALL_FIELDS];
  const blocks = payload.subarray(newline + 1);
  if (blocks.length !== sizes.reduce((a, b) => a + b, 0)) return undefined;
  const { float64, uint32, uint8 } = blockReader(blocks);
  const num = float64(n * NUM_FIELDS);
  const dayNums = float64(s.days.length * DAY_FIELDS);
  const int = s.intBits === 32 ? uint32(n * INT_FIELDS) : float64(n * INT_FIELDS);
  const small = uint8(n * SMALL_FIELDS);
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
    totals,
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


/** Writes the cache atomically (temp, fsync, rename); a failure only means no cache. Returns the history written for, when written. */
/** `timeZone`: the zone the digest was counted in (an extended digest keeps its header's, already checked: no Intl). */
function save(cacheFile: string, file: string, snapshot: Stamp | null, journal: Header['journal'], lastSeq: number, columns: DigestColumns, timeZone: string): HistoryStamp | undefined {
  try {
    const header: Header = {
      magic: MAGIC,
      version: STATS_CACHE_VERSION,
      build: STATS_BUILD_ID,
      file,
      zone: timeZone,
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
    return historyOf(header);
  } catch {
    // read-only folder, full disk: stats simply has no cache
    return undefined;
  }
}

function historyOf(h: Header): HistoryStamp {
  return { magic: h.magic, version: h.version, build: h.build, file: h.file, zone: h.zone, zoneKey: h.zoneKey, tzdata: h.tzdata, endian: h.endian, snapshot: h.snapshot, journal: h.journal, lastSeq: h.lastSeq };
}

// ---------------------------------------------------------------------------------------------
// The view (`.prep/cache/stats-view`): the whole deck joined with the whole history's digest
// (core/stats.ts StatsView), for `prep stats` of the whole deck (tables or JSON). Its header is the
// digest's (the same history, zone and build) plus the SHA-256 and length of the deck's
// `prep list --json` text it was joined with, which must be the text the deck cache's index records
// now. A card's own fields (for the rows shown) are read from the cache's copy of that text, at
// offsets the view keeps; the view also keeps the SHA-256 of each LIST_BLOCK bytes of it, so a run
// reads and checks only the blocks that hold the cards it shows, not the 3.5 MB of a 10,000-card
// deck. So a warm run reads the history's stamps, the index (checked against every answer file's
// stamp), this file and a few blocks of the list, and nothing else.

export const STATS_VIEW_NAME = 'stats-view';
const VIEW_MAGIC = 'prep-stats-view';
/** The list's text is checked in blocks of this many bytes (a card's text is a few hundred). */
export const LIST_BLOCK = 16 * 1024;

/** The deck's list as the deck cache keeps it: the SHA-256 its index records, and the file. */
export interface ListRef {
  sha256: string;
  file: string;
}

interface ViewHeader extends Header {
  /** SHA-256 and length of the deck's `prep list --json` text (compact) the view was joined with. */
  listSha256: string;
  listLength: number;
}

interface ViewStrings {
  count: number;
  tagGroups: (string | null)[];
  companyGroups: (string | null)[];
  counts: StatsView['counts'];
  editedCards: string[];
  days: string[];
  totals: number[];
  allReviews: number;
  records: number;
  tagListLength: number;
  /** The groups' nameRanks, and the collationKey of the process that made them. */
  nameRanks: number[];
  collation: string;
  /** How many LIST_BLOCK blocks the list has (a SHA-256 of each ends the payload). */
  listBlocks: number;
}

/**
 * The whole deck's stats view, when one was saved for this history (unchanged since: same snapshot,
 * no journal line since) and this deck (`list`: the deck cache's `prep list --json` text is the text
 * it was joined with, by SHA-256 and length). Undefined otherwise, or when anything in it is out of shape.
 */
export function loadStatsView(progressFile: string, cacheDir: string, list: ListRef): StatsView | undefined {
  const file = path.resolve(progressFile);
  try {
    const read = readCacheFile<ViewHeader>(path.join(cacheDir, STATS_VIEW_NAME), VIEW_MAGIC, file);
    if (!read || read.state.tail !== undefined) return undefined; // reviews since: the digest folds them in, then a new view
    const { header, payload } = read;
    if (header.listSha256 !== list.sha256 || statSync(list.file).size !== header.listLength) return undefined;
    return decodeView(payload, list.file, header.listLength);
  } catch {
    return undefined;
  }
}

/**
 * Saves the whole deck's view, joined from `cards` (the deck's summaries, in deck order) and the
 * digest of `history` (as loadStatsDigest returned it). Written atomically; a failure only means no view.
 */
export function saveStatsView(cacheDir: string, history: HistoryStamp, view: StatsView, cards: readonly CardSummary[]): void {
  try {
    if (view.count !== cards.length || view.since !== null || view.timeZone !== undefined) return;
    // The deck's `prep list --json` text as the deck cache keeps it (compact, one line), and where each card is in it.
    // Card i is list[starts[i], starts[i + 1] - 1): the byte before the next start is its ',' (the last one's ']').
    // Hashed as it is made, whole and block by block: the text of the whole (3 MB at 10,000 cards) is never held.
    const starts = new Uint32Array(cards.length + 1);
    const hash = createHash('sha256');
    const blocks = blockHasher();
    const listLength = writeCompactList(
      cards,
      (text) => {
        const bytes = Buffer.from(text, 'utf8');
        hash.update(bytes);
        blocks.add(bytes);
      },
      (i, offset) => {
        starts[i] = offset;
      },
    );
    if (listLength > 0xffff_ffff) return;
    starts[cards.length] = listLength - 1;
    const header: ViewHeader = { ...history, magic: VIEW_MAGIC, listSha256: hash.digest('hex'), listLength, payloadSha256: '0'.repeat(64) };
    const payload = encodeView(view, starts, blocks.finish(), Buffer.byteLength(`${JSON.stringify(header)}\n`));
    header.payloadSha256 = sha256Hex(...payload);
    mkdirSync(cacheDir, { recursive: true });
    writeFileAtomic(path.join(cacheDir, STATS_VIEW_NAME), [Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), ...payload], nodeFs, { syncFolder: false });
  } catch {
    // read-only folder, full disk: stats simply has no view
  }
}

/** The SHA-256 of each LIST_BLOCK bytes of a text given piece by piece (the last block may be shorter), one after the other. */
function blockHasher() {
  const digests: Buffer[] = [];
  const block = Buffer.allocUnsafe(LIST_BLOCK); // hashed as soon as it is full, then filled again
  let used = 0;
  return {
    add(bytes: Buffer) {
      for (let at = 0; at < bytes.length; ) {
        const n = bytes.copy(block, used, at);
        used += n;
        at += n;
        if (used === LIST_BLOCK) {
          digests.push(createHash('sha256').update(block).digest());
          used = 0;
        }
      }
    },
    finish(): Buffer {
      if (used > 0) digests.push(createHash('sha256').update(block.subarray(0, used)).digest());
      return Buffer.concat(digests);
    },
  };
}

/**
 * One JSON line (strings and scalars), then the float64 blocks (num, groupNums, dayNums), the uint32
 * ones (list offsets, tagStart, tagList, companyOf), the bytes (codes, flags) and the SHA-256 of each
 * block of the list (`listBlocks`).
 */
function encodeView(v: StatsView, starts: Uint32Array, listBlocks: Buffer, headerBytes: number): Buffer[] {
  const strings: ViewStrings = {
    count: v.count,
    tagGroups: v.tagGroups,
    companyGroups: v.companyGroups,
    counts: v.counts,
    editedCards: v.editedCards,
    days: v.days,
    totals: totalsRow(v.totals),
    allReviews: v.allReviews,
    records: v.records,
    tagListLength: v.tagList.length,
    nameRanks: [...groupNameRanks(v)],
    collation: collationKey(),
    listBlocks: listBlocks.length / 32,
  };
  const bytes = (a: Float64Array | Uint32Array | Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const line = Buffer.from(JSON.stringify(strings), 'utf8');
  const pad = (8 - ((headerBytes + line.length + 1) % 8)) % 8; // the blocks start at a multiple of 8 in the file
  return [line, Buffer.from(`${' '.repeat(pad)}\n`), ...[v.num, v.groupNums, v.dayNums, starts, v.tagStart, v.tagList, v.companyOf, v.codes, v.flags].map(bytes), listBlocks];
}

/** The view in `payload`, its cards' fields read from the list in `listFile` (`listLength` bytes) when asked for. */
function decodeView(payload: Buffer, listFile: string, listLength: number): StatsView | undefined {
  const newline = payload.indexOf(0x0a);
  if (newline < 0) return undefined;
  const s = JSON.parse(payload.subarray(0, newline).toString('utf8')) as ViewStrings;
  if (typeof s !== 'object' || s === null || !Number.isSafeInteger(s.count) || s.count < 0 || !Number.isSafeInteger(s.tagListLength) || s.tagListLength < 0) return undefined;
  if (![s.tagGroups, s.companyGroups, s.editedCards, s.days].every(Array.isArray) || typeof s.counts !== 'object' || s.counts === null) return undefined;
  const totals = totalsFrom(s.totals);
  if (!totals) return undefined;
  const n = s.count;
  const groups = s.tagGroups.length + s.companyGroups.length;
  const f64 = [n * VIEW_NUM_FIELDS, groups * GROUP_FIELDS, s.days.length * DAY_FIELDS];
  const u32 = [n + 1, n + 1, s.tagListLength, n];
  const listBlocks = Math.ceil(listLength / LIST_BLOCK);
  if (s.listBlocks !== listBlocks) return undefined;
  const blocks = payload.subarray(newline + 1);
  if (blocks.length !== 8 * (f64[0]! + f64[1]! + f64[2]!) + 4 * (u32[0]! + u32[1]! + u32[2]! + u32[3]!) + 2 * n + 32 * listBlocks) return undefined;
  const { float64, uint32, uint8 } = blockReader(blocks);
  const [num, groupNums, dayNums] = f64.map(float64) as [Float64Array, Float64Array, Float64Array];
  const [starts, tagStart, tagList, companyOf] = u32.map(uint32) as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  const [codes, flags] = [uint8(n), uint8(n)];
  const blockHashes = uint8(32 * listBlocks);
  // Each card's text lies between its start and the next one's comma: in order, inside the list.
  if (starts[n] !== listLength - 1) return undefined;
  const text = listReader(listFile, listLength, blockHashes);
  for (let i = 0; i < n; i++) if (!(starts[i]! >= 1 && starts[i]! + 1 < starts[i + 1]!)) return undefined;
  // The groups' order by name, when made in this locale; else statsFromView asks localeCompare.
  const ranked = s.collation === collationKey() && Array.isArray(s.nameRanks) && s.nameRanks.length === groups && s.nameRanks.every((r) => Number.isInteger(r) && r >= 0 && r < groups);
  const view: StatsView = {
    timeZone: undefined,
    since: null,
    count: n,
    card: (i) => cardIn(text, starts[i]!, starts[i + 1]! - 1),
    codes,
    flags,
    num,
    tagGroups: s.tagGroups,
    companyGroups: s.companyGroups,
    groupNums,
    ...(ranked ? { nameRanks: Uint32Array.from(s.nameRanks) } : {}),
    tagStart,
    tagList,
    companyOf,
    counts: s.counts,
    editedCards: s.editedCards,
    days: s.days,
    dayNums,
    totals,
    allReviews: s.allReviews,
    records: s.records,
  };
  return validView(view) ? view : undefined;
}

/**
 * What String.prototype.localeCompare's order depends on besides the strings: the default locale,
 * which ICU takes from LC_ALL, else LC_MESSAGES, else LANG; and the collation data, fixed by the
 * node build unless node is pointed at other ICU data (NODE_ICU_DATA, ICU_DATA, --icu-data-dir).
 * Group names ordered under an equal key are in this process's order without making a collator (~15 ms).
 */
function collationKey(): string {
  const env = process.env;
  const vars = ['LC_ALL', 'LC_MESSAGES', 'LANG', 'NODE_ICU_DATA', 'ICU_DATA', 'NODE_OPTIONS'].map((name) => env[name] ?? null);
  return JSON.stringify([process.version, process.versions.icu ?? '', process.versions.unicode ?? '', process.execArgv.filter((arg) => /icu/i.test(arg)), ...vars]);
}

/**
 * The text of the deck's list between two offsets, read from `file` block by block, each block
 * checked against its SHA-256 in `hashes` (made with the view from the text it was joined with).
 * Throws when the file is not that text there.
 */
function listReader(file: string, length: number, hashes: Uint8Array): (start: number, end: number) => string {
  const checked = new Map<number, Buffer>();
  const blockAt = (k: number, fd: number): Buffer => {
    let block = checked.get(k);
    if (block) return block;
    const size = Math.min(LIST_BLOCK, length - k * LIST_BLOCK);
    block = Buffer.allocUnsafe(size);
    if (readSync(fd, block, 0, size, k * LIST_BLOCK) !== size) throw new Error('stats view: the deck list is shorter than when the view was made');
    if (!createHash('sha256').update(block).digest().equals(hashes.subarray(32 * k, 32 * k + 32))) throw new Error('stats view: the deck list is not the text the view was made with');
    checked.set(k, block);
    return block;
  };
  return (start, end) => {
    const first = Math.floor(start / LIST_BLOCK);
    const last = Math.floor((end - 1) / LIST_BLOCK);
    const fd = openSync(file, 'r');
    try {
      const blocks: Buffer[] = [];
      for (let k = first; k <= last; k++) blocks.push(blockAt(k, fd));
      return Buffer.concat(blocks).toString('utf8', start - first * LIST_BLOCK, end - first * LIST_BLOCK);
    } finally {
      closeSync(fd);
    }
  };
}

/** A card's fields from its text in the deck's list (checked block by block to be the text the view was joined with). */
function cardIn(text: (start: number, end: number) => string, start: number, end: number): ViewCard {
  const c = JSON.parse(text(start, end)) as ViewCard;
  const ok =
    typeof c === 'object' && c !== null && typeof c.id === 'string' && typeof c.question === 'string' && typeof c.file === 'string' && typeof c.line === 'number' &&
    Array.isArray(c.tags) && c.tags.every((t) => typeof t === 'string') && (c.company === null || typeof c.company === 'string') && typeof c.timeLimitSec === 'number';
  if (!ok) throw new Error(`stats view: the deck list does not hold a card at ${start}; delete .prep/cache to rebuild it`);
  return c;
}
