/**
 * Loading the deck through a parse cache in `.prep/cache/`, so a warm start neither parses markdown
 * nor loads the markdown parser. This module is deliberately light: it imports no parser, no YAML,
 * no terminal library. The parser is reached only on a cache miss (a dynamic import in
 * `loadDeckAsync`, or the parse function `deck-files.ts` passes to `loadDeckWith`).
 *
 * Layout (every file written atomically: temp file, fsync, rename):
 * - `deck-index`: a header line (JSON) followed by three parts, back to back. The header gives each
 *   part's byte length and SHA-256, so a reader reads (with positioned reads on one descriptor) and
 *   verifies only the parts it uses:
 *   1. stamps (binary): every answer file's size, mtime, ctime, inode and racy flag, and where its
 *      entry is in part 3, as float64s, then the file names joined by NUL. What a warm start checks
 *      (one stat per file); no JSON.
 *   2. summary (JSON, one array per field): the assembled deck's cards as `prep list --json`,
 *      `prep stats` and drill's pick see them, and its error count. Read by `loadDeckSummary` and
 *      `loadDeckLazily`.
 *   3. entries (JSON): one compact entry per answer file with its stamp, a hash of its bytes, its
 *      problems, and its cards without the section texts. Read when cards are revived; drill
 *      parses only the entries of the cards it shows.
 * - `deck-bodies-<id>-<n>`: the section texts (the bulk of a deck), concatenated as UTF-8 across
 *   files of about 4 MB that the index header lists with their sizes. A card's
 *   `sections[name].markdown` is read on first access, checked against a stored checksum.
 * - `deck-list-json`: `prep list --json` of the whole deck (compact), its SHA-256 in the index header.
 * - `deck-folders`: the record of the last walk of the deck's folders (deck-walk.ts).
 *
 * Trust: the header names the format version, the build (parser) and the deck, and the index must be
 * exactly as long as its header says; every part read must match its SHA-256; every value is
 * type-checked while it is revived. Anything wrong means "no cache": the deck is parsed again and
 * the cache rewritten. A file whose stamp changed is hashed; if its bytes are unchanged its parse is
 * reused, otherwise it is parsed again. A file modified in the same moment the cache was written
 * ("racy") is always checked by hash.
 * Writing the cache may fail (read-only folder, full disk): that only means there is no cache.
 *
 * Memory on a cold load: a file is read only when it is parsed, and its parse is turned into its
 * compact entry at once (strings copied flat so the file's text and syntax tree can be collected);
 * section texts go to the next bodies file, written as soon as it is full; the cards are revived
 * from the entries after parsing.
 */
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants as fsConstants,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  unlinkSync,
  type Stats,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MessagePort, Worker } from 'node:worker_threads';
import { SECTION_NAMES, SPOKEN_VERSIONS, summarizeCard, type Card, type CardSummary, type Section, type SectionName, type SpokenVersion } from '../core/card.js';
import { assembleDeck, type Deck } from '../core/deck.js';
import { PrepError } from '../core/errors.js';
import type { ParsedFile, Problem } from '../markdown/parse.js';
import { jsonText } from '../ui/json.js';
import { writeFileAtomic } from './atomic-write.js';
import { sha256Hex } from './checksum.js';
import { nodeFs } from './fs-layer.js';
import { BUILD_ID } from './build-id.js';
import { probeAgrees, recordAgreement, type DeckProbe } from './deck-probe.js';
import { codeOf, deckBase, isRacy, listAnswerFiles, listDeck, type Listing, type ListingSource } from './deck-walk.js';
import { shareJobs } from './parse-pool.js';
import { cacheDirFor } from './paths.js';

// Where the cache of a deck lives (paths.ts; boot.ts needs it without this module).
export { cacheDirFor };

/** Bumped whenever the layout below changes (6: the header counts the errors; summaries have keyPointsSource). */
export const DECK_CACHE_VERSION = 6;
const MAGIC = 'prep-deck-cache';
export const INDEX_NAME = 'deck-index';
const BODIES_PREFIX = 'deck-bodies-';
/** `prep list --json` of the whole deck, compact, as printed when stdout is not a terminal. */
const LIST_NAME = 'deck-list-json';
/** The header line is at most this long. */
const MAX_HEADER_BYTES = 4096;

export { BUILD_ID };

/** The bytes of the answer file `file` (deck-relative) at `absolute`, or, when it cannot be read, its result: no cards and that problem. */
export function readAnswerBytes(absolute: string, file: string): Uint8Array | ParsedFile {
  try {
    return readFileSync(absolute);
  } catch (error) {
    return { cards: [], problems: [{ file, line: 1, severity: 'error', message: `cannot be read (${codeOf(error)}); check that the file exists and you may read it` }] };
  }
}

// ---------------------------------------------------------------------------------------------
// Loading

/** Bytes of one answer file → its cards and problems. Never throws. */
export type ParseBytes = (bytes: Uint8Array, file: string) => ParsedFile;


/**
 * The deck, through the cache, importing the parser only when some file needs parsing.
 * Same result as `loadDeck` in deck-files.ts.
 */
export async function loadDeckAsync(root: string, listing?: Listing): Promise<Deck> {
  let plan = planLoad(root, listing);
  let toParse = reuseParses(plan);
  if (toParse.length >= WORKER_PARSE_FILES && (await cachedByWorker(root))) {
    // The worker wrote the cache: planned again, every file unchanged since is a hit.
    plan = planLoad(root);
    toParse = reuseParses(plan);
  }
  const parse = toParse.length > 0 ? (await import('./deck-files.js')).parseAnswerBytes : undefined;
  return finish(plan, toParse, parse);
}

/**
 * From this many files to parse, the parse runs in a worker thread whose young generation is capped
 * (WORKER_YOUNG_GENERATION_MB). remark leaves a great deal of short-lived garbage; in the main
 * thread V8 lets the young generation grow to 48 MB and promotes much of it, so a cold load of
 * 10,000 files peaked at 186-197 MB RSS (213 MB for a cold `stats`). In the worker it peaks at
 * 156-158 MB, with the same CPU time within this VM's noise (3 interleaved rounds: 22.4 s against
 * 22.3 s in the main thread; 24 MB: 174 MB, 48 MB: 191-197 MB). Starting the worker costs ~40 ms.
 */
const WORKER_PARSE_FILES = 500;
const WORKER_YOUNG_GENERATION_MB = 12;
/**
 * Helper threads a cold parse starts at most, with a second core. Each costs memory (an isolate
 * with the parser loaded, its heap): a cold list of 10,000 files peaked at 158 MB RSS with the
 * worker alone, 181-183 MB with one helper and 243 MB with three, over the 200 MB prep keeps to.
 */
const PARSE_HELPERS_MAX = 1;
/**
 * A helper keeps nothing between files (about 8 MB live), yet V8 let its old generation grow to
 * 35-45 MB between full collections; capped at 24 MB it collects sooner, for the same time. A file
 * too big for that makes the helper run out of memory: its port closes and the worker parses its files.
 */
const HELPER_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 24 };

/**
 * `read` of the index (the summary and lazy loads); when it has nothing and there is no usable index
 * at all (first run, another prep build) for a big deck, the worker builds the cache and `read`
 * tries again, like a warm start, instead of reviving every entry just written (about 1 s at 10,000
 * cards). Undefined leaves the caller to load the deck in full.
 */
async function fromIndexOrWorker<T>(root: string, listing: Listing, read: () => T | undefined): Promise<T | undefined> {
  const cached = read();
  if (cached !== undefined || listing.files.length < WORKER_PARSE_FILES || hasUsableIndex(root)) return cached;
  return (await cachedByWorker(root)) ? read() : undefined;
}

/** Whether the deck has an index of this format, build and deck, whatever its stamps say. */
export function hasUsableIndex(root: string): boolean {
  return withIndex(root, () => true) === true;
}

/**
 * Runs the deck's parse in a worker thread (src/store/parse-worker.ts), which writes the cache as a
 * load in this thread would, with a helper thread that parses files too when there is a second
 * core (PARSE_HELPERS_MAX; see parse-pool.ts). False when it could not: no built worker (the TypeScript
 * sources under test), a cache folder prep may not write (the worker's work would be lost), or the
 * worker failed; the caller then parses here, as before. A helper that fails only leaves its files
 * to the worker.
 */
