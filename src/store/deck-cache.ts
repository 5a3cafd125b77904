/**
 * Loading the deck through a parse cache in `.prep/cache/`, so a warm start neither parses markdown
 * nor loads the markdown parser. This module is deliberately light: it imports no parser, no YAML,
 * no terminal library. The parser is reached only on a cache miss (a dynamic import in
 * `loadDeckAsync`, or the parse function `deck-files.ts` passes to `loadDeckWith`).
 *
 * Layout (both files written atomically: temp file, fsync, rename, fsync the folder):
 * - `deck-index`: four lines. A header (JSON); the stamps (every file's path, size, mtime, ctime,
 *   inode and racy flag: what a warm start checks); the summary (the assembled deck's cards as
 *   `prep list --json` and `prep stats` see them, and its error count); and the entries: one compact
 *   entry per answer file with its stamp, a hash of its bytes, its problems, and its cards without
 *   the section texts. Each of the last three lines has its own SHA-256 in the header, so a reader
 *   verifies and parses only the lines it uses: `list --json` and `stats` read stamps and summary
 *   (`loadDeckSummary`), the rest reads the entries.
 * - `deck-bodies-<id>`: the section texts (the bulk of a deck), concatenated as UTF-8. A card's
 *   `sections[name].markdown` is read from it on first access, checked against a stored checksum.
 *
 * Trust: the header names the format version, the build (parser) and the deck; the payload carries
 * a SHA-256 that must match; every value is type-checked while it is revived. Anything wrong means
 * "no cache": the deck is parsed again and the cache rewritten. A file whose stamp changed is
 * hashed; if its bytes are unchanged its parse is reused, otherwise it is parsed again. A file
 * modified in the same moment the cache was written ("racy") is always checked by hash.
 * Writing the cache may fail (read-only folder, full disk): that only means there is no cache.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  statSync,
  unlinkSync,
  type Dirent,
  type Stats,
} from 'node:fs';
import path from 'node:path';
import { SECTION_NAMES, SPOKEN_VERSIONS, summarizeCard, type Card, type CardSummary, type Section, type SectionName, type SpokenVersion } from '../core/card.js';
import { assembleDeck, type Deck } from '../core/deck.js';
import { PrepError } from '../core/errors.js';
import type { ParsedFile, Problem } from '../markdown/parse.js';
import { jsonText } from '../ui/json.js';
import { writeFileAtomic } from './atomic-write.js';
import { nodeFs } from './fs-layer.js';
import { locationsFor } from './paths.js';

/** Bumped whenever the layout below changes. */
export const DECK_CACHE_VERSION = 3;
const MAGIC = 'prep-deck-cache';
export const INDEX_NAME = 'deck-index';
const BODIES_PREFIX = 'deck-bodies-';
/** `prep list --json` of the whole deck, compact, as printed when stdout is not a terminal. */
const LIST_NAME = 'deck-list-json';

declare const __PREP_BUILD_ID__: string | undefined;
/**
 * Identifies the parser that produced a cache: the build script sets it to a hash of the parser's
 * and the card model's sources and versions, so a new prep never trusts an old prep's parses.
 */
export const BUILD_ID: string = typeof __PREP_BUILD_ID__ === 'string' ? __PREP_BUILD_ID__ : 'source';

/** A file changed this close (ms) to the moment its cache entry was written is verified by hash. */
const RACY_MS = 3000;

const ANSWER_FILE = /\.(md|markdown)$/i;

// ---------------------------------------------------------------------------------------------
// Walking the deck

