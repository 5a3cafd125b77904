/**
 * One writer per progress file: `<progress file>.lock` holds the writer's pid, host, start time and
 * a random token. It is written in full to a temp file and then hard-linked into place, so the lock
 * appears atomically and is never seen half-written. A lock whose process is gone (same host, pid
 * not running) is stale and is taken over. On Linux the lock also records which process it was (boot
 * id and the process's start time, from /proc), so a pid the system has since given to another
 * program, or a lock from before a reboot, is seen as stale too. Caveats (documented in README):
 * elsewhere a reused pid makes a stale lock look alive; a lock from another host cannot be checked
 * and is always respected.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrepError } from '../core/errors.js';
import { errnoCode, nodeFs, writeAll, type FsLayer } from './fs-layer.js';
import { tempNameFor } from './atomic-write.js';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  token: string;
  /** Which process holds it, beyond its pid (see processIdentity); absent where it cannot be known. */
  process?: string;
}

export class ProgressLockedError extends PrepError {
  override name = 'ProgressLockedError';
  constructor(
    readonly lockFile: string,
    readonly holder: LockInfo | null,
    message: string,
  ) {
    super(message);
  }
}

export interface HeldLock {
  readonly file: string;
  readonly info: LockInfo;
  /** Removes the lock if it is still ours. Idempotent; never throws. */
  release(): void;
}

/** Tokens of the locks this process holds. */
const heldHere = new Set<string>();

/** How long an unreadable lock file may be "being written" before it counts as stale (hard links unsupported). */
const UNREADABLE_GRACE_MS = 10_000;

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, belongs to someone else
  }
}

/**
 * `boot id/start time` of process `pid` on Linux (the start time in clock ticks since boot, field 22
 * of /proc/<pid>/stat): unlike the pid, it is never the same for two processes. Undefined where /proc
 * does not tell (other systems, or the process is gone).
 */