async function cachedByWorker(root: string): Promise<boolean> {
  if (BUILD_ID === 'source' || workerFailed) return false;
  const workerFile = fileURLToPath(new URL('./parse-worker.js', import.meta.url));
  try {
    const dir = cacheDirFor(root);
    mkdirSync(dir, { recursive: true });
    accessSync(dir, fsConstants.W_OK);
    if (!existsSync(workerFile)) return false;
  } catch {
    return false;
  }
  const [{ Worker, MessageChannel }, { availableParallelism }] = await Promise.all([import('node:worker_threads'), import('node:os')]);
  const helpers: { helper: Worker; port: MessagePort }[] = [];
  for (let k = Math.min(availableParallelism() - 1, PARSE_HELPERS_MAX); k > 0; k--) {
    const { port1, port2 } = new MessageChannel();
    try {
      const helper = new Worker(workerFile, { workerData: { role: 'helper', root, port: port2 }, transferList: [port2], resourceLimits: HELPER_LIMITS });
      // A helper that fails or ends closes its end (if it never got it, this does), and the worker parses its files.
      helper.on('error', () => {});
      helper.once('exit', () => port2.close());
      helpers.push({ helper, port: port1 });
    } catch {
      break;
    }
  }
  const ports = helpers.map((h) => h.port);
  return new Promise<boolean>((resolve) => {
    let done = false;
    const worker = new Worker(workerFile, { workerData: { role: 'lead', root, ports }, transferList: ports, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    worker.once('message', (message) => {
      done = message === 'cached'; // the worker says so only when it left a usable index
    });
    worker.once('error', () => resolve(false));
    worker.once('exit', (code) => resolve(done && code === 0));
  }).then((cached) => {
    for (const { helper } of helpers) void helper.terminate();
    workerFailed ||= !cached;
    return cached;
  });
}

/** Set when the worker failed: the rest of the run parses here rather than try it again. */
let workerFailed = false;

/** The deck, through the cache, with a parser at hand (synchronous). */
export function loadDeckWith(root: string, parse: ParseBytes): Deck {
  const plan = planLoad(root);
  return finish(plan, reuseParses(plan), parse);
}

interface Stamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

interface Miss {
  index: number;
  file: string;
  stamp: Stamp | undefined;
  /**
   * The file's bytes when they were read to compare with a cached parse; undefined when not read
   * yet (no cached parse to compare with: read when parsed, so a cold load never holds every file).
   */
  bytes: Uint8Array | undefined;
  hash: string;
  /** A cached parse whose bytes hash the same: only the stamp changed. */
  reuse: RawEntry | undefined;
}

/** A file parsed by this load: its stamp and hash, and where its problems and cards are in `Plan.entryTexts`. */
interface FreshEntry {
  stamp: Stamp;
  hash: string;
  offset: number;
  length: number;
}

interface Plan {
  root: string;
  /** When this load began, before any stat: racy stamps are judged from here (see writeCache). */
  startedAt: number;
  listing: { files: string[]; problems: Problem[] };
  results: (ParsedFile | undefined)[];
  /** Raw entries for the next index, by position; undefined for files not to be cached. */
  raws: (RawEntry | undefined)[];
  /** Entries made by this load, by position: kept as text in `entryTexts` (their bodies are in `bodies`). */
  fresh: Map<number, FreshEntry>;
  misses: Miss[];
  cache: OpenCache | undefined;
  /** Section texts of the files parsed by this load, written as the next bodies files as they fill. */
  bodies: ByteStore;
  /** Names the bodies files of this load: `<bodiesId>-<n>`. */
  bodiesId: string;
  /** Problems and cards (JSON, UTF-8) of the files parsed by this load, until the cache is written. */
  entryTexts: ByteStore;
  needsWrite: boolean;
}

/** `listing`: the deck walked just before by the caller, so a fallback does not walk it again. */
function planLoad(root: string, listing: Listing = listAnswerFiles(root)): Plan {
  const startedAt = Date.now();
  const cache = openCache(root);
  const results: (ParsedFile | undefined)[] = new Array(listing.files.length);
  const raws: (RawEntry | undefined)[] = new Array(listing.files.length);
  const misses: Miss[] = [];
  let needsWrite = cache === undefined;
  let used = 0;

  const base = deckBase(root);
  listing.files.forEach((file, index) => {
    const absolute = base + file; // deck-relative paths are already normalised; path.join costs at 10,000 files
    let stamp: Stamp | undefined;
    try {
      stamp = stampOf(statSync(absolute));
    } catch {
      stamp = undefined;
    }
    const cached = cache?.entries.get(file);
    if (cached && stamp && sameStamp(cached, stamp) && cached[E.RACY] === 0) {
      const revived = cache!.revive(cached);
      if (revived) {
        results[index] = revived;
        raws[index] = cached;
        used++;
        return;
      }
    }
    if (!cached) {
      misses.push({ index, file, stamp, bytes: undefined, hash: '', reuse: undefined });
      needsWrite = true;
      return;
    }
    const bytes = readAnswerBytes(absolute, file);
    if (!(bytes instanceof Uint8Array)) {
      results[index] = bytes; // not cached: its problem is its result
      needsWrite = true;
      return;
    }
    const hash = hashBytes(bytes);
    const reuse = cached[E.HASH] === hash ? cached : undefined;
    if (reuse && stamp && cached[E.RACY] === 1 && sameStamp(cached, stamp)) {
      // A racy entry whose bytes are unchanged: use it; rewrite the index once it is no longer racy.
      const revived = cache!.revive(reuse);
      if (revived) {
        results[index] = revived;
        raws[index] = reuse;
        used++;
        if (!isRacy(stamp.mtimeMs, stamp.ctimeMs, startedAt)) needsWrite = true;
        return;
      }
    }
    misses.push({ index, file, stamp, bytes, hash, reuse });
    needsWrite = true;
  });
  // Files that left the deck: their entries would linger; a rewrite drops them.
  if (cache && used + misses.length < cache.entries.size) needsWrite = true;
  const bodiesId = `${BODIES_PREFIX}${startedAt.toString(36)}-${randomBytes(4).toString('hex')}`;
  const bodies = new ByteStore(segmentBytes, bodiesWriter(cacheDirFor(root), bodiesId));
  return { root, startedAt, listing, results, raws, fresh: new Map(), misses, cache, bodies, bodiesId, entryTexts: new ByteStore(), needsWrite };
}

/**
 * Writes full blocks of section texts as bodies files while the deck is parsed, so a cold load
 * never holds the texts of the whole deck (19 MB at 10,000 files). After one failure (read-only
 * folder, full disk) it stops trying: the texts stay in memory and no cache is written.
 */
function bodiesWriter(dir: string, id: string): (block: Buffer, index: number) => BodyReader | undefined {
  let failed = false;
  return (block, index) => {
    if (failed) return undefined;
    try {
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, bodiesFileName(id, index));
      writeFileAtomic(file, [block], nodeFs, { syncFolder: false });
      const reader = openBodies(file, block.length);
      if (reader) return reader;
    } catch {
      // below
    }
    failed = true;
    return undefined;
  };
}

/** Uses the cached parse of files whose bytes did not change; returns the misses that need the parser. */
function reuseParses(plan: Plan): Miss[] {
  const toParse: Miss[] = [];
  for (const miss of plan.misses) {
    if (miss.reuse && plan.cache) {
      const revived = plan.cache.revive(miss.reuse);
      if (revived) {
        plan.results[miss.index] = revived;
        plan.raws[miss.index] = miss.stamp ? withStamp(miss.reuse, miss.stamp, miss.hash) : undefined;
        miss.bytes = undefined;
        continue;
      }
    }
    toParse.push(miss);
  }
  return toParse;
}

function finish(plan: Plan, toParse: Miss[], parse: ParseBytes | undefined): Deck {
  if (toParse.length > 0 && !parse) throw new Error('deck cache: a file needs parsing but no parser was given');
  const base = deckBase(plan.root);
  for (const miss of toParse) takeParse(plan, miss, parseForCache(base, miss, parse!));
  return complete(plan, parse);
}

/**
 * The deck with its misses parsed here and, at the same time, by helper threads (src/store/parse-pool.ts):
 * a cold load of a big deck on several cores. The same result, and the same cache, as `loadDeckWith`.
 */
export async function loadDeckWithHelpers(root: string, parse: ParseBytes, helpers: readonly MessagePort[]): Promise<Deck> {
  const plan = planLoad(root);
  const toParse = reuseParses(plan);
  const base = deckBase(root);
  await shareJobs<string, ParsedBytes>(toParse.length, helpers, {
    here: (i) => takeParse(plan, toParse[i]!, parseForCache(base, toParse[i]!, parse)),
    describe: (i) => {
      toParse[i]!.bytes = undefined; // the helper reads the file itself
      return toParse[i]!.file;
    },
    take: (i, result) => takeParse(plan, toParse[i]!, result),
  });
  return complete(plan, parse);
}

/** What a helper thread does with one file of a cold load: read, hash and parse it (see `loadDeckWithHelpers`). */
export function parseFileForCache(root: string, file: string, parse: ParseBytes): ParsedBytes {
  return parseForCache(deckBase(root), { file, bytes: undefined, hash: '' }, parse);
}

/** A file's parse and the hash of the bytes parsed; hash '' when the file could not be read (the parse is then its problem). */
export interface ParsedBytes {
  parsed: ParsedFile;
  hash: string;
}

function parseForCache(base: string, miss: Pick<Miss, 'file' | 'bytes' | 'hash'>, parse: ParseBytes): ParsedBytes {
  const bytes = miss.bytes ?? readAnswerBytes(base + miss.file, miss.file);
  miss.bytes = undefined;
  if (!(bytes instanceof Uint8Array)) return { parsed: bytes, hash: '' };
  return { parsed: parse(bytes, miss.file), hash: miss.hash || hashBytes(bytes) };
}

/** One parsed miss into the plan: as its compact entry (only bytes are kept), or as parsed when it cannot be cached. */
function takeParse(plan: Plan, miss: Miss, { parsed, hash }: ParsedBytes): void {
  if (hash === '') {
    plan.results[miss.index] = parsed; // unreadable: not cached, its problem is its result
    return;
  }
  const compact = miss.stamp ? compactParse(miss.file, parsed, plan.bodies) : undefined;
  if (compact) {
    // Only bytes are kept (outside the JS heap); the parse, the file's text and its tree can go.
    const text = Buffer.from(JSON.stringify(compact), 'utf8');
    plan.fresh.set(miss.index, { stamp: miss.stamp!, hash, offset: plan.entryTexts.add(text), length: text.length });
  } else {
    plan.results[miss.index] = parsed; // a shape this version cannot store: used as parsed, not cached
  }
}

/** After the parse: the fresh entries revived, the deck assembled, the cache written when anything changed. */
function complete(plan: Plan, parse: ParseBytes | undefined): Deck {
  const base = deckBase(plan.root);
  // Cards are revived only now, from the compact text (fresh flat strings, never slices of a file's
  // text): while files were parsed the heap held none of them, and the live heap then is what lets
  // V8 grow the heap amid the parser's garbage (the peak RSS of a cold load).
  for (const [index, { stamp, hash, offset, length }] of plan.fresh) {
    const file = plan.listing.files[index]!;
    let revived: ParsedFile | undefined;
    try {
      const [problems, cards] = JSON.parse(plan.entryTexts.read(offset, length).toString('utf8')) as [RawProblem[], RawCard[]];
      revived = reviveEntry(checkEntry([file, stamp.size, stamp.mtimeMs, stamp.ctimeMs, stamp.ino, hash, 0, problems, cards]), plan.bodies, plan.root);
    } catch {
      revived = undefined; // never expected; the file is parsed again below and not cached
    }
    if (revived) {
      plan.results[index] = revived;
    } else {
      plan.fresh.delete(index);
      const bytes = readAnswerBytes(base + file, file);
      plan.results[index] = bytes instanceof Uint8Array ? parse!(bytes, file) : bytes;
    }
  }
  const deck = assembleDeck([{ cards: [], problems: plan.listing.problems }, ...(plan.results as ParsedFile[])]);
  if (plan.needsWrite) {
    try {
      const errors = countErrors(deck.problems) - countErrors(plan.listing.problems);
      writeCache(plan, errors, deck.cards.map(summarizeCard));
    } catch {
      // No cache this time (read-only folder, full disk, …); the deck is loaded all the same. The
      // bodies files this load wrote as it parsed are named by no index: remove them now.
      removeBodiesFilesOf(cacheDirFor(plan.root), plan.bodiesId);
    }
  }
  plan.entryTexts = new ByteStore();
  return { ...deck, files: plan.listing.files.length };
}

function stampOf(stats: Stats): Stamp {
  return { size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, ino: stats.ino };
}

function sameStamp(entry: RawEntry, stamp: Stamp): boolean {
  return entry[E.SIZE] === stamp.size && entry[E.MTIME] === stamp.mtimeMs && entry[E.CTIME] === stamp.ctimeMs && entry[E.INO] === stamp.ino;
}

function hashBytes(bytes: Uint8Array): string {
  return sha256Hex(bytes).slice(0, 32);
}

// ---------------------------------------------------------------------------------------------
// The compact entry format

/** Positions in a raw entry: [file, size, mtimeMs, ctimeMs, ino, hash, racy, problems, cards]. */
const E = { FILE: 0, SIZE: 1, MTIME: 2, CTIME: 3, INO: 4, HASH: 5, RACY: 6, PROBLEMS: 7, CARDS: 8 } as const;
type RawEntry = [string, number, number, number, number, string, 0 | 1, RawProblem[], RawCard[]];
/** [line, 0 error | 1 warning, message] */
type RawProblem = [number, 0 | 1, string];
/** [id, idSource, question, tags, company, timeLimitSec, timeLimitSource, line, sections, keyPoints, keyPointsSource, followUps, contentHash] */
type RawCard = [string, Card['idSource'], string, string[], string | null, number, Card['timeLimitSource'], number, RawSection[], string[], Card['keyPointsSource'], string[], string];
/** [name, line, spokenSec, byte offset in the bodies file, byte length, checksum] */
type RawSection = [SectionName, number, number, number, number, number];

const CARD_KEYS = 'company,contentHash,file,followUps,id,idSource,keyPoints,keyPointsSource,line,question,sections,tags,timeLimitSec,timeLimitSource';
const SECTION_KEYS = 'line,markdown,spokenSec';
const PROBLEM_KEYS = 'file,line,message,severity';
const ID_SOURCES: ReadonlySet<string> = new Set(['front-matter', 'comment', 'derived']);
const LIMIT_SOURCES: ReadonlySet<string> = new Set(['front-matter', 'tag', 'default']);
const KEY_POINT_SOURCES: ReadonlySet<string> = new Set(['section', 'emphasis', 'none']);
const SECTION_SET: ReadonlySet<string> = new Set(SECTION_NAMES);

const sortedKeys = (value: object) => Object.keys(value).sort().join(',');

/** FNV-1a over bytes: a cheap check that a body read back is the body written. */
function checksum(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

class CorruptCache extends Error {}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

function checkEntry(raw: unknown): RawEntry {
  if (!Array.isArray(raw) || raw.length !== 9) throw new CorruptCache();
  const [file, size, mtime, ctime, ino, hash, racy, problems, cards] = raw as unknown[];
  if (!isStr(file) || !isInt(size) || !isNum(mtime) || !isNum(ctime) || !isNum(ino) || !isStr(hash) || (racy !== 0 && racy !== 1)) throw new CorruptCache();
  if (!Array.isArray(problems) || !Array.isArray(cards)) throw new CorruptCache();
  return raw as RawEntry;
}

/**
 * Problems and cards of one file in the compact form of an entry (its last two fields), with their
 * texts added to `bodies`; undefined if the shape is not one this version knows.
 */
function compactParse(file: string, parsed: ParsedFile, bodies: ByteStore): [RawProblem[], RawCard[]] | undefined {
  const problems: RawProblem[] = [];
  for (const p of parsed.problems) {
    if (p.file !== file || sortedKeys(p) !== PROBLEM_KEYS) return undefined;
    problems.push([p.line, p.severity === 'error' ? 0 : 1, p.message]);
  }
  const cards: RawCard[] = [];
  for (const c of parsed.cards) {
    if (c.file !== file || sortedKeys(c) !== CARD_KEYS) return undefined;
    const sections: RawSection[] = [];
    for (const [name, section] of Object.entries(c.sections) as [SectionName, Section][]) {
      if (sortedKeys(section) !== SECTION_KEYS) return undefined;
      const bytes = Buffer.from(section.markdown, 'utf8');
      sections.push([name, section.line, section.spokenSec, bodies.add(bytes), bytes.length, checksum(bytes)]);
    }
    cards.push([c.id, c.idSource, c.question, c.tags, c.company, c.timeLimitSec, c.timeLimitSource, c.line, sections, c.keyPoints, c.keyPointsSource, c.followUps, c.contentHash]);
  }
  return [problems, cards];
}

/** An opened, verified cache. */
interface OpenCache {
  entries: Map<string, RawEntry>;
  /** The bodies files this index names, with their sizes. */
  segments: readonly [string, number][];
  bodies: BodyReader;
  /** The entry as cards and problems, or undefined (and the entry forgotten) when it does not check out. */
  revive(entry: RawEntry): ParsedFile | undefined;
}

function openCache(root: string): OpenCache | undefined {
  const dir = cacheDirFor(root);
  return withIndex(root, (index) => {
    const { header } = index;
    // Every part checked, not only the entries: a damaged stamps or summary part rebuilds the whole
    // index (else warm `list` and `stats` would miss this index until some answer file changed).
    if (!index.part(STAMPS) || !index.part(SUMMARY)) return undefined;
    const payload = index.part(ENTRIES);
    if (!payload) return undefined;
    const list: unknown = JSON.parse(payload.toString('utf8'));
    if (!Array.isArray(list)) return undefined;
    const entries = new Map<string, RawEntry>();
    for (const raw of list) {
      const entry = checkEntry(raw);
      entries.set(entry[E.FILE], entry);
    }
    const bodies = openSegments(dir, header.bodies);
    if (!bodies) return undefined;
    return {
      entries,
      segments: header.bodies,
      bodies,
      revive(entry) {
        try {
          return reviveEntry(entry, bodies, root);
        } catch {
          entries.delete(entry[E.FILE]);
          return undefined;
        }
      },
    };
  });
}

interface BodyReader {
  readonly size: number;
  read(offset: number, length: number): Buffer;
}

/** Opens a bodies file now, so a later rewrite of the cache (rename over it) cannot change what we read. */
function openBodies(file: string, size: number): BodyReader | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    if (fstatSync(fd).size !== size) {
      closeSync(fd);
      return undefined;
    }
  } catch {
    closeSync(fd);
    return undefined;
  }
  // The descriptor stays open for the life of the process: cards read their texts from it on demand.
  return { size, read: (offset, length) => readExactly(fd, length, offset) };
}