/** Answer files under `root` (deck-relative, forward slashes, sorted), and folders that could not be read. */
export function listAnswerFiles(root: string): { files: string[]; problems: Problem[] } {
  const files: string[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();

  const walk = (dir: string, relative: string) => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return;
    }
    if (seen.has(real)) return; // a symlink loop, or the same folder linked twice
    seen.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      problems.push({ file: relative || '.', line: 1, severity: 'error', message: `folder cannot be read (${codeOf(error)}); fix its permissions` });
      return;
    }
    for (const entry of entries) {
      // Hidden folders hold tools' state (.prep, .git, .obsidian), never answers.
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const absolute = dir + path.sep + entry.name; // path.join costs at 10,000 files; dir is already normal
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = statSync(absolute);
          isDir = target.isDirectory();
          isFile = target.isFile();
        } catch {
          if (ANSWER_FILE.test(entry.name)) problems.push({ file: rel, line: 1, severity: 'error', message: 'is a link to a file that does not exist; fix or remove the link' });
          continue;
        }
      }
      if (isDir) walk(absolute, rel);
      else if (isFile && ANSWER_FILE.test(entry.name)) files.push(rel);
    }
  };
  walk(root, '');
  files.sort();
  return { files, problems };
}

export function codeOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'it no longer exists';
  if (code === 'EISDIR') return 'it is a folder';
  return code ?? (error as Error).message;
}

/** The problem for an answer file that cannot be read. */
export function unreadable(file: string, error: unknown): ParsedFile {
  return { cards: [], problems: [{ file, line: 1, severity: 'error', message: `cannot be read (${codeOf(error)}); check that the file exists and you may read it` }] };
}

// ---------------------------------------------------------------------------------------------
// Loading

/** Bytes of one answer file → its cards and problems. Never throws. */
export type ParseBytes = (bytes: Uint8Array, file: string) => ParsedFile;

/** Where the cache of the deck at `deckDir` lives. */
export function cacheDirFor(deckDir: string): string {
  return path.join(locationsFor(deckDir).prepDir, 'cache');
}

/**
 * The deck, through the cache, importing the parser only when some file needs parsing.
 * Same result as `loadDeck` in deck-files.ts.
 */
export async function loadDeckAsync(root: string): Promise<Deck> {
  const plan = planLoad(root);
  const toParse = reuseParses(plan);
  const parse = toParse.length > 0 ? (await import('./deck-files.js')).parseAnswerBytes : undefined;
  return finish(plan, toParse, parse);
}

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
  /** undefined when the file could not be read (its problem is already in `result`). */
  bytes: Uint8Array | undefined;
  hash: string;
  /** A cached parse whose bytes hash the same: only the stamp changed. */
  reuse: RawEntry | undefined;
}

interface Plan {
  root: string;
  listing: { files: string[]; problems: Problem[] };
  results: (ParsedFile | undefined)[];
  /** Raw entries for the next index, by position; undefined for files not to be cached. */
  raws: (RawEntry | undefined)[];
  misses: Miss[];
  cache: OpenCache | undefined;
  needsWrite: boolean;
}

function planLoad(root: string): Plan {
  const listing = listAnswerFiles(root);
  const cache = openCache(root);
  const now = Date.now();
  const results: (ParsedFile | undefined)[] = new Array(listing.files.length);
  const raws: (RawEntry | undefined)[] = new Array(listing.files.length);
  const misses: Miss[] = [];
  let needsWrite = cache === undefined;
  let used = 0;

  const base = root.endsWith(path.sep) ? root : root + path.sep;
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
    let bytes: Uint8Array | undefined;
    try {
      bytes = readFileSync(absolute);
    } catch (error) {
      results[index] = unreadable(file, error);
      misses.push({ index, file, stamp, bytes: undefined, hash: '', reuse: undefined });
      needsWrite = true;
      return;
    }
    const hash = hashBytes(bytes);
    const reuse = cached && cached[E.HASH] === hash ? cached : undefined;
    if (reuse && stamp && cached![E.RACY] === 1 && sameStamp(cached!, stamp)) {
      // A racy entry whose bytes are unchanged: use it; rewrite the index once it is no longer racy.
      const revived = cache!.revive(reuse);
      if (revived) {
        results[index] = revived;
        raws[index] = reuse;
        used++;
        if (!isRacy(stamp, now)) needsWrite = true;
        return;
      }
    }
    misses.push({ index, file, stamp, bytes, hash, reuse });
    needsWrite = true;
  });
  // Files that left the deck: their entries would linger; a rewrite drops them.
  if (cache && used + misses.length < cache.entries.size) needsWrite = true;
  return { root, listing, results, raws, misses, cache, needsWrite };
}

