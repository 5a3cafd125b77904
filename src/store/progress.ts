/**
 * The progress store: the user's rehearsal history on disk.
 *
 * Layout, in the folder of the progress file (default `.prep/progress.json`):
 * - `progress.json`: the snapshot, readable JSON with `schemaVersion` (one card or review per line);
 * - `progress.journal`: events since the snapshot, one JSON line each, fsynced on every append, so
 *   one grade costs one small append however long the history is;
 * - `progress.json.lock`: the one writer's lock; `backups/`: one validated copy per study day;
 * - `progress.json.checked`: facts about a big snapshot already checked whole, so that a drill's
 *   start does not read all its reviews again (a shortcut only; see CheckedFacts below).
 *
 * Compaction writes the snapshot atomically (temp, fsync, rename, fsync folder) and then empties the
 * journal. Every journal line carries a seq and the snapshot records the last seq it holds, so a crash
 * between the two steps never applies an event twice. A file that fails validation is never written,
 * backed up or "repaired": the store refuses to open it and says how to restore a backup.
 */
import { readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { PrepError } from '../core/errors.js';
import { applyEvent, applyReview, emptyProgress, type LogEntry, type ProgressData, type ProgressEvent, type Review } from '../core/progress-model.js';
import type { RecentReviews } from '../core/pick.js';
import { removeTempFiles, writeFileAtomic } from './atomic-write.js';
import { sha256Hex } from './checksum.js';
import { ensureDailyBackup, hasTodaysBackup, listBackups } from './backups.js';
import { errnoCode, nodeFs, readAllFd, syncFolder, writeAll, type FsLayer } from './fs-layer.js';
import { parseJournal } from './journal.js';
import { acquireLock, type HeldLock } from './lock.js';
import {
  bulkOffsets,
  journalLineFromJson,
  logFromBytes,
  reviewsFromBytes,
  reviewsSinceFromBytes,
  serializeJournalLine,
  serializeSnapshot,
  snapshotFromBytes,
  snapshotFromChunks,
  snapshotFromJson,
  snapshotWithoutBulk,
  type BulkOffsets,
  type SnapshotLayout,
} from './progress-schema.js';
import { journalFileFor, type Locations } from './paths.js';

export { ProgressLockedError } from './lock.js';
export { journalFileFor } from './paths.js';
export { listBackups, backupsDirFor } from './backups.js';

/** The progress file (or its journal) cannot be used as it is. It was left exactly as found. */
export class ProgressFileError extends PrepError {
  override name = 'ProgressFileError';
  constructor(
    readonly file: string,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export { defaultProgressFile } from './paths.js';

export interface ProgressStore {
  readonly file: string;
  readonly data: ProgressData;
  /** seq for the next Review. */
  nextSeq(): number;
  /** Applies the event and makes it durable (fsync) before returning; on failure throws PrepError and `data` is unchanged. */
  append(event: ProgressEvent): void;
  /** Folds the journal into the snapshot now (atomic). */
  compact(): void;
  /** Compacts when worthwhile and releases the lock; idempotent; never throws (safe in a SIGINT handler): a failed compaction becomes a warning. */
  close(): void;
  /** Things the user may want to know that did not stop the store: a backup that failed on open, a compaction that failed on close. */
  readonly warnings: readonly string[];
  /**
   * The reviews since `since` and whether a card had a scheduled review before, without reading
   * the whole history when it has not been read yet (see CheckedFacts); null: use `data.reviews`.
   */
  recentReviews(since: Date): RecentReviews | null;
}

export interface OpenOptions {
  now: Date;
  /** Injected file-system layer (tests inject faults); default: node:fs. */
  fs?: FsLayer;
  /** Time zone for the study day that names the daily backup (default: the machine's). */
  timeZone?: string;
  backupsKept?: number;
}

interface LoadedState {
  data: ProgressData;
  snapshotExists: boolean;
  snapshotSize: number;
  journalExists: boolean;
  /** Bytes of valid journal lines; a torn tail after them is cut on open. */
  journalGoodLength: number;
  journalSize: number;
  /** Journal entries not yet in the snapshot. */
  pending: number;
  /** The snapshot as read, when asked for (the daily backup, when nothing is pending); dropped after open. */
  snapshotBytes: Buffer | null;
  /** Reviews not read yet (the snapshot's bytes were checked before); null when `data.reviews` is all there. */
  lazy: LazyReviews | null;
  /** Facts to record for the next open, after this one checked a big snapshot whole. */
  checked: { bytes: Buffer; facts: CheckedFacts } | null;
}

function badFileMessage(file: string, reason: string, progressFile: string, layer: FsLayer): string {
  const newest = listBackups(progressFile, layer)[0];
  const restore = newest
    ? `restore the newest backup (cp "${newest}" "${progressFile}" and delete "${journalFileFor(progressFile)}"), or move the file aside to start over`
    : 'there is no backup yet; fix the file by hand or move it aside to start over';
  return `${file} cannot be used (${reason}); it was kept untouched and prep will not write to it. To go on, ${restore}.`;
}

function newerMessage(file: string, version: number): string {
  return `${file} was written by a newer prep (schema version ${version}); it was kept untouched. Upgrade prep (npm install -g prep@latest) to use it.`;
}

/** Opens and reads `file`; the caller closes the fd (holding it keeps the inode from being reused). */
function readIfExists(file: string, layer: FsLayer): { bytes: Buffer; ino: number; fd: number } | null {
  let fd: number;
  try {
    fd = layer.openSync(file, 'r');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw new PrepError(`cannot read ${file} (${errnoCode(error)}); check its permissions`);
  }
  try {
    return { bytes: readAllFd(layer, fd), ino: layer.fstatSync(fd).ino, fd };
  } catch (error) {
    layer.closeSync(fd);
    throw new PrepError(`cannot read ${file} (${errnoCode(error)}); check the disk and try again`);
  }
}

function inodeOf(file: string, layer: FsLayer): number | null {
  try {
    return layer.statSync(file).ino;
  } catch {
    return null;
  }
}

/**
 * Reads snapshot + journal as one consistent state. A compaction can replace the snapshot and empty
 * the journal between our two reads; the snapshot's inode tells, and we read again. The snapshot
 * stays open until that check, so its inode cannot be freed and handed to a newer snapshot meanwhile.
 */
function loadState(file: string, layer: FsLayer, keepSnapshotBytes = false, trustChecked = false): LoadedState {
  const journal = journalFileFor(file);
  for (let attempt = 0; ; attempt++) {
    let snapshot = readIfExists(file, layer);
    let journalRead: ReturnType<typeof readIfExists>;
    let inoNow: number | null;
    try {
      journalRead = readIfExists(journal, layer);
      if (journalRead) layer.closeSync(journalRead.fd);
      inoNow = inodeOf(file, layer);
    } finally {
      if (snapshot) layer.closeSync(snapshot.fd);
    }
    if ((snapshot?.ino ?? null) !== inoNow) {
      if (attempt < 50) continue;
      throw new PrepError(`${file} kept changing while it was being read (another prep is saving); try again in a moment`);
    }
    // Decoded once; the bytes are kept only when the caller needs them (today's backup is due), so a
    // big history is not held in memory three times over (bytes, text, parsed) while it is read.
    const bytes = snapshot?.bytes ?? null;
    snapshot = null;
    return buildState(file, journal, bytes, keepSnapshotBytes, journalRead?.bytes ?? null, layer, trustChecked);
  }
}

function buildState(file: string, journal: string, snapshotBytes: Buffer | null, keepSnapshotBytes: boolean, journalBytes: Buffer | null, layer: FsLayer, trustChecked: boolean): LoadedState {
  let data: ProgressData;
  let lazy: LazyReviews | null = null;
  let checkedNow: LoadedState['checked'] = null;
  const snapshotSize = snapshotBytes?.length ?? null;
  const known = trustChecked && snapshotBytes !== null ? readCheckedFacts(file, snapshotBytes, layer) : null;
  const layout = known && snapshotWithoutBulk(snapshotBytes!, known.offsets);
  if (layout) {
    // The same bytes were checked whole before (their SHA-256 says so): the top level and the cards
    // are checked again here, the reviews and the log when something needs them (LazyReviews, lazyLog).
    data = layout.data;
    lazy = new LazyReviews(file, data, snapshotBytes!, layout, known!);
    lazyLog(file, data, snapshotBytes!, known!.offsets);
  } else if (snapshotBytes === null) {
    data = emptyProgress();
  } else {
    // A big file in our own layout is read in slices (peak memory); anything else, or any doubt,
    // goes through one JSON.parse and the schema, which explain what is wrong.
    let checked = snapshotFromBytes(snapshotBytes);
    const ownLayout = checked !== null; // only then can a later open skip the reviews
    if (checked === null) {
      let text: string | null = snapshotBytes.toString('utf8');
      if (text.trim() === '') throw new ProgressFileError(file, 'empty', badFileMessage(file, 'the file is empty', file, layer));
      let json: unknown;
      try {
        json = JSON.parse(text);
        text = null;
      } catch (error) {
        const reason = `not valid JSON, perhaps truncated: ${(error as Error).message}`;
        throw new ProgressFileError(file, reason, badFileMessage(file, reason, file, layer));
      }
      checked = snapshotFromJson(json);
    }
    if (!checked.ok) {
      if (checked.newerVersion !== undefined) throw new ProgressFileError(file, checked.reason, newerMessage(file, checked.newerVersion));
      throw new ProgressFileError(file, checked.reason, badFileMessage(file, checked.reason, file, layer));
    }
    data = checked.data;
    const offsets = trustChecked && ownLayout && snapshotBytes.length >= CHECKED_MIN_BYTES ? bulkOffsets(snapshotBytes) : null;
    if (offsets) checkedNow = { bytes: snapshotBytes, facts: factsOf(data.reviews, offsets) };
  }
  let goodLength = 0;
  let pending = 0;
  if (journalBytes !== null && journalBytes.length > 0) {
    const parsed = parseJournal(journalBytes);
    if (!parsed.ok) {
      const reason = `line ${parsed.line}: ${parsed.reason}`;
      throw new ProgressFileError(journal, reason, badFileMessage(`${journal}:${parsed.line}`, parsed.reason, file, layer));
    }
    goodLength = parsed.goodLength;
    for (const entry of parsed.entries) {
      if (entry.seq <= data.lastSeq) continue; // already in the snapshot (crash after compaction, before the journal was emptied)
      if (lazy) lazy.apply(entry.event);
      else applyEvent(data, entry.event);
      data.lastSeq = Math.max(data.lastSeq, entry.seq);
      pending++;
    }
  }
  return {
    data,
    snapshotExists: snapshotSize !== null,
    snapshotSize: snapshotSize ?? 0,
    journalExists: journalBytes !== null,
    journalGoodLength: goodLength,
    journalSize: journalBytes?.length ?? 0,
    pending,
    snapshotBytes: keepSnapshotBytes ? snapshotBytes : null,
    lazy,
    checked: checkedNow,
  };
}

/** Reads the history without a lock and without writing anything. Missing file: empty history. */
export function readProgress(file: string, options: { fs?: FsLayer } = {}): ProgressData {
  return loadState(file, options.fs ?? nodeFs).data;
}

/** Where readProgressInto hands the reviews; `clear` drops those given so far (it starts over). */
export interface ReviewSink {
  add(review: Review): void;
  clear(): void;
}

/**
 * readProgress for a reader that folds the reviews (stats): every review goes to `sink.add`, the
 * snapshot's in file order, then the journal's; the data returned has no reviews. A big snapshot in
 * prep's own layout is read a slice at a time (snapshotFromChunks), so neither its bytes nor its
 * 100,000 reviews are held at once; anything else, or any doubt, is read as readProgress reads it
 * (and throws what it throws).
 */
export function readProgressInto(file: string, sink: ReviewSink, options: { fs?: FsLayer } = {}): ProgressData {
  const layer = options.fs ?? nodeFs;
  const streamed = readInSlices(file, layer, sink);
  if (streamed) return streamed;
  sink.clear();
  const data = loadState(file, layer).data;
  for (const review of data.reviews) sink.add(review);
  data.reviews = [];
  return data;
}

/**
 * readProgressInto's slice by slice read of a big snapshot, then the journal, as one consistent state
 * (the snapshot's inode unchanged after the journal was read, as loadState checks). Null when the
 * snapshot is missing, small, not in prep's layout or in doubt, when the journal undoes or reattaches
 * (they rewrite reviews already handed over), or when a read fails: readProgress then decides.
 */
function readInSlices(file: string, layer: FsLayer, sink: ReviewSink): ProgressData | null {
  const journal = journalFileFor(file);
  for (let attempt = 0; attempt < 50; attempt++) {
    sink.clear();
    let fd: number;
    try {
      fd = layer.openSync(file, 'r');
    } catch {
      return null;
    }
    try {
      const snapshot = layer.fstatSync(fd);
      const read = (target: Buffer, offset: number, length: number, position: number) => {
        let done = 0;
        while (done < length) {
          const n = layer.readSync(fd, target, offset + done, length - done, position + done);
          if (n <= 0) break;
          done += n;
        }
        return done;
      };
      const checked = snapshotFromChunks(snapshot.size, read, (review) => sink.add(review));
      if (checked === null || !checked.ok) return null;
      const journalRead = readIfExists(journal, layer);
      if (journalRead) layer.closeSync(journalRead.fd);
      if (inodeOf(file, layer) !== snapshot.ino) continue; // replaced meanwhile (compaction): read again
      const data = checked.data;
      if (journalRead && journalRead.bytes.length > 0) {
        const parsed = parseJournal(journalRead.bytes);
        if (!parsed.ok) return null;
        for (const entry of parsed.entries) {
          if (entry.seq <= data.lastSeq) continue; // already in the snapshot
          if (entry.event.type === 'undo' || entry.event.type === 'reattach') return null;
          applyEvent(data, entry.event);
          data.lastSeq = Math.max(data.lastSeq, entry.seq);
        }
      }
      for (const review of data.reviews) sink.add(review); // the journal's
      data.reviews = [];
      return data;
    } catch {
      return null;
    } finally {
      layer.closeSync(fd);
    }
  }
  return null;
}

/** Journals this large are folded into the snapshot on open and on close, whatever the snapshot's size. */
const COMPACT_ENTRIES = 2000;
/** Snapshots this small are rewritten on every close: cheap, and keeps progress.json complete. */
const SMALL_SNAPSHOT = 4 * 1024 * 1024;

/**
 * Opens the history for writing: takes the lock (recovering a stale one), validates snapshot and
 * journal (refusing a bad file untouched), removes leftover temp files, cuts a torn journal tail,
 * writes the day's backup.
 */
export function openProgress(file: string, options: OpenOptions): ProgressStore {
  const layer = options.fs ?? nodeFs;
  const absolute = resolveLink(path.resolve(file));
  const dir = path.dirname(absolute);
  try {
    layer.mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new PrepError(`cannot create ${dir} (${errnoCode(error)}); check that the folder is writable`);
  }
  const lock = acquireLock(absolute, options.now, layer);
  let journalFd: number | undefined;
  let store: Store | undefined;
  try {
    const state = loadState(absolute, layer, !hasTodaysBackup(absolute, options.now, layer, options.timeZone), true);
    removeTempFiles(dir, path.basename(absolute), layer);
    const journal = journalFileFor(absolute);
    try {
      journalFd = layer.openSync(journal, 'a', 0o644);
      if (state.journalSize > state.journalGoodLength) {
        layer.ftruncateSync(journalFd, state.journalGoodLength);
        layer.fsyncSync(journalFd);
      }
      if (!state.journalExists) syncFolder(layer, dir);
    } catch (error) {
      throw new PrepError(`cannot write ${journal} (${errnoCode(error)}); check free space and permissions of ${dir}`);
    }
    store = new Store(absolute, journal, journalFd, lock, layer, state);
    journalFd = undefined;
    if (state.checked) writeCheckedFacts(absolute, state.checked.bytes, state.checked.facts, layer);
    state.checked = null;
    if (!state.snapshotExists) {
      store.compact(); // a new history starts with a real progress.json; failing here is failing to open
      state.pending = 0;
    } else if (state.pending >= COMPACT_ENTRIES) {
      try {
        store.compact();
        state.pending = 0;
      } catch (error) {
        // every grade is safe in the journal; folding it in can wait
        store.warn(error instanceof Error ? error.message : String(error));
      }
      state.snapshotBytes = null;
    }
    try {
      const raw = state.pending === 0 && state.snapshotExists ? state.snapshotBytes : null;
      ensureDailyBackup(absolute, raw ? () => raw : store.data, options.now, { layer, ...(options.backupsKept !== undefined ? { keep: options.backupsKept } : {}), ...(options.timeZone !== undefined ? { timeZone: options.timeZone } : {}) });
    } catch (error) {
      store.warn(`could not write today's backup in ${path.join(dir, 'backups')} (${errnoCode(error)}); your progress is saved, but check free space`);
    }
    state.snapshotBytes = null;
    return store;
  } catch (error) {
    if (store !== undefined) store.abandon();
    if (journalFd !== undefined) {
      try {
        layer.closeSync(journalFd);
      } catch {
        // the original error matters
      }
    }
    lock.release();
    if (error instanceof PrepError) throw error;
    throw new PrepError(`cannot open ${absolute} (${errnoCode(error)}); check the disk and the folder's permissions`);
  }
}

/**
 * A progress file that is a symbolic link (kept in a synced folder, say) is written where it points:
 * replacing the link by a plain file would quietly fork the history. The lock and journal sit beside
 * the real file, so every path to it shares them.
 */
function resolveLink(file: string): string {
  let current = file;
  for (let hops = 0; hops < 16; hops++) {
    try {
      return realpathSync(current);
    } catch {
      // missing file, or a link to a file not created yet: follow the link by hand
    }
    try {
      current = path.resolve(path.dirname(current), readlinkSync(current));
    } catch {
      return current; // not a link: a progress file that does not exist yet
    }
  }
  return current;
}

class Store implements ProgressStore {
  readonly data: ProgressData;
  readonly warnings: string[] = [];
  private journalLength: number;
  private pending: number;
  private snapshotSize: number;
  private closed = false;
  /** Set when a failed append could not be rolled back: the journal's end is unknown, so stop writing. */
  private broken: string | null = null;
  private readonly lazy: LazyReviews | null;

  constructor(
    readonly file: string,
    private readonly journal: string,
    private journalFd: number,
    private readonly lock: HeldLock,
    private readonly layer: FsLayer,
    state: LoadedState,
  ) {
    this.data = state.data;
    this.journalLength = state.journalGoodLength;
    this.pending = state.pending;
    this.snapshotSize = state.snapshotSize;
    this.lazy = state.lazy;
  }

  recentReviews(since: Date): RecentReviews | null {
    return this.lazy?.recent(since.getTime()) ?? null;
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  nextSeq(): number {
    return this.data.lastSeq + 1;
  }

  append(event: ProgressEvent): void {
    if (this.closed) throw new PrepError(`${this.file} is closed; this is a bug in prep, please report it`);
    if (this.broken !== null) throw new PrepError(`nothing more can be saved to ${this.journal} after an earlier failure (${this.broken}); quit, fix the disk problem, and run prep again`);
    const seq = event.type === 'review' ? event.review.seq : this.nextSeq();
    if (seq <= this.data.lastSeq) throw new PrepError(`review seq ${seq} is already used (last is ${this.data.lastSeq}); this is a bug in prep, please report it`);
    // An event that rewrites old reviews needs them all: read them before writing, so that a
    // failure to read them is a failure to save, never a saved event reported as failed.
    if (this.lazy && (event.type === 'undo' || event.type === 'reattach')) void this.data.reviews;
    const line = serializeJournalLine(seq, event);
    // Write only what a later load will accept, and apply exactly what it will see.
    const checked = journalLineFromJson(JSON.parse(line));
    if (!checked.ok) throw new PrepError(`cannot save this ${event.type} (${checked.reason}); this is a bug in prep, please report it`);
    const bytes = Buffer.from(line, 'utf8');
    try {
      writeAll(this.layer, this.journalFd, bytes);
      this.layer.fsyncSync(this.journalFd);
    } catch (error) {
      const code = errnoCode(error);
      this.rollback(code);
      throw new PrepError(`could not save to ${this.journal} (${code}): the last ${event.type === 'review' ? 'grade' : 'change'} was NOT saved, earlier ones are safe; ${adviceFor(code)}`);
    }
    this.journalLength += bytes.length;
    this.pending++;
    if (this.lazy) this.lazy.apply(checked.event);
    else applyEvent(this.data, checked.event);
    this.data.lastSeq = Math.max(this.data.lastSeq, seq);
  }

  /** Cuts a half-written line so the journal ends where the last saved event ends. */
  private rollback(code: string): void {
    try {
      this.layer.ftruncateSync(this.journalFd, this.journalLength);
    } catch (error) {
      this.broken = `${code}, then ${errnoCode(error)} while undoing it`;
      return;
    }
    try {
      // Best effort: the next successful append's fsync makes the cut durable anyway, and a line
      // that survives a crash here was never acknowledged (reported as not saved, never the reverse).
      this.layer.fsyncSync(this.journalFd);
    } catch {
      // see above
    }
  }

  compact(): void {
    if (this.closed) throw new PrepError(`${this.file} is closed; this is a bug in prep, please report it`);
    if (this.broken !== null) throw new PrepError(`${this.file} was not rewritten after an earlier failure (${this.broken}); your saved grades are in ${this.journal}`);
    const bytes = Buffer.from(serializeSnapshot(this.data), 'utf8'); // encoded once: written, measured, checked
    try {
      writeFileAtomic(this.file, bytes, this.layer);
    } catch (error) {
      const code = errnoCode(error);
      throw new PrepError(`could not rewrite ${this.file} (${code}); it is unchanged and your grades are safe in ${this.journal}; ${adviceFor(code)}`);
    }
    this.snapshotSize = bytes.length;
    if (this.snapshotSize >= CHECKED_MIN_BYTES) {
      // Written from checked data: the next open need not read all its reviews again.
      const offsets = bulkOffsets(bytes);
      if (offsets) writeCheckedFacts(this.file, bytes, factsOf(this.data.reviews, offsets), this.layer);
    }
    // The snapshot now holds every journal event (by seq); emptying the journal is only tidying.
    try {
      this.layer.ftruncateSync(this.journalFd, 0);
      this.layer.fsyncSync(this.journalFd);
      this.journalLength = 0;
      this.pending = 0;
    } catch (error) {
      this.broken = `${errnoCode(error)} while emptying the journal`;
    }
  }

  private worthCompacting(): boolean {
    if (this.pending === 0) return false;
    return this.snapshotSize < SMALL_SNAPSHOT || this.pending >= COMPACT_ENTRIES || this.journalLength * 8 >= this.snapshotSize;
  }

  /** Closes without compacting (open failed half-way). */
  abandon(): void {
    this.broken ??= 'abandoned';
    this.close();
  }

  close(): void {
    if (this.closed) return;
    try {
      if (this.broken === null && this.worthCompacting()) this.compact();
    } catch (error) {
      // Every grade is already durable in the journal and the next open folds it in; the user is told.
      this.warn(error instanceof Error ? error.message : String(error));
    }
    this.closed = true;
    try {
      this.layer.closeSync(this.journalFd);
    } catch {
      // nothing left to lose
    }
    this.lock.release();
  }
}

function adviceFor(code: string): string {
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'free some disk space and run prep again';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'check that the .prep folder is writable and run prep again';
  return 'check the disk and run prep again';
}

/*
 * Checked facts (`progress.json.checked`, beside the snapshot): after prep has checked a big
 * snapshot whole, or written one itself, it records the snapshot's SHA-256 and size, and what a
 * drill needs of its reviews before the first question: how far out of time order they are, and
 * when each card had its first scheduled review. On the next open, a snapshot with the same SHA-256
 * is the same checked bytes: its cards and log are checked again, its reviews are read only when
 * something needs them all (a compaction, an undo, a reattach, a backup after grades). Any change
 * to the snapshot changes the hash and it is checked whole again, so a damaged file is still
 * refused. The file is only a shortcut: missing, stale or damaged, it is ignored.
 */
/** Bump when the checks of progress-schema.ts get stricter: facts recorded under older checks are then ignored. */
const CHECKED_HEADER = 'prep progress checked 1';
/** Smaller snapshots are read whole faster than their facts are checked. */
const CHECKED_MIN_BYTES = 1 << 20;

interface CheckedFacts {
  /** Where the reviews and the log lie in the snapshot. */
  offsets: BulkOffsets;
  /** No review is more than this older than one before it (ms); 0 when they are in time order. */
  disorderMs: number;
  /** Card id → time of its earliest scheduled review (ms). */
  firstScheduled: Map<string, number>;
}

function checkedFileFor(progressFile: string): string {
  return `${progressFile}.checked`;
}


function factsOf(reviews: readonly Review[], offsets: BulkOffsets): CheckedFacts {
  const firstScheduled = new Map<string, number>();
  let latest = Number.NEGATIVE_INFINITY;
  let disorderMs = 0;
  for (const review of reviews) {
    const at = review.at.getTime();
    if (at > latest) latest = at;
    else disorderMs = Math.max(disorderMs, latest - at);
    if (review.mode !== 'scheduled') continue;
    const first = firstScheduled.get(review.cardId);
    if (first === undefined || at < first) firstScheduled.set(review.cardId, at);
  }
  return { offsets, disorderMs, firstScheduled };
}

function writeCheckedFacts(progressFile: string, snapshot: Buffer, facts: CheckedFacts, layer: FsLayer): void {
  const body = JSON.stringify({ size: snapshot.length, sha256: sha256Hex(snapshot), offsets: facts.offsets, disorderMs: facts.disorderMs, firstScheduled: [...facts.firstScheduled] });
  const file = checkedFileFor(progressFile);
  let fd: number | undefined;
  try {
    // No fsync and no rename: a torn or stale file fails its own hash or the snapshot's, and is ignored.
    fd = layer.openSync(file, 'w', 0o644);
    writeAll(layer, fd, Buffer.from(`${CHECKED_HEADER} ${sha256Hex(body)}\n${body}`, 'utf8'));
  } catch {
    // only a shortcut for the next open
  } finally {
    if (fd !== undefined) {
      try {
        layer.closeSync(fd);
      } catch {
        // see above
      }
    }
  }
}

function readCheckedFacts(progressFile: string, snapshot: Buffer, layer: FsLayer): CheckedFacts | null {
  const read = (() => {
    try {
      return readIfExists(checkedFileFor(progressFile), layer);
    } catch {
      return null;
    }
  })();
  if (read === null) return null;
  try {
    layer.closeSync(read.fd);
  } catch {
    // read already
  }
  try {
    const text = read.bytes.toString('utf8');
    const newline = text.indexOf('\n');
    if (newline === -1 || text.slice(0, newline) !== `${CHECKED_HEADER} ${sha256Hex(text.slice(newline + 1))}`) return null;
    const body = JSON.parse(text.slice(newline + 1)) as { size?: unknown; sha256?: unknown; offsets?: Record<keyof BulkOffsets, unknown>; disorderMs?: unknown; firstScheduled?: unknown };
    const o = body.offsets;
    const offsets = o && [o.reviewsStart, o.reviewsEnd, o.logStart, o.logEnd].every((n) => Number.isSafeInteger(n)) ? (o as BulkOffsets) : null;
    if (offsets === null) return null;
    if (body.size !== snapshot.length || typeof body.disorderMs !== 'number' || !(body.disorderMs >= 0) || !Array.isArray(body.firstScheduled)) return null;
    if (body.sha256 !== sha256Hex(snapshot)) return null;
    const firstScheduled = new Map<string, number>();
    for (const pair of body.firstScheduled as unknown[]) {
      if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'number') return null;
      firstScheduled.set(pair[0], pair[1]);
    }
    return { offsets, disorderMs: body.disorderMs, firstScheduled };
  } catch {
    return null;
  }
}

/** Bytes that hash the same as checked ones failed the checks: only a different prep build can see that. */
function noLongerPassing(file: string, what: string): ProgressFileError {
  const reason = `its ${what} no longer pass the checks of this prep`;
  return new ProgressFileError(file, reason, `${file} cannot be used (${reason}); it was kept untouched. Delete ${checkedFileFor(file)} and run prep again.`);
}

/** `data.log` of a snapshot known by its checked facts: read and checked the first time it is asked for (a drill rarely needs it). */
function lazyLog(file: string, data: ProgressData, bytes: Buffer, at: BulkOffsets): void {
  const settle = (log: LogEntry[]) => Object.defineProperty(data, 'log', { value: log, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(data, 'log', {
    configurable: true,
    enumerable: true,
    get: () => {
      const log = logFromBytes(bytes, at.logStart, at.logEnd);
      if (log === null) throw noLongerPassing(file, 'log entries');
      settle(log);
      return log;
    },
    set: settle,
  });
}

/**
 * `data.reviews` of a snapshot known by its checked facts: read (and checked, as on any open) the
 * first time something asks for the whole list. Until then, reviews appended are kept aside in
 * order, and recent() answers what picking cards needs from the end of the file.
 */
class LazyReviews {
  private bytes: Buffer | null;
  /** Reviews applied since open, in order, while the snapshot's are not read. */
  private added: Review[] = [];

  constructor(
    private readonly file: string,
    private readonly data: ProgressData,
    bytes: Buffer,
    private readonly layout: SnapshotLayout,
    private readonly facts: CheckedFacts,
  ) {
    this.bytes = bytes;
    Object.defineProperty(data, 'reviews', {
      configurable: true,
      enumerable: true,
      get: () => this.load(),
      set: (list: Review[]) => this.settle(list),
    });
  }

  get loaded(): boolean {
    return this.bytes === null;
  }

  private settle(list: Review[]): void {
    this.bytes = null;
    this.added = [];
    Object.defineProperty(this.data, 'reviews', { value: list, writable: true, enumerable: true, configurable: true });
  }

  private load(): Review[] {
    const list = reviewsFromBytes(this.bytes!, this.layout);
    if (list === null) throw noLongerPassing(this.file, 'reviews');
    for (const review of this.added) list.push(review);
    this.settle(list);
    return list;
  }

  /** applyEvent, keeping an appended review aside while the snapshot's reviews are not read. */
  apply(event: ProgressEvent): void {
    if (this.loaded || event.type !== 'review') {
      applyEvent(this.data, event);
      return;
    }
    applyReview(this.data, event, this.added);
  }

  /** countToday's view of the history (pick sorts nothing: the recent reviews come in time order). */
  recent(sinceMs: number): RecentReviews | null {
    if (this.loaded) return null;
    const reviews = reviewsSinceFromBytes(this.bytes!, this.layout, sinceMs, this.facts.disorderMs);
    if (reviews === null) return null;
    const scheduledEarlier = new Set<string>();
    for (const review of this.added) {
      if (review.at.getTime() >= sinceMs) reviews.push(review);
      else if (review.mode === 'scheduled') scheduledEarlier.add(review.cardId);
    }
    // In time order as the whole history would be sorted (stable: equal times keep file order).
    reviews.sort((a, b) => a.at.getTime() - b.at.getTime());
    const first = this.facts.firstScheduled;
    return { sinceMs, reviews, scheduledBefore: (cardId) => scheduledEarlier.has(cardId) || (first.get(cardId) ?? Number.POSITIVE_INFINITY) < sinceMs };
  }
}