/** The bodies files of an index (each of the size it records) as one run of bytes; undefined if one is missing or of another size. */
function openSegments(dir: string, segments: readonly [string, number][]): BodyReader | undefined {
  const store = new ByteStore();
  for (const [name, size] of segments) {
    const reader = openBodies(path.join(dir, name), size);
    if (!reader) return undefined;
    store.appendFile(reader);
  }
  return store;
}

/** Section texts are written in bodies files of this size (about), each as soon as it is full. */
let segmentBytes = 4 << 20;
/** For tests: smaller bodies files, so a small deck spans several. */
export function setBodiesFileSizeForTests(bytes: number): void {
  segmentBytes = bytes;
}

/**
 * Bytes gathered for files to be written (section texts for bodies files, the entries part): blocks
 * rather than one small buffer per piece (60,000 texts at 10,000 files), outside the JS heap. A
 * piece never straddles two blocks. A full block can be handed to `spill`, which writes it as a
 * file and returns a reader of it: the block is then read from disk and its memory let go.
 * Offsets run across all blocks.
 */
class ByteStore implements BodyReader {
  private readonly blocks: (Buffer | BodyReader)[] = [];
  private readonly starts: number[] = [];
  private block: Buffer | undefined;
  private blockStart = 0;
  private used = 0;
  size = 0;