/** Uses the cached parse of files whose bytes did not change; returns the misses that need the parser. */
function reuseParses(plan: Plan): Miss[] {
  const toParse: Miss[] = [];
  for (const miss of plan.misses) {
    if (miss.bytes === undefined) continue; // unreadable: its problem is the result, and it is not cached
    if (miss.reuse && plan.cache) {
      const revived = plan.cache.revive(miss.reuse);
      if (revived) {
        plan.results[miss.index] = revived;
        plan.raws[miss.index] = miss.stamp ? withStamp(miss.reuse, miss.stamp, miss.hash) : undefined;
        continue;
      }
    }
    toParse.push(miss);
  }
  return toParse;
}

function finish(plan: Plan, toParse: Miss[], parse: ParseBytes | undefined): Deck {
  const fresh = new Map<number, { parsed: ParsedFile; miss: Miss }>();
  for (const miss of toParse) {
    if (!parse) throw new Error('deck cache: a file needs parsing but no parser was given');
    const parsed = parse(miss.bytes!, miss.file);
    plan.results[miss.index] = parsed;
    fresh.set(miss.index, { parsed, miss });
  }
  const deck = assembleDeck([{ cards: [], problems: plan.listing.problems }, ...(plan.results as ParsedFile[])]);
  if (plan.needsWrite) {
    try {
      const errors = countErrors(deck.problems) - countErrors(plan.listing.problems);
      writeCache(plan, fresh, { errors, cards: deck.cards.map(summaryRow) }, () => jsonText(deck.cards.map(summarizeCard), false));
    } catch {
      // No cache this time (read-only folder, full disk, …); the deck is loaded all the same.
    }
  }
  return { ...deck, files: plan.listing.files.length };
}

function stampOf(stats: Stats): Stamp {
  return { size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, ino: stats.ino };
}

function sameStamp(entry: RawEntry, stamp: Stamp): boolean {
  return entry[E.SIZE] === stamp.size && entry[E.MTIME] === stamp.mtimeMs && entry[E.CTIME] === stamp.ctimeMs && entry[E.INO] === stamp.ino;
}

function isRacy(stamp: Stamp, writtenAt: number): boolean {
  return stamp.mtimeMs >= writtenAt - RACY_MS || stamp.ctimeMs >= writtenAt - RACY_MS;
}

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
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

/** An opened, verified cache. */
interface OpenCache {
  entries: Map<string, RawEntry>;
  writtenAt: number;
  bodiesName: string;
  bodiesSize: number;
  bodies: BodyReader;
  /** The entry as cards and problems, or undefined (and the entry forgotten) when it does not check out. */
  revive(entry: RawEntry): ParsedFile | undefined;
}

interface Header {
  magic: string;
  version: number;
  build: string;
  deck: string;
  writtenAt: number;
  bodies: string;
  bodiesSize: number;
  stampsSha256: string;
  summarySha256: string;
  payloadSha256: string;
  /** SHA-256 of the deck-list-json file this index goes with. */
  listSha256: string;
}