export function processIdentity(pid: number, readText: (file: string) => string = (file) => readFileSync(file, 'utf8')): string | undefined {
  try {
    const bootId = readText('/proc/sys/kernel/random/boot_id').trim();
    const stat = readText(`/proc/${pid}/stat`);
    // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTime = fields[19]; // field 22; the fields after the name start at field 3
    return bootId && startTime && /^\d+$/.test(startTime) ? `${bootId}/${startTime}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when the lock's process is certainly gone although its pid is in use: the system was rebooted
 * since, or the pid now belongs to a process started later.
 */
function pidReused(holder: LockInfo, identityOf: (pid: number) => string | undefined): boolean {
  if (holder.process === undefined) return false; // written where /proc is not available: nothing to compare
  const now = identityOf(holder.pid);
  return now !== undefined && now !== holder.process;
}

function readLock(file: string, layer: FsLayer): LockInfo | null {
  const text = layer.readFileSync(file).toString('utf8');
  try {
    const value = JSON.parse(text) as Partial<LockInfo>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string') {
      const info: LockInfo = { pid: value.pid, host: value.host, startedAt: String(value.startedAt ?? ''), token: value.token };
      if (typeof value.process === 'string') info.process = value.process;
      return info;
    }
  } catch {
    // fall through
  }
  return null;
}

type Verdict = { state: 'held'; holder: LockInfo | null } | { state: 'stale'; holder: LockInfo | null } | { state: 'gone' };

function judge(file: string, layer: FsLayer, identityOf: (pid: number) => string | undefined): Verdict {
  let holder: LockInfo | null;
  try {
    holder = readLock(file, layer);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { state: 'gone' };
    throw error;
  }
  if (holder === null) {
    let age = 0;
    try {
      age = Date.now() - layer.statSync(file).mtimeMs;
    } catch {
      return { state: 'gone' };
    }
    // A modification time far in the future means the clock was set back since: not a lock being written now.
    return Math.abs(age) > UNREADABLE_GRACE_MS ? { state: 'stale', holder } : { state: 'held', holder };
  }
  if (holder.host !== os.hostname()) return { state: 'held', holder };
  // Our own pid: held if this process really holds it, else a lock from before a reboot that reused the pid.
  if (holder.pid === process.pid) return heldHere.has(holder.token) ? { state: 'held', holder } : { state: 'stale', holder };
  return isProcessAlive(holder.pid) && !pidReused(holder, identityOf) ? { state: 'held', holder } : { state: 'stale', holder };
}

function lockedMessage(progressFile: string, lockFile: string, holder: LockInfo | null): string {
  if (holder === null) return `${progressFile} is in use by another prep (lock file ${lockFile}); finish that session first, or delete the lock file if no prep is running.`;
  const since = holder.startedAt ? ` since ${holder.startedAt}` : '';
  if (holder.pid === process.pid && holder.host === os.hostname()) return `${progressFile} is already open in this prep process; close it before opening it again.`;
  return `${progressFile} is in use by another prep (pid ${holder.pid} on ${holder.host}${since}); finish or quit that session first, or delete ${lockFile} if that process is not prep.`;
}

/**
 * Takes the lock for `progressFile`, recovering a stale one. Throws ProgressLockedError when another
 * live process holds it, PrepError when the folder cannot be written.
 */
export function acquireLock(progressFile: string, now: Date, layer: FsLayer = nodeFs, identityOf: (pid: number) => string | undefined = processIdentity): HeldLock {
  const lockFile = `${progressFile}.lock`;
  const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: now.toISOString(), token: randomBytes(8).toString('hex') };
  const identity = identityOf(process.pid);
  if (identity !== undefined) info.process = identity;
  const content = Buffer.from(`${JSON.stringify(info)}\n`, 'utf8');
  for (let attempt = 0; attempt < 8; attempt++) {
    if (tryCreate(lockFile, content, layer)) {
      cleanLeftovers(lockFile, layer);
      return held(lockFile, info, layer);
    }
    const verdict = judge(lockFile, layer, identityOf);
    if (verdict.state === 'held') throw new ProgressLockedError(lockFile, verdict.holder, lockedMessage(progressFile, lockFile, verdict.holder));
    if (verdict.state === 'stale') takeAway(lockFile, verdict.holder, layer);
  }
  throw new ProgressLockedError(lockFile, null, `${progressFile} is being opened by several prep processes at once; try again in a moment.`);
}

/** Creates the lock file with its full content, atomically. False when it already exists. */
function tryCreate(lockFile: string, content: Buffer, layer: FsLayer): boolean {
  const temp = tempNameFor(lockFile);
  let fd: number | undefined;
  try {
    fd = layer.openSync(temp, 'wx', 0o644);
    writeAll(layer, fd, content);
    // No fsync: a lock only matters while its process lives; one emptied by a power cut is unreadable,
    // which counts as stale after a grace period.
    layer.closeSync(fd);
    fd = undefined;
    try {
      layer.linkSync(temp, lockFile);
      return true;
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'EEXIST') return false;
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') return createWithoutLink(lockFile, content, layer);
      throw error;
    }
  } catch (error) {
    throw new PrepError(`cannot create the lock file ${lockFile} (${errnoCode(error)}); check that its folder is writable`);
  } finally {
    if (fd !== undefined) {
      try {
        layer.closeSync(fd);
      } catch {
        // the original error matters
      }
    }
    try {
      layer.unlinkSync(temp);
    } catch {
      // not created
    }
  }
}

/** For file systems without hard links: exclusive create, then write (readers allow a grace period). */
function createWithoutLink(lockFile: string, content: Buffer, layer: FsLayer): boolean {
  let fd: number;
  try {
    fd = layer.openSync(lockFile, 'wx', 0o644);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    writeAll(layer, fd, content);
    layer.fsyncSync(fd);
  } finally {
    layer.closeSync(fd);
  }
  return true;
}

/**
 * Removes a stale lock without racing another process doing the same: the lock is renamed aside
 * (atomic), and if what was moved is not the lock judged stale (someone took over meanwhile), it is
 * linked back.
 */
function takeAway(lockFile: string, judged: LockInfo | null, layer: FsLayer): void {
  const aside = `${lockFile}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    layer.renameSync(lockFile, aside);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw new PrepError(`cannot remove the stale lock ${lockFile} (${errnoCode(error)}); delete it by hand if no prep is running`);
  }
  let moved: LockInfo | null = null;
  try {
    moved = readLock(aside, layer);
  } catch {
    // unreadable: treat as the one we judged
  }
  if (moved !== null && judged !== null && moved.token !== judged.token) {
    try {
      layer.linkSync(aside, lockFile);
    } catch {
      // someone else holds it now; they will be seen on the next attempt
    }
  }
  try {
    layer.unlinkSync(aside);
  } catch {
    // cleaned next time
  }
}

/** Temp and set-aside lock files left by processes that died while taking a lock. */
function cleanLeftovers(lockFile: string, layer: FsLayer): void {
  const dir = path.dirname(lockFile);
  const base = path.basename(lockFile);
  let names: string[];
  try {
    names = layer.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const match = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(?:tmp|stale)-(\\d+)-`).exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isProcessAlive(pid)) continue;
    try {
      layer.unlinkSync(path.join(dir, name));
    } catch {
      // try next time
    }
  }
}

function held(lockFile: string, info: LockInfo, layer: FsLayer): HeldLock {
  let released = false;
  heldHere.add(info.token);
  return {
    file: lockFile,
    info,
    release() {
      if (released) return;
      released = true;
      heldHere.delete(info.token);
      try {
        const current = readLock(lockFile, layer);
        if (current?.token === info.token) layer.unlinkSync(lockFile);
      } catch {
        // already gone, or the disk refuses; a dead pid makes it stale anyway
      }
    },
  };
}