  constructor(
    private readonly blockBytes: number = 1 << 20,
    /** Writes a full block; undefined when it could not (the block then stays in memory). */
    private readonly spill?: (block: Buffer, index: number) => BodyReader | undefined,
  ) {}

  add(bytes: Uint8Array): number {
    const offset = this.reserve(bytes.length);
    this.block!.set(bytes, this.used);
    this.used += bytes.length;
    return offset;
  }

  addText(text: string): number {
    const length = Buffer.byteLength(text, 'utf8');
    const offset = this.reserve(length);
    this.block!.write(text, this.used, length, 'utf8');
    this.used += length;
    return offset;
  }

  /** A file already on disk, as the next block. */
  appendFile(file: BodyReader): void {
    this.seal();
    this.blocks.push(file);
    this.starts.push(this.size);
    this.size += file.size;
    this.blockStart = this.size;
  }

  read(offset: number, length: number): Buffer {
    if (this.block && offset >= this.blockStart) return this.block.subarray(offset - this.blockStart, offset - this.blockStart + length);
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const block = this.blocks[lo]!;
    const at = offset - this.starts[lo]!;
    return Buffer.isBuffer(block) ? block.subarray(at, at + length) : block.read(at, length);
  }

  /** The bytes still in memory, in order (for a store that never spills). */
  chunks(): Buffer[] {
    this.seal();
    return this.blocks.filter((b): b is Buffer => Buffer.isBuffer(b));
  }

  /**
   * Every block written (the last one too, and any that could not be written before); their
   * readers replace them. Throws when one cannot be written. Returns the blocks' sizes in order.
   */
  spillAll(): number[] {
    this.seal();
    this.blocks.forEach((block, i) => {
      if (!Buffer.isBuffer(block)) return;
      const file = this.spill?.(block, i);
      if (!file) throw new Error('deck cache: a bodies file could not be written');
      this.blocks[i] = file;
    });
    return this.blocks.map((b) => (Buffer.isBuffer(b) ? b.length : b.size));
  }

  private seal(): void {
    const block = this.block;
    this.block = undefined;
    if (!block || this.used === 0) return;
    const full = block.subarray(0, this.used);
    this.blocks.push(full);
    this.starts.push(this.blockStart);
    this.blockStart = this.size;
    const file = this.spill?.(full, this.blocks.length - 1);
    if (file) this.blocks[this.blocks.length - 1] = file;
  }

  /** Room for `length` more bytes in the current block; returns their offset. */
  private reserve(length: number): number {
    if (this.block && this.used + length > this.block.length) this.seal();
    if (!this.block) {
      this.block = Buffer.allocUnsafe(Math.max(this.blockBytes, length));
      this.blockStart = this.size;
      this.used = 0;
    }
    const offset = this.size;
    this.size += length;
    return offset;
  }
}

/** Set by deck-files.ts when it is loaded: lets a damaged body be recovered by parsing its file. */
let fallbackParser: ParseBytes | undefined;
export function registerFallbackParser(parse: ParseBytes): void {
  fallbackParser = parse;
}

function reviveEntry(entry: RawEntry, bodies: BodyReader, root: string): ParsedFile {
  const file = entry[E.FILE];
  const problems: Problem[] = [];
  for (const raw of entry[E.PROBLEMS] as unknown[]) {
    if (!Array.isArray(raw) || raw.length !== 3) throw new CorruptCache();
    const [line, severity, message] = raw as unknown[];
    if (!isInt(line) || (severity !== 0 && severity !== 1) || !isStr(message)) throw new CorruptCache();
    problems.push({ file, line, severity: severity === 0 ? 'error' : 'warning', message });
  }
  const cards: Card[] = [];
  for (const raw of entry[E.CARDS] as unknown[]) {
    if (!Array.isArray(raw) || raw.length !== 13) throw new CorruptCache();
    const [id, idSource, question, tags, company, timeLimitSec, timeLimitSource, line, rawSections, keyPoints, keyPointsSource, followUps, contentHash] = raw as unknown[];
    if (
      !isStr(id) ||
      !isStr(idSource) ||
      !ID_SOURCES.has(idSource) ||
      !isStr(question) ||
      !isStrArray(tags) ||
      !(company === null || isStr(company)) ||
      !isNum(timeLimitSec) ||
      !isStr(timeLimitSource) ||
      !LIMIT_SOURCES.has(timeLimitSource) ||
      !isInt(line) ||
      !Array.isArray(rawSections) ||
      !isStrArray(keyPoints) ||
      !isStr(keyPointsSource) ||
      !KEY_POINT_SOURCES.has(keyPointsSource) ||
      !isStrArray(followUps) ||
      !isStr(contentHash)
    ) {
      throw new CorruptCache();
    }
    const sections: Partial<Record<SectionName, Section>> = {};
    let owner: BodyOwner | undefined;
    for (const rs of rawSections as unknown[]) {
      if (!Array.isArray(rs) || rs.length !== 6) throw new CorruptCache();
      const [name, sLine, spokenSec, offset, length, sum] = rs as unknown[];
      if (!isStr(name) || !SECTION_SET.has(name) || !isInt(sLine) || !isNum(spokenSec) || !isInt(offset) || !isInt(length) || !isInt(sum)) throw new CorruptCache();
      if (offset + length > bodies.size || Object.prototype.hasOwnProperty.call(sections, name)) throw new CorruptCache();
      sections[name as SectionName] = lazySection(sLine, spokenSec, { card: (owner ??= { bodies, root, file, cardId: id }), name: name as SectionName, offset, length, sum });
    }
    cards.push({
      id,
      idSource: idSource as Card['idSource'],
      question,
      tags,
      company,
      timeLimitSec,
      timeLimitSource: timeLimitSource as Card['timeLimitSource'],
      file,
      line,
      sections,
      keyPoints,
      keyPointsSource: keyPointsSource as Card['keyPointsSource'],
      followUps,
      contentHash,
    });
  }
  return { cards, problems };
}