function openCache(root: string): OpenCache | undefined {
  const dir = cacheDirFor(root);
  let buffer: Buffer;
  try {
    buffer = readFileSync(path.join(dir, INDEX_NAME));
  } catch {
    return undefined;
  }
  try {
    const newline = buffer.indexOf(0x0a);
    if (newline < 0 || newline > 4096) throw new CorruptCache();
    const header = JSON.parse(buffer.subarray(0, newline).toString('utf8')) as Partial<Header>;
    if (
      header === null ||
      typeof header !== 'object' ||
      header.magic !== MAGIC ||
      header.version !== DECK_CACHE_VERSION ||
      header.build !== BUILD_ID ||
      header.deck !== path.resolve(root) ||
      !isNum(header.writtenAt) ||
      !isStr(header.bodies) ||
      !header.bodies.startsWith(BODIES_PREFIX) ||
      header.bodies.includes('/') ||
      header.bodies.includes('\\') ||
      !isInt(header.bodiesSize) ||
      !isStr(header.payloadSha256)
    ) {
      return undefined;
    }
    const lines = splitLines(buffer, newline);
    if (!lines || sha256(lines[0]) !== header.stampsSha256 || sha256(lines[1]) !== header.summarySha256) return undefined; // rewritten whole
    const payload = lines[2];
    if (sha256(payload) !== header.payloadSha256) return undefined;
    const list: unknown = JSON.parse(payload.toString('utf8'));
    if (!Array.isArray(list)) return undefined;
    const entries = new Map<string, RawEntry>();
    for (const raw of list) {
      const entry = checkEntry(raw);
      entries.set(entry[E.FILE], entry);
    }
    const bodies = openBodies(path.join(dir, header.bodies), header.bodiesSize);
    if (!bodies) return undefined;
    return {
      entries,
      writtenAt: header.writtenAt,
      bodiesName: header.bodies,
      bodiesSize: header.bodiesSize,
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
  } catch {
    return undefined;
  }
}

interface BodyReader {
  path: string;
  size: number;
  read(offset: number, length: number): Buffer;
}

/** Opens the bodies file now, so a later rewrite of the cache (rename over it) cannot change what we read. */
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
  return {
    path: file,
    size,
    read(offset, length) {
      const out = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, out, done, length - done, offset + done);
        if (n <= 0) throw new CorruptCache();
        done += n;
      }
      return out;
    },
  };
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
    for (const rs of rawSections as unknown[]) {
      if (!Array.isArray(rs) || rs.length !== 6) throw new CorruptCache();
      const [name, sLine, spokenSec, offset, length, sum] = rs as unknown[];
      if (!isStr(name) || !SECTION_SET.has(name) || !isInt(sLine) || !isNum(spokenSec) || !isInt(offset) || !isInt(length) || !isInt(sum)) throw new CorruptCache();
      if (offset + length > bodies.size || Object.prototype.hasOwnProperty.call(sections, name)) throw new CorruptCache();
      sections[name as SectionName] = lazySection(sLine, spokenSec, () => readBody(bodies, offset, length, sum, root, file, id, name as SectionName));
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

/** A section whose text is read on first use, then kept as an ordinary property. */
function lazySection(line: number, spokenSec: number, load: () => string): Section {
  const section = {
    get markdown(): string {
      const value = load();
      Object.defineProperty(section, 'markdown', { value, writable: true, enumerable: true, configurable: true });
      return value;
    },
    set markdown(value: string) {
      Object.defineProperty(section, 'markdown', { value, writable: true, enumerable: true, configurable: true });
    },
    line,
    spokenSec,
  };
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
  try {
    unlinkSync(path.join(cacheDirFor(root), INDEX_NAME));
  } catch {
    // read-only, or already gone
  }
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

/** Cards and problems of one file in the compact form, with their bodies appended to `out`; undefined if the shape is not one this version knows. */
function toRaw(file: string, parsed: ParsedFile, stamp: Stamp, hash: string, out: BodyWriter): RawEntry | undefined {
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
      sections.push([name, section.line, section.spokenSec, out.add(bytes), bytes.length, checksum(bytes)]);
    }
    cards.push([c.id, c.idSource, c.question, c.tags, c.company, c.timeLimitSec, c.timeLimitSource, c.line, sections, c.keyPoints, c.keyPointsSource, c.followUps, c.contentHash]);
  }
  return [file, stamp.size, stamp.mtimeMs, stamp.ctimeMs, stamp.ino, hash, 0, problems, cards];
}

