/**
 * Daily backups of the progress file: on the first open of a study day (4 a.m. rollover), the
 * validated state (snapshot with the journal folded in) is written atomically to
 * `<folder>/backups/<name>-YYYY-MM-DD.json`; the newest `keep` are kept. A corrupt file never gets
 * here: the store validates before it backs up.
 */
import path from 'node:path';
import type { ProgressData } from '../core/progress-model.js';
import { studyDay } from '../core/study-day.js';
import { writeFileAtomic } from './atomic-write.js';
import { nodeFs, type FsLayer } from './fs-layer.js';
import { serializeSnapshot } from './progress-schema.js';

export const BACKUPS_KEPT = 7;

export function backupsDirFor(progressFile: string): string {
  return path.join(path.dirname(progressFile), 'backups');
}

function stemOf(progressFile: string): string {
  return path.basename(progressFile).replace(/\.json$/i, '');
}

function patternFor(progressFile: string): RegExp {
  const stem = stemOf(progressFile).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${stem}-(\\d{4}-\\d\\d-\\d\\d)\\.json$`);
}

/** Backups of `progressFile`, newest first, as absolute paths. */
export function listBackups(progressFile: string, layer: FsLayer = nodeFs): string[] {
  return backupsAmong(progressFile, namesIn(backupsDirFor(progressFile), layer));
}

/** The names in `dir`; none when it cannot be read. */
function namesIn(dir: string, layer: FsLayer): string[] {
  try {
    return layer.readdirSync(dir);
  } catch {
    return [];
  }
}

function backupsAmong(progressFile: string, names: readonly string[]): string[] {
  const dir = backupsDirFor(progressFile);
  const pattern = patternFor(progressFile);
  return names
    .filter((name) => pattern.test(name))
    .sort()
    .reverse()
    .map((name) => path.join(dir, name));
}

function todaysBackup(progressFile: string, now: Date, timeZone?: string): string {
  return path.join(backupsDirFor(progressFile), `${stemOf(progressFile)}-${studyDay(now, timeZone)}.json`);
}

/** Whether today's backup is already written (then opening need not keep the snapshot's bytes for it). */
export function hasTodaysBackup(progressFile: string, now: Date, layer: FsLayer = nodeFs, timeZone?: string): boolean {
  try {
    layer.statSync(todaysBackup(progressFile, now, timeZone));
    return true;
  } catch {
    return false;
  }
}

export interface BackupResult {
  /** The backup written now, if today's did not exist yet. */
  written: string | null;
  removed: string[];
}

/**
 * Writes today's backup if there is none yet, then keeps the newest `keep`. `content` is the state,
 * or a function giving its file text (called only when a backup is due: the raw snapshot bytes when
 * the journal holds nothing more, which spares serializing 100,000 reviews).
 */
export function ensureDailyBackup(progressFile: string, content: ProgressData | (() => string | Uint8Array), now: Date, options: { layer?: FsLayer; keep?: number; timeZone?: string } = {}): BackupResult {
  const layer = options.layer ?? nodeFs;
  const keep = options.keep ?? BACKUPS_KEPT;
  const dir = backupsDirFor(progressFile);
  const target = todaysBackup(progressFile, now, options.timeZone);
  layer.mkdirSync(dir, { recursive: true });
  // One listing serves the temp cleanup and the list of backups (drill opens this on every start).
  const names = namesIn(dir, layer);
  removeBackupTemps(dir, names, progressFile, layer);
  let written: string | null = null;
  const existing = backupsAmong(progressFile, names);
  if (!existing.includes(target)) {
    writeFileAtomic(target, typeof content === 'function' ? content() : serializeSnapshot(content), layer);
    written = target;
  }
  const removed: string[] = [];
  // Names sort by day; with the clock set back, today's may not be the newest, and it is kept anyway.
  // Only the lock holder writes backups: the listing plus the one just written is the folder now.
  const all = written === null ? existing : backupsAmong(progressFile, [...names, path.basename(written)]);
  for (const old of all.slice(keep)) {
    if (old === target) continue;
    try {
      layer.unlinkSync(old);
      removed.push(old);
    } catch {
      // try again tomorrow
    }
  }
  return { written, removed };
}

/** Temp files of backups a crash interrupted (`<name>-DAY.json.tmp-*`). Only the lock holder writes backups. */
function removeBackupTemps(dir: string, names: readonly string[], progressFile: string, layer: FsLayer): void {
  const prefix = `${stemOf(progressFile)}-`;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.includes('.json.tmp-')) continue;
    try {
      layer.unlinkSync(path.join(dir, name));
    } catch {
      // try next time
    }
  }
}