/** Where a card's section texts are. */
interface BodyOwner {
  bodies: BodyReader;
  root: string;
  file: string;
  cardId: string;
}
/** Where one section's text is. */
interface BodyRef {
  card: BodyOwner;
  name: SectionName;
  offset: number;
  length: number;
  sum: number;
}
const BODY_REF = Symbol('prep.bodyRef');
type LazySection = Section & { [BODY_REF]: BodyRef };

/**
 * `markdown` of a lazy section: read on first use, then an ordinary property. One getter and setter
 * shared by every section (no closures per section: 10,000 cards have 40,000 sections).
 */
const LAZY_MARKDOWN: PropertyDescriptor = {
  get(this: LazySection): string {
    const { card, name, offset, length, sum } = this[BODY_REF];
    const value = readBody(card.bodies, offset, length, sum, card.root, card.file, card.cardId, name);
    Object.defineProperty(this, 'markdown', { value, writable: true, enumerable: true, configurable: true });
    return value;
  },
  set(this: LazySection, value: string) {
    Object.defineProperty(this, 'markdown', { value, writable: true, enumerable: true, configurable: true });
  },
  enumerable: true,
  configurable: true,
};

/** A section whose text is read on first use; its own keys are those of a parsed section, in the same order. */
function lazySection(line: number, spokenSec: number, ref: BodyRef): Section {
  const section = {} as Section;
  Object.defineProperty(section, 'markdown', LAZY_MARKDOWN);
  section.line = line;
  section.spokenSec = spokenSec;
  Object.defineProperty(section, BODY_REF, { value: ref }); // not enumerable: invisible to JSON, spread and equality
  return section;
}

function readBody(bodies: BodyReader, offset: number, length: number, sum: number, root: string, file: string, cardId: string, name: SectionName): string {
  try {
    const bytes = bodies.read(offset, length);
    if (checksum(bytes) === sum) return bytes.toString('utf8');
  } catch {
    // fall through to recovery
  }
  // The bodies file was damaged after it was verified: forget the cache, and recover from the file itself.
  removeIndex(root);
  if (fallbackParser) {
    try {
      const card = fallbackParser(readFileSync(path.join(root, file)), file).cards.find((c) => c.id === cardId);
      if (card) return card.sections[name]?.markdown ?? '';
    } catch {
      // reported below
    }
  }
  throw new PrepError(`prep's cache in ${cacheDirFor(root)} was damaged while in use; it has been cleared, run the command again`);
}

// ---------------------------------------------------------------------------------------------
// Writing

function withStamp(entry: RawEntry, stamp: Stamp, hash: string): RawEntry {
  const copy = [...entry] as RawEntry;
  copy[E.SIZE] = stamp.size;
  copy[E.MTIME] = stamp.mtimeMs;
  copy[E.CTIME] = stamp.ctimeMs;
  copy[E.INO] = stamp.ino;
  copy[E.HASH] = hash;
  return copy;
}

interface Header {
  magic: string;
  version: number;
  build: string;
  deck: string;
  writtenAt: number;
  /** The bodies files, in order, each with its size: the section texts' offsets run across them. */
  bodies: [string, number][];
  /** Byte lengths of the parts after the header line, in order: stamps, summary, entries. */
  parts: [number, number, number];
  /** SHA-256 of each part, same order. */
  partsSha256: [string, string, string];
  /** SHA-256 of the deck-list-json file this index goes with. */
  listSha256: string;
  /** Problems of severity error in the answer files (the summary part's `errors`), for whoever reads only the list. */
  errors: number;
}

const STAMPS = 0;
const SUMMARY = 1;
const ENTRIES = 2;
type Part = typeof STAMPS | typeof SUMMARY | typeof ENTRIES;

/** What the stamps part records of one entry. */
interface StampRow extends Stamp {
  file: string;
  racy: 0 | 1;
  /** Where the file's entry is in the entries part: byte offset and length. */
  entryOffset: number;
  entryLength: number;
}

function writeCache(plan: Plan, errors: number, summaries: CardSummary[]): void {
  const dir = cacheDirFor(plan.root);
  mkdirSync(dir, { recursive: true });
  const writtenAt = Date.now();
  const old = plan.cache;
  // A new bodies file is needed when something was parsed, or there is no usable old one.
  const newBodies = plan.fresh.size > 0 || !old;
  // The entries part is built as bytes, never as one string of the whole.
  const payload = new ByteStore();
  const rows: StampRow[] = [];
  payload.addText('[');
  plan.listing.files.forEach((file, index) => {
    const fresh = plan.fresh.get(index);
    let entry = plan.raws[index];
    if (!fresh && !entry) return;
    const stamp: Stamp = fresh ? fresh.stamp : { size: entry![E.SIZE], mtimeMs: entry![E.MTIME], ctimeMs: entry![E.CTIME], ino: entry![E.INO] };
    // Racy: changed so recently that a further change could keep the same stamp. Judged from the
    // start of the load, not from now: a cold load takes seconds, and a file changed again in the
    // same clock tick right after its stat must not look settled.
    const racy = isRacy(stamp.mtimeMs, stamp.ctimeMs, plan.startedAt) ? 1 : 0;
    if (rows.length > 0) payload.addText(',');
    const entryOffset = payload.size;
    if (fresh) {
      // [file, size, mtimeMs, ctimeMs, ino, hash, racy, problems, cards]: the last two as stored at parse time.
      payload.addText(`[${JSON.stringify(file)},${stamp.size},${stamp.mtimeMs},${stamp.ctimeMs},${stamp.ino},${JSON.stringify(fresh.hash)},${racy},`);
      const text = plan.entryTexts.read(fresh.offset, fresh.length); // `[problems,cards]`
      payload.add(text.subarray(1, text.length - 1));
      payload.addText(']');
    } else {
      if (newBodies && old) entry = copyBodies(entry!, old.bodies, plan.bodies);
      if (racy !== entry![E.RACY]) {
        entry = [...entry!] as RawEntry;
        entry[E.RACY] = racy;
      }
      payload.addText(JSON.stringify(entry));
    }
    rows.push({ file, ...stamp, racy, entryOffset, entryLength: payload.size - entryOffset });
  });
  payload.addText(']');
  const payloadChunks = payload.chunks();

  // Most bodies files were written while files were parsed (a full one at a time); the rest now.
  const segments: [string, number][] = newBodies ? plan.bodies.spillAll().map((size, i) => [bodiesFileName(plan.bodiesId, i), size]) : [...old!.segments];
  // The stamps hold only when every listed file has its entry (else a warm start finds a file missing and falls back).
  const stamps = encodeStamps(rows);
  const summary = Buffer.concat(encodeSummary(summaries, errors));
  // Written before the index that names its hash: a crash between the two leaves a mismatch, never a wrong list.
  const list = compactListJson(summaries);
  writeFileAtomic(path.join(dir, LIST_NAME), list, nodeFs, { syncFolder: false });
  const header: Header = {
    magic: MAGIC,
    version: DECK_CACHE_VERSION,
    build: BUILD_ID,
    deck: path.resolve(plan.root),
    writtenAt,
    bodies: segments,
    parts: [stamps.length, summary.length, payload.size],
    partsSha256: [sha256Hex(stamps), sha256Hex(summary), sha256Hex(...payloadChunks)],
    listSha256: sha256Hex(...list),
    errors,
  };
  const headerLine = Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
  if (headerLine.length > MAX_HEADER_BYTES) return; // a deck path this long: no cache rather than one never read
  writeFileAtomic(path.join(dir, INDEX_NAME), [headerLine, stamps, summary, ...payloadChunks]);
  if (newBodies) removeOldFiles(dir, new Set(segments.map(([name]) => name)), new Set(old?.segments.map(([name]) => name)));
}

function copyBodies(entry: RawEntry, from: BodyReader, to: ByteStore): RawEntry {
  const copy = [...entry] as RawEntry;
  copy[E.CARDS] = entry[E.CARDS].map((card) => {
    const c = [...card] as RawCard;
    c[8] = card[8].map(([name, line, spoken, offset, length, sum]) => [name, line, spoken, to.add(from.read(offset, length)), length, sum] as RawSection);
    return c;
  });
  return copy;
}