interface BodyWriter {
  add(bytes: Uint8Array): number;
}

function writeCache(plan: Plan, fresh: Map<number, { parsed: ParsedFile; miss: Miss }>, summary: { errors: number; cards: SummaryRow[] }, listJson: () => string): void {
  const dir = cacheDirFor(plan.root);
  mkdirSync(dir, { recursive: true });
  const writtenAt = Date.now();
  const old = plan.cache;
  // A new bodies file is needed when something was parsed, or there is no usable old one.
  const newBodies = fresh.size > 0 || !old;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const writer: BodyWriter = {
    add(bytes) {
      const offset = size;
      chunks.push(bytes);
      size += bytes.length;
      return offset;
    },
  };
  const entries: RawEntry[] = [];
  plan.listing.files.forEach((file, index) => {
    const parsed = fresh.get(index);
    let entry: RawEntry | undefined;
    if (parsed) entry = parsed.miss.stamp ? toRaw(file, parsed.parsed, parsed.miss.stamp, parsed.miss.hash, writer) : undefined;
    else entry = plan.raws[index];
    if (!entry) return;
    if (newBodies && !parsed && old) entry = copyBodies(entry, old.bodies, writer);
    // Racy: changed so recently that a further change could keep the same stamp.
    const racy = entry[E.MTIME] >= writtenAt - RACY_MS || entry[E.CTIME] >= writtenAt - RACY_MS ? 1 : 0;
    if (racy !== entry[E.RACY]) {
      entry = [...entry] as RawEntry;
      entry[E.RACY] = racy;
    }
    entries.push(entry);
  });

  let bodiesName = old?.bodiesName ?? '';
  let bodiesSize = old?.bodiesSize ?? 0;
  if (newBodies) {
    bodiesName = `${BODIES_PREFIX}${writtenAt.toString(36)}-${randomBytes(4).toString('hex')}`;
    bodiesSize = size;
    writeFileAtomic(path.join(dir, bodiesName), chunks, nodeFs, { syncFolder: false });
  }
  const payload = Buffer.from(JSON.stringify(entries), 'utf8');
  // The summary holds only when every listed file has its entry (else a warm start finds a file missing and falls back).
  const stampList: (string[] | number[])[] = [entries.map((e) => e[E.FILE]), entries.flatMap((e) => [e[E.SIZE], e[E.MTIME], e[E.CTIME], e[E.INO], e[E.RACY]])];
  const stamps = Buffer.from(JSON.stringify(stampList), 'utf8');
  const summaryBytes = Buffer.from(JSON.stringify(summary), 'utf8');
  // Written before the index that names its hash: a crash between the two leaves a mismatch, never a wrong list.
  const listBytes = Buffer.from(`${listJson()}\n`, 'utf8');
  writeFileAtomic(path.join(dir, LIST_NAME), listBytes, nodeFs, { syncFolder: false });
  const header: Header = {
    magic: MAGIC,
    version: DECK_CACHE_VERSION,
    build: BUILD_ID,
    deck: path.resolve(plan.root),
    writtenAt,
    bodies: bodiesName,
    bodiesSize,
    stampsSha256: sha256(stamps),
    summarySha256: sha256(summaryBytes),
    payloadSha256: sha256(payload),
    listSha256: sha256(listBytes),
  };
  const nl = Buffer.from('\n');
  writeFileAtomic(path.join(dir, INDEX_NAME), [Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), stamps, nl, summaryBytes, nl, payload]);
  if (newBodies) removeOldFiles(dir, bodiesName, old?.bodiesName);
}

function copyBodies(entry: RawEntry, from: BodyReader, to: BodyWriter): RawEntry {
  const copy = [...entry] as RawEntry;
  copy[E.CARDS] = entry[E.CARDS].map((card) => {
    const c = [...card] as RawCard;
    c[8] = card[8].map(([name, line, spoken, offset, length, sum]) => [name, line, spoken, to.add(from.read(offset, length)), length, sum] as RawSection);
    return c;
  });
  return copy;
}

/** Deletes the bodies file the old index named, and bodies or temp files an interrupted run left (older than a minute). */
function removeOldFiles(dir: string, keep: string, previous: string | undefined): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const cutoff = Date.now() - 60_000;
  for (const name of names) {
    if (name === keep || !(name.startsWith(BODIES_PREFIX) || name.startsWith(`${INDEX_NAME}.tmp-`) || name.startsWith(`${LIST_NAME}.tmp-`))) continue;
    try {
      if (name === previous || statSync(path.join(dir, name)).mtimeMs < cutoff) unlinkSync(path.join(dir, name));
    } catch {
      // in use elsewhere, or gone already
    }
  }
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

/** [id, question, tags, company, file, line, timeLimitSec, [version, spokenSec, …], keyPoints, to prepare (1) or ready (0), contentHash] */
type SummaryRow = [string, string, string[], string | null, string, number, number, (string | number)[], number, 0 | 1, string];

function summaryRow(card: Card): SummaryRow {
  const s = summarizeCard(card);
  return [s.id, s.question, s.tags, s.company, s.file, s.line, s.timeLimitSec, s.versions.flatMap((v) => [v, s.spokenSec[v]!]), s.keyPoints, s.status === 'to-prepare' ? 1 : 0, s.contentHash];
}

const SPOKEN_SET: ReadonlySet<string> = new Set(SPOKEN_VERSIONS);

function fromSummaryRow(raw: unknown): CardSummary {
  if (!Array.isArray(raw) || raw.length !== 11) throw new CorruptCache();
  const [id, question, tags, company, file, line, timeLimitSec, spoken, keyPoints, toPrepare, contentHash] = raw as unknown[];
  if (!isStr(id) || !isStr(question) || !isStrArray(tags) || !(company === null || isStr(company)) || !isStr(file) || !isInt(line) || !isNum(timeLimitSec)) throw new CorruptCache();
  if (!Array.isArray(spoken) || spoken.length % 2 !== 0 || !isInt(keyPoints) || (toPrepare !== 0 && toPrepare !== 1) || !isStr(contentHash)) throw new CorruptCache();
  const versions: SpokenVersion[] = [];
  const spokenSec: Partial<Record<SpokenVersion, number>> = {};
  for (let i = 0; i < spoken.length; i += 2) {
    const name = spoken[i];
    const sec = spoken[i + 1];
    if (!isStr(name) || !SPOKEN_SET.has(name) || !isNum(sec) || Object.prototype.hasOwnProperty.call(spokenSec, name)) throw new CorruptCache();
    versions.push(name as SpokenVersion);
    spokenSec[name as SpokenVersion] = sec;
  }
  return { id, question, tags, company, file, line, timeLimitSec, versions, spokenSec, keyPoints, status: toPrepare === 1 ? 'to-prepare' : 'ready', contentHash };
}

const countErrors = (problems: readonly Problem[]) => problems.reduce((n, p) => n + (p.severity === 'error' ? 1 : 0), 0);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The three lines after the header (stamps, summary, entries), or undefined when the layout is wrong. */
function splitLines(buffer: Buffer, headerEnd: number): [Buffer, Buffer, Buffer] | undefined {
  const a = buffer.indexOf(0x0a, headerEnd + 1);
  if (a < 0) return undefined;
  const b = buffer.indexOf(0x0a, a + 1);
  if (b < 0) return undefined;
  return [buffer.subarray(headerEnd + 1, a), buffer.subarray(a + 1, b), buffer.subarray(b + 1)];
}