/**
 * Deletes the bodies files the old index named, and bodies or temp files an interrupted run left.
 * Bodies files no index names are left for ten minutes: a long cold load in another process writes
 * its bodies files as it goes and names them only at its end.
 */
function removeOldFiles(dir: string, keep: ReadonlySet<string>, previous: ReadonlySet<string>): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (keep.has(name)) continue;
    const bodies = name.startsWith(BODIES_PREFIX);
    if (!(bodies || name.startsWith(`${INDEX_NAME}.tmp-`) || name.startsWith(`${LIST_NAME}.tmp-`))) continue;
    try {
      if (previous.has(name) || statSync(path.join(dir, name)).mtimeMs < now - (bodies ? 600_000 : 60_000)) unlinkSync(path.join(dir, name));
    } catch {
      // in use elsewhere, or gone already
    }
  }
}

const bodiesFileName = (id: string, index: number) => `${id}-${index}`;

/** Deletes the bodies files of one load (open readers keep their bytes where the system allows it). */
function removeBodiesFilesOf(dir: string, id: string): void {
  try {
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(`${id}-`)) continue;
      try {
        unlinkSync(path.join(dir, name));
      } catch {
        // in use (Windows), or gone
      }
    }
  } catch {
    // no cache folder
  }
}

// ---------------------------------------------------------------------------------------------
// The stamps part: float64 [n, then size, mtimeMs, ctimeMs, ino, racy, entry offset, entry length
// for each file], then the names joined by NUL. The entry's place lets one file's entry be parsed
// without parsing the whole entries part (loadDeckLazily).

/** Each file's fields in the stamps part, by position. */
const S = { SIZE: 0, MTIME: 1, CTIME: 2, INO: 3, RACY: 4, ENTRY_OFFSET: 5, ENTRY_LENGTH: 6 } as const;
const STAMP_FIELDS = 7;

function encodeStamps(rows: readonly StampRow[]): Buffer {
  const numbers = new Float64Array(1 + STAMP_FIELDS * rows.length);
  numbers[0] = rows.length;
  rows.forEach((row, i) => {
    const at = 1 + STAMP_FIELDS * i;
    numbers[at + S.SIZE] = row.size;
    numbers[at + S.MTIME] = row.mtimeMs;
    numbers[at + S.CTIME] = row.ctimeMs;
    numbers[at + S.INO] = row.ino;
    numbers[at + S.RACY] = row.racy;
    numbers[at + S.ENTRY_OFFSET] = row.entryOffset;
    numbers[at + S.ENTRY_LENGTH] = row.entryLength;
  });
  // NUL cannot be part of a file name, so the joined names split one way only.
  return Buffer.concat([Buffer.from(numbers.buffer), Buffer.from(rows.map((row) => row.file).join('\0'), 'utf8')]);
}

/**
 * The stamps part's numbers when `files` (the walk's answer files) are exactly the files it names,
 * in the same order, none racy, each with the size, mtime, ctime and inode it has now (one stat per
 * file); else undefined.
 */
function stampsMatch(root: string, files: readonly string[], bytes: Buffer): Float64Array | undefined {
  const numbers = stampsOf(files, bytes);
  return numbers && filesHaveStamps(root, files, numbers) ? numbers : undefined;
}

/** The stamps part's numbers when it names exactly `files`, in the same order, and none is racy (checked by hash: not for this path); else undefined. */
function stampsOf(files: readonly string[], bytes: Buffer): Float64Array | undefined {
  const count = files.length;
  const numbersLength = 8 * (1 + STAMP_FIELDS * count);
  if (bytes.length < numbersLength) return undefined;
  const numbers =
    bytes.byteOffset % 8 === 0 ? new Float64Array(bytes.buffer, bytes.byteOffset, 1 + STAMP_FIELDS * count) : new Float64Array(new Uint8Array(bytes.subarray(0, numbersLength)).buffer);
  if (numbers[0] !== count || bytes.toString('utf8', numbersLength) !== files.join('\0')) return undefined;
  for (let at = 1 + S.RACY; at < numbers.length; at += STAMP_FIELDS) if (numbers[at] !== 0) return undefined;
  return numbers;
}

/** Whether each of `files` has, now, the size, mtime, ctime and inode that `numbers` (a stamps part) records: one stat per file. */
function filesHaveStamps(root: string, files: readonly string[], numbers: Float64Array): boolean {
  const base = deckBase(root);
  for (let i = 0, at = 1; i < files.length; i++, at += STAMP_FIELDS) {
    const st = statSync(base + files[i]!, { throwIfNoEntry: false });
    if (!st || st.size !== numbers[at + S.SIZE] || st.mtimeMs !== numbers[at + S.MTIME] || st.ctimeMs !== numbers[at + S.CTIME] || st.ino !== numbers[at + S.INO]) return false;
  }
  return true;
}

/**
 * Whether the answer files still have the stamps `numbers` records (the index's stamps part, whose
 * SHA-256 is `stampsSha256`): by the probe's output when it is the one recorded for this part, else
 * by a stat per file, after which that output is recorded (deck-probe.ts). find is done before the
 * stats begin, so a file changed in between shows in the next output, never hides behind this one.
 */
async function filesUnchanged(root: string, files: readonly string[], numbers: Float64Array, stampsSha256: string, probe: DeckProbe | undefined): Promise<boolean> {
  const output = probe ? await probe.output() : undefined;
  if (probe && output && probeAgrees(probe, output, stampsSha256)) return true;
  const unchanged = filesHaveStamps(root, files, numbers);
  if (unchanged && probe && output) recordAgreement(probe, output, stampsSha256);
  return unchanged;
}

// ---------------------------------------------------------------------------------------------
// The index file: header line, then the parts

function readExactly(fd: number, length: number, position: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, done, length - done, position + done);
    if (n <= 0) throw new CorruptCache();
    done += n;
  }
  return out;
}

interface IndexReader {
  header: Header;
  /** The part's bytes when they match the header's SHA-256, else undefined. */
  part(part: Part): Buffer | undefined;
}

/**
 * Opens the deck's index, checks its header (this format, this build, this deck, lengths that add
 * up to the file's size) and lets `use` read its parts from that one descriptor (a rewrite of the
 * cache meanwhile cannot mix two indexes). Undefined when there is no usable index, or `use` throws.
 */