/**
 * The deck's summary: from the cache's stamps and summary lines alone when every answer file is
 * unchanged (one stat per file; no card revived, no section text read, no parser loaded), else
 * from a full load through the cache (which rewrites it). Same result as summarising `loadDeckAsync`.
 */
export async function loadDeckSummary(root: string): Promise<DeckSummary> {
  const listing = listAnswerFiles(root);
  const cached = summaryFromCache(root, listing.files);
  if (cached) return { ...cached, errors: cached.errors + countErrors(listing.problems) };
  const deck = await loadDeckAsync(root);
  return { cards: deck.cards.map(summarizeCard), files: deck.files, errors: countErrors(deck.problems) };
}

/**
 * The index, when its header is this build's and this deck's and every answer file still has the
 * stamp it records (one stat per file): its header and lines, else undefined.
 */
function freshIndex(root: string, files: readonly string[]): { header: Partial<Header>; lines: [Buffer, Buffer, Buffer] } | undefined {
  let buffer: Buffer;
  try {
    buffer = readFileSync(path.join(cacheDirFor(root), INDEX_NAME));
  } catch {
    return undefined;
  }
  try {
    const newline = buffer.indexOf(0x0a);
    if (newline < 0 || newline > 4096) return undefined;
    const header = JSON.parse(buffer.subarray(0, newline).toString('utf8')) as Partial<Header>;
    if (header === null || typeof header !== 'object' || header.magic !== MAGIC || header.version !== DECK_CACHE_VERSION || header.build !== BUILD_ID || header.deck !== path.resolve(root)) return undefined;
    const lines = splitLines(buffer, newline);
    if (!lines || sha256(lines[0]) !== header.stampsSha256) return undefined;
    const stamps: unknown = JSON.parse(lines[0].toString('utf8'));
    if (!Array.isArray(stamps) || stamps.length !== 2) return undefined;
    const [names, numbers] = stamps as unknown[];
    if (!Array.isArray(names) || !Array.isArray(numbers) || names.length !== files.length || numbers.length !== 5 * files.length) return undefined;
    const base = root.endsWith(path.sep) ? root : root + path.sep;
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      if (names[i] !== file || numbers[5 * i + 4] !== 0) return undefined; // another file set, or an entry checked by hash
      const st = statSync(base + file, { throwIfNoEntry: false });
      if (!st || st.size !== numbers[5 * i] || st.mtimeMs !== numbers[5 * i + 1] || st.ctimeMs !== numbers[5 * i + 2] || st.ino !== numbers[5 * i + 3]) return undefined;
    }
    return { header, lines };
  } catch {
    return undefined;
  }
}

function summaryFromCache(root: string, files: readonly string[]): DeckSummary | undefined {
  const index = freshIndex(root, files);
  if (!index) return undefined;
  const { header, lines } = index;
  try {
    if (sha256(lines[1]) !== header.summarySha256) return undefined;
    const summary: unknown = JSON.parse(lines[1].toString('utf8'));
    if (typeof summary !== 'object' || summary === null) return undefined;
    const { errors, cards } = summary as { errors?: unknown; cards?: unknown };
    if (!isInt(errors) || !Array.isArray(cards)) return undefined;
    return { cards: cards.map(fromSummaryRow), files: files.length, errors };
  } catch {
    return undefined;
  }
}

/**
 * `prep list --json` of the whole deck as compact JSON text (UTF-8, one line ending in a newline), straight from
 * the cache when every answer file is unchanged and the stored text has the hash the index
 * records; undefined otherwise (the caller then uses `loadDeckSummary`, which rebuilds the cache).
 */
export function loadDeckListJson(root: string): Buffer | undefined {
  const index = freshIndex(root, listAnswerFiles(root).files);
  if (!index || !isStr(index.header.listSha256)) return undefined;
  try {
    const bytes = readFileSync(path.join(cacheDirFor(root), LIST_NAME));
    return sha256(bytes) === index.header.listSha256 ? bytes : undefined;
  } catch {
    return undefined;
  }
}