function withIndex<T>(root: string, use: (index: IndexReader) => T | undefined): T | undefined {
  let fd: number;
  try {
    fd = openSync(path.join(cacheDirFor(root), INDEX_NAME), 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const head = readExactly(fd, Math.min(size, MAX_HEADER_BYTES), 0);
    const newline = head.indexOf(0x0a);
    if (newline < 0) return undefined;
    const header = checkHeader(JSON.parse(head.toString('utf8', 0, newline)), root);
    if (!header) return undefined;
    const starts = [newline + 1, newline + 1 + header.parts[0], newline + 1 + header.parts[0] + header.parts[1]];
    if (starts[2]! + header.parts[2] !== size) return undefined; // truncated, or something appended
    return use({
      header,
      part(part) {
        const bytes = readExactly(fd, header.parts[part], starts[part]!);
        return sha256Hex(bytes) === header.partsSha256[part] ? bytes : undefined;
      },
    });
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function checkHeader(value: unknown, root: string): Header | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const h = value as Partial<Header>;
  if (h.magic !== MAGIC || h.version !== DECK_CACHE_VERSION || h.build !== BUILD_ID || h.deck !== path.resolve(root)) return undefined;
  if (!isNum(h.writtenAt) || !isStr(h.listSha256) || !isInt(h.errors) || !Array.isArray(h.bodies)) return undefined;
  for (const segment of h.bodies as unknown[]) {
    if (!Array.isArray(segment) || segment.length !== 2 || !isStr(segment[0]) || !isInt(segment[1])) return undefined;
    const name = segment[0];
    if (!name.startsWith(BODIES_PREFIX) || name.includes('/') || name.includes('\\')) return undefined;
  }
  if (!Array.isArray(h.parts) || h.parts.length !== 3 || !h.parts.every(isInt)) return undefined;
  if (!Array.isArray(h.partsSha256) || h.partsSha256.length !== 3 || !h.partsSha256.every(isStr)) return undefined;
  return h as Header;
}

// ---------------------------------------------------------------------------------------------
// The summary: what `list --json` and `stats` need, without reviving cards

/** The deck as `prep list --json` and `prep stats` see it. */
export interface DeckSummary {
  cards: CardSummary[];
  /** Answer files read. */
  files: number;
  /** Problems of severity error (they kept cards out). */
  errors: number;
}

/**
 * The summary part: one array per field (cheaper to parse and check than one array per card).
 * `spoken` holds [version, spokenSec, …] per card; `toPrepare` 1 for "to prepare", 0 for "ready".
 */
interface SummaryColumns {
  errors: number;
  id: string[];
  question: string[];
  tags: string[][];
  company: (string | null)[];
  file: string[];
  line: number[];
  timeLimitSec: number[];
  spoken: (string | number)[][];
  keyPoints: number[];
  keyPointsSource: CardSummary['keyPointsSource'][];
  toPrepare: (0 | 1)[];
  contentHash: string[];
}
const SUMMARY_COLUMNS = ['id', 'question', 'tags', 'company', 'file', 'line', 'timeLimitSec', 'spoken', 'keyPoints', 'keyPointsSource', 'toPrepare', 'contentHash'] as const;
const KEY_POINTS_SOURCES: ReadonlySet<unknown> = new Set<CardSummary['keyPointsSource']>(['section', 'emphasis', 'none']);

/** The summary part as UTF-8 chunks: each column stringified alone, never one string of the whole. */
function encodeSummary(cards: readonly CardSummary[], errors: number): Buffer[] {
  const columns: Record<(typeof SUMMARY_COLUMNS)[number], (s: CardSummary) => unknown> = {
    id: (s) => s.id,
    question: (s) => s.question,
    tags: (s) => s.tags,
    company: (s) => s.company,
    file: (s) => s.file,
    line: (s) => s.line,
    timeLimitSec: (s) => s.timeLimitSec,
    spoken: (s) => s.versions.flatMap((v) => [v, s.spokenSec[v]!]),
    keyPoints: (s) => s.keyPoints,
    keyPointsSource: (s) => s.keyPointsSource,
    toPrepare: (s) => (s.status === 'to-prepare' ? 1 : 0),
    contentHash: (s) => s.contentHash,
  };
  const chunks = [Buffer.from(`{"errors":${errors}`, 'utf8')];
  for (const name of SUMMARY_COLUMNS) chunks.push(Buffer.from(`,${JSON.stringify(name)}:${JSON.stringify(cards.map(columns[name]))}`, 'utf8'));
  chunks.push(Buffer.from('}', 'utf8'));
  return chunks;
}

/**
 * `prep list --json` of `cards` as printed when stdout is not a terminal (`jsonText(cards, false)`
 * and a newline), as UTF-8 chunks built card by card: the same bytes without one string of the whole.
 */
export function compactListJson(cards: readonly CardSummary[]): Buffer[] {
  const out = new ByteStore();
  writeCompactList(cards, (text) => out.addText(text));
  return out.chunks();
}

/**
 * The compact `prep list --json` text of `cards` (what `deck-list-json` holds), handed to `write`
 * piece by piece; `cardAt` learns the byte offset where each card's text starts. Returns its length
 * in bytes. The one place that lays the text out, so the stats view's offsets fit the stored list.
 */
export function writeCompactList(cards: readonly CardSummary[], write: (text: string) => void, cardAt?: (index: number, offset: number) => void): number {
  let length = 0;
  const put = (text: string) => {
    write(text);
    length += Buffer.byteLength(text, 'utf8');
  };
  put('[');
  cards.forEach((card, i) => {
    if (i > 0) put(',');
    cardAt?.(i, length);
    put(jsonText(card, false));
  });
  put(']\n');
  return length;
}

const SPOKEN_SET: ReadonlySet<string> = new Set(SPOKEN_VERSIONS);

/** The summary's cards and error count, every value type-checked; throws CorruptCache when anything is off. */
function decodeSummary(value: unknown): { errors: number; cards: CardSummary[] } {
  if (value === null || typeof value !== 'object') throw new CorruptCache();
  const s = value as Partial<SummaryColumns>;
  if (!isInt(s.errors) || !Array.isArray(s.id)) throw new CorruptCache();
  const count = s.id.length;
  for (const column of SUMMARY_COLUMNS) {
    const values = s[column];
    if (!Array.isArray(values) || values.length !== count) throw new CorruptCache();
  }
  const { id: ids, question: questions, tags: tagLists, company: companies, file: files, line: lines, timeLimitSec: limits, spoken: spokenLists, keyPoints: keyPointCounts, keyPointsSource: keyPointSources, toPrepare: toPrepares, contentHash: hashes } =
    s as SummaryColumns;
  const cards: CardSummary[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const id = ids[i];
    const question = questions[i];
    const tags = tagLists[i];
    const company = companies[i];
    const file = files[i];
    const line = lines[i];
    const timeLimitSec = limits[i];
    const spoken = spokenLists[i];
    const keyPoints = keyPointCounts[i];
    const keyPointsSource = keyPointSources[i]!;
    const toPrepare = toPrepares[i];
    const contentHash = hashes[i];
    if (!isStr(id) || !isStr(question) || !isStrArray(tags) || !(company === null || isStr(company)) || !isStr(file) || !isInt(line) || !isNum(timeLimitSec)) throw new CorruptCache();
    if (!Array.isArray(spoken) || spoken.length % 2 !== 0 || !isInt(keyPoints) || !KEY_POINTS_SOURCES.has(keyPointsSource) || (toPrepare !== 0 && toPrepare !== 1) || !isStr(contentHash)) throw new CorruptCache();
    const versions: SpokenVersion[] = [];
    const spokenSec: Partial<Record<SpokenVersion, number>> = {};
    for (let j = 0; j < spoken.length; j += 2) {
      const name = spoken[j];
      const sec = spoken[j + 1];
      if (!isStr(name) || !SPOKEN_SET.has(name) || !isNum(sec) || Object.prototype.hasOwnProperty.call(spokenSec, name)) throw new CorruptCache();
      versions.push(name as SpokenVersion);
      spokenSec[name as SpokenVersion] = sec;
    }
    cards[i] = { id, question, tags, company, file, line, timeLimitSec, versions, spokenSec, keyPoints, keyPointsSource, status: toPrepare === 1 ? 'to-prepare' : 'ready', contentHash };
  }
  return { errors: s.errors, cards };
}

const countErrors = (problems: readonly Problem[]) => problems.reduce((n, p) => n + (p.severity === 'error' ? 1 : 0), 0);

/** The deck's summary from the index's summary part (throws CorruptCache when it is out of shape). */
function summaryOf(index: IndexReader, listing: Listing): DeckSummary | undefined {
  const bytes = index.part(SUMMARY);
  if (!bytes) return undefined;
  const { cards, errors } = decodeSummary(JSON.parse(bytes.toString('utf8')));
  return { cards, files: listing.files.length, errors: errors + countErrors(listing.problems) };
}

/**
 * The deck's summary: from the cache's stamps and summary parts alone when every answer file is
 * unchanged (one stat per file; no card revived, no section text read, no parser loaded), else
 * from a full load through the cache (which rewrites it). Same result as summarising `loadDeckAsync`.
 */
export async function loadDeckSummary(root: string, listing: Listing = listDeck(root, cacheDirFor(root))): Promise<DeckSummary> {
  const cached = await fromIndexOrWorker(root, listing, () => withFreshIndex(root, listing.files, (index) => summaryOf(index, listing)));
  if (cached) return cached;
  const deck = await loadDeckAsync(root, listing);
  return { cards: deck.cards.map(summarizeCard), files: deck.files, errors: countErrors(deck.problems) };
}

/**
 * A deck as drill uses it: every card's summary (enough to reconcile, filter, pick and show the
 * question) and the error count, with the full card of any of them on demand.
 */
export interface LazyDeck extends DeckSummary {
  /**
   * The full card of one of `cards`. On a warm start the fields the summary lacks (sections, key
   * points, follow-ups, …) are revived from the card's file entry when first used; should that entry
   * not check out (never expected: it is part of the index verified at the start), the index is
   * removed so the next start rebuilds it, and reading the field throws a PrepError.
   */
  fullCard(card: CardSummary): Card;
}

/**
 * The deck for a drill: from the cache's stamps and summary parts when every answer file is
 * unchanged (no card revived, no parser loaded; the entries part is kept unparsed for `fullCard`),
 * else from a full load through the cache. Same cards as `loadDeckAsync`.
 */
export async function loadDeckLazily(root: string, listing: Listing = listDeck(root, cacheDirFor(root))): Promise<LazyDeck> {
  const cached = await fromIndexOrWorker(root, listing, () =>
    withFreshIndex(root, listing.files, (index, stamps) => {
      const entries = index.part(ENTRIES);
      const bodies = entries && openSegments(cacheDirFor(root), index.header.bodies);
      const summary = bodies && summaryOf(index, listing);
      return entries && bodies && summary ? { ...summary, stamps, entries, bodies } : undefined;
    }),
  );
  if (!cached) return lazyDeckOf(await loadDeckAsync(root, listing));

  const { stamps, entries, bodies } = cached;
  let position: Map<string, number> | undefined; // built at the first reveal, not before the first question
  const revived = new Map<number, ParsedFile>();
  /** The summary's card as its file's entry has it; throws CorruptCache when the two do not agree. */
  const revive = (summary: CardSummary): Card => {
    position ??= new Map(listing.files.map((file, i) => [file, i]));
    const i = position.get(summary.file);
    if (i === undefined) throw new CorruptCache();
    let parsed = revived.get(i);
    if (!parsed) {
      const offset = stamps[1 + STAMP_FIELDS * i + S.ENTRY_OFFSET];
      const length = stamps[1 + STAMP_FIELDS * i + S.ENTRY_LENGTH];
      if (!isInt(offset) || !isInt(length) || offset + length > entries.length) throw new CorruptCache();
      const entry = checkEntry(JSON.parse(entries.toString('utf8', offset, offset + length)));
      if (entry[E.FILE] !== summary.file) throw new CorruptCache();
      parsed = reviveEntry(entry, bodies, root);
      revived.set(i, parsed);
    }
    const card = parsed.cards.find((c) => c.id === summary.id);
    if (!card || JSON.stringify(summarizeCard(card)) !== JSON.stringify(summary)) throw new CorruptCache();
    return card;
  };
  const load = (summary: CardSummary) => (): Card => {
    try {
      return revive(summary);
    } catch {
      removeIndex(root);
      throw new PrepError(`prep's cache in ${cacheDirFor(root)} did not match the deck; it has been cleared, run the command again`);
    }
  };
  return { cards: cached.cards, files: cached.files, errors: cached.errors, fullCard: (summary) => lazyCard(summary, load(summary)) };
}

function lazyDeckOf(deck: Deck): LazyDeck {
  const byId = new Map(deck.cards.map((card) => [card.id, card]));
  return {
    cards: deck.cards.map(summarizeCard),
    files: deck.files,
    errors: countErrors(deck.problems),
    fullCard: (summary) => byId.get(summary.id)!,
  };
}

/** The card fields a summary lacks: a lazy card reads them from its file's entry when one is first used. */
const ENTRY_FIELDS = ['idSource', 'timeLimitSource', 'sections', 'keyPoints', 'keyPointsSource', 'followUps'] as const;
const CARD_SOURCE = Symbol('prep.cardSource');
type LazyCard = Card & { [CARD_SOURCE]: () => Card };

/** Turns the entry fields of a lazy card into ordinary properties, from its full card. */
function materialize(card: LazyCard): void {
  const full = card[CARD_SOURCE]();
  for (const name of ENTRY_FIELDS) Object.defineProperty(card, name, { value: full[name], writable: true, enumerable: true, configurable: true });
}

/** One getter and setter per entry field, shared by every lazy card. */
const LAZY_CARD_FIELDS = Object.fromEntries(
  ENTRY_FIELDS.map((name): [string, PropertyDescriptor] => [
    name,
    {
      get(this: LazyCard) {
        materialize(this);
        return this[name];
      },
      set(this: LazyCard, value: unknown) {
        materialize(this);
        Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
      },
      enumerable: true,
      configurable: true,
    },
  ]),
);

/** A card with the summary's fields now and the others from `load` on first use; its keys are a parsed card's, in the same order. */
function lazyCard(summary: CardSummary, load: () => Card): Card {
  const card = {
    id: summary.id,
    idSource: undefined,
    question: summary.question,
    tags: summary.tags,
    company: summary.company,
    timeLimitSec: summary.timeLimitSec,
    timeLimitSource: undefined,
    file: summary.file,
    line: summary.line,
    sections: undefined,
    keyPoints: undefined,
    keyPointsSource: undefined,
    followUps: undefined,
    contentHash: summary.contentHash,
  } as unknown as LazyCard;
  Object.defineProperties(card, LAZY_CARD_FIELDS);
  Object.defineProperty(card, CARD_SOURCE, { value: load }); // not enumerable: invisible to JSON, spread and equality
  return card;
}

function removeIndex(root: string): void {
  try {
    unlinkSync(path.join(cacheDirFor(root), INDEX_NAME));
  } catch {
    // read-only, or already gone
  }
}

/**
 * `use` on the index, when its header is this build's and this deck's and every answer file still
 * has the stamp it records (one stat per file); else undefined.
 */
function withFreshIndex<T>(root: string, files: readonly string[], use: (index: IndexReader, stamps: Float64Array) => T | undefined): T | undefined {
  return withIndex(root, (index) => {
    const bytes = index.part(STAMPS);
    const stamps = bytes && stampsMatch(root, files, bytes);
    return stamps ? use(index, stamps) : undefined;
  });
}

/**
 * Writes the deck's list again from the index's summary part when the file is missing, damaged or
 * altered: it is derived from that part, so it is made again only when its SHA-256 is the one the
 * index records. Otherwise every warm run would find it bad until the next parse.
 */
function rewriteList(index: IndexReader, listing: Listing, file: string): void {
  try {
    const summary = summaryOf(index, listing);
    if (!summary) return;
    const chunks = compactListJson(summary.cards);
    if (sha256Hex(...chunks) === index.header.listSha256) writeFileAtomic(file, chunks, nodeFs, { syncFolder: false });
  } catch {
    // read-only folder, full disk: served from the summary until the next parse
  }
}

/**
 * `prep list --json` of the whole deck as compact JSON text (UTF-8, one line ending in a newline), straight from
 * the cache when every answer file is unchanged and the stored text has the hash the index
 * records; undefined otherwise (the caller then uses `loadDeckSummary`, which rebuilds the cache).
 */
export async function loadDeckListJson(root: string, listing: Listing & { source?: ListingSource } = listDeck(root, cacheDirFor(root)), probe?: DeckProbe): Promise<Buffer | undefined> {
  return withDeckList(root, listing, (list) => list.bytes(), probe);
}

/** The deck's `prep list --json` text in the cache (withDeckList). */
export interface DeckList {
  /** Its SHA-256, as the index records it: for a cache keyed by it. */
  sha256: string;
  /** The file that holds it. */
  file: string;
  /** Its bytes, read and checked against that SHA-256; undefined when they do not check out. */
  bytes(): Buffer | undefined;
  /** Problems of severity error (answer files and folders), as loadDeckSummary counts them. */
  errors: number;
}

/**
 * `use` on the deck's list (loadDeckListJson's text, read and checked on demand), with the deck's summary from the same
 * index on demand (as loadDeckSummary's, or undefined should its part not check out; to be asked
 * within `use`, while the index is open). What `use` returns is kept only when every answer file
 * still has the stamp the index records: `use` runs first and the files are checked after it
 * (filesUnchanged), so that with a probe the check overlaps prep's own work. Undefined when the
 * list is not served from the cache.
 */
export async function withDeckList<T>(root: string, listing: Listing & { source?: ListingSource }, use: (list: DeckList, summary: () => DeckSummary | undefined) => T, probe?: DeckProbe): Promise<T | undefined> {
  const read = withIndex(root, (index) => {
    const bytes = index.part(STAMPS);
    const numbers = bytes && stampsOf(listing.files, bytes);
    if (!numbers) return undefined;
    const file = path.join(cacheDirFor(root), LIST_NAME);
    const sha256 = index.header.listSha256;
    let listGood: boolean | undefined;
    const listBytes = () => {
      let list: Buffer | undefined;
      try {
        list = readFileSync(file);
      } catch {
        // missing
      }
      listGood = list !== undefined && sha256Hex(list) === sha256;
      return listGood ? list : undefined;
    };
    const summary = () => {
      try {
        return summaryOf(index, listing);
      } catch {
        return undefined;
      }
    };
    try {
      const value = use({ sha256, file, bytes: listBytes, errors: index.header.errors + countErrors(listing.problems) }, summary);
      if (listGood === false) rewriteList(index, listing, file);
      return { value, numbers, stampsSha256: index.header.partsSha256[STAMPS]! };
    } catch (error) {
      // `use` may have found the list not as the index says (a stats view reading a card from it): made again here.
      if (listGood === undefined) listBytes();
      if (listGood === false) rewriteList(index, listing, file);
      throw error;
    }
  });
  // find sees what the walk sees only when the walk's record answered (no links, one file system).
  const usable = listing.source === 'record' ? probe : undefined;
  if (!read || !usable) probe?.cancel();
  if (!read) return undefined;
  return (await filesUnchanged(root, listing.files, read.numbers, read.stampsSha256, usable)) ? read.value : undefined;
}
