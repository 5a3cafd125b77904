/**
 * A second core for the one stat per answer file of a warm start (Linux only).
 *
 * A warm `list` or `stats` at 10,000 answers spends more time in `statSync` than in anything else
 * of its own: Node 20 makes a Stats object with four Dates per call (about 7 µs here, where the
 * system call itself takes 2). So as the process starts (boot.ts), or else at the start of the
 * command, the system's `find` is started to print the stamp of every answer file (size, inode, ctime to the nanosecond, name) while prep reads
 * its caches on the main thread. If that output is, byte for byte, the one recorded the last time
 * the stat check passed for the same index, no answer file changed since: every change to a file's
 * content or name changes its ctime, its size or the names, and ctime cannot be set back. Any other
 * answer (a different output, no record, find missing or failing, or slower than PROBE_TIMEOUT_MS)
 * means the usual stat check, which records the output again when it passes.
 *
 * Equality, not order: nothing here compares times, so a clock set back (a dual-boot machine whose
 * clock is corrected by hours) cannot hide a change, as `find -newer` would.
 *
 * The record (`deck-probe` in the cache folder) holds the output's SHA-256 and length, the SHA-256
 * of the index's stamps part it was checked against, the deck and the build. The output itself goes
 * to a file that is unlinked before find starts, so nothing is left behind.
 *
 * Only where it helps and is known to work: Linux (GNU find's -printf; busybox or BSD find fail and
 * are recorded as failing for a day), more than one core, and a deck whose folders were answered
 * from the walk's record (deck-walk.ts: no links, one file system), so find sees what the walk sees.
 */
import type { ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync, readSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { BUILD_ID } from './build-id.js';
import { sha256Hex } from './checksum.js';
import { nodeFs } from './fs-layer.js';

export const PROBE_RECORD_NAME = 'deck-probe';
const MAGIC = 'prep-deck-probe 1';
/** find takes 40–90 ms at 10,000 files; past this, the stat check is the faster way. */
const PROBE_TIMEOUT_MS = 2000;
/** A find that failed is not tried again for this long. */
const RETRY_AFTER_MS = 24 * 3600_000;

interface ProbeRecord {
  magic: string;
  build: string;
  deck: string;
  /** SHA-256 of the index's stamps part the output was seen to agree with. */
  stamps?: string;
  output?: string;
  length?: number;
  /** When find last failed here (ms since 1970); no output is recorded then. */
  failedAt?: number;
}

/** A running probe: its output once find is done (undefined when it failed), and the record it will be compared with. */
export interface DeckProbe {
  output(): Promise<Buffer | undefined>;
  /** Stops find when its answer is not needed. */
  cancel(): void;
  readonly recorded: ProbeRecord | undefined;
  readonly root: string;
  readonly cacheDir: string;
}

/**
 * Starts find on the answer files of the deck at `root`, when it can help: Linux, more
 * than one core, an existing cache folder, and no failure of find recorded in the last day.
 * Undefined otherwise; never throws.
 */
export function startDeckProbe(root: string, cacheDir: string, env: NodeJS.ProcessEnv = process.env, now: number = Date.now()): DeckProbe | undefined {
  if (process.platform !== 'linux' || env.PREP_TEST_PROBE === 'off') return undefined;
  root = path.resolve(root);
  // node:os and node:child_process are loaded here, not on import: boot.ts bundles this module, and
  // every command starts through it.
  if (env.PREP_TEST_PROBE !== 'on' && process.getBuiltinModule('node:os').availableParallelism() < 2) return undefined;
  const recorded = readProbeRecord(cacheDir, root);
  if (recorded?.failedAt !== undefined && now - recorded.failedAt < RETRY_AFTER_MS && now >= recorded.failedAt) return undefined;
  let fd: number;
  try {
    // A file nobody can open by name: the output needs no pipe read while the main thread is busy, and no clean-up.
    const name = path.join(cacheDir, `probe-${process.pid}-${now}`);
    fd = openSync(name, 'wx+', 0o600);
    unlinkSync(name);
  } catch {
    return undefined; // no cache folder yet (a cold start), or read-only
  }
  let child: ChildProcess;
  try {
    child = process.getBuiltinModule('node:child_process').spawn('find', findArguments(root), { stdio: ['ignore', fd, 'ignore'], env: { PATH: env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
  } catch {
    closeSync(fd);
    return undefined;
  }
  // 'missing': no find on PATH; a number: find's exit code.
  const exited = new Promise<number | 'missing'>((resolve) => {
    child.once('error', () => resolve('missing'));
    child.once('exit', (code) => resolve(code ?? -1));
  });
  let answer: Promise<Buffer | undefined> | undefined;
  let open = true;
  // Closed once only: a second close could hit a descriptor the number was given to since.
  const finish = () => {
    if (!open) return;
    open = false;
    try {
      closeSync(fd);
    } catch {
      // nothing to do
    }
  };
  return {
    recorded,
    root,
    cacheDir,
    output() {
      if (!open && !answer) return Promise.resolve(undefined); // cancelled
      answer ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => {
          timer = setTimeout(() => resolve('late'), PROBE_TIMEOUT_MS);
        });
        const code = await Promise.race([exited, late]);
        clearTimeout(timer);
        if (code !== 0) child.kill();
        try {
          const size = fstatSync(fd).size;
          // Missing, or failing before printing anything (busybox and BSD find know no -printf): not tried again for a day.
          // A failure after some output (a file removed while find ran) is only this run's.
          if (code === 'missing' || (code !== 0 && code !== 'late' && size === 0)) recordFailure(cacheDir, root, now);
          if (code !== 0) return undefined;
          const bytes = Buffer.allocUnsafe(size);
          let done = 0;
          while (done < size) {
            const n = readSync(fd, bytes, done, size - done, done);
            if (n <= 0) return undefined;
            done += n;
          }
          return bytes;
        } catch {
          return undefined;
        } finally {
          finish();
        }
      })();
      return answer;
    },
    cancel() {
      if (answer) return;
      child.kill();
      finish();
    },
  };
}

/**
 * What a command line asks of the deck, read before commander is even loaded (boot.ts), so that find
 * can start with the process: `{ deck }` (undefined: $PREP_DECK or the nearest answers/) for a
 * `prep list --json` or a `prep stats` of the whole deck, the two that ask find. Undefined for any
 * other line, including every option this reading does not know (filters, help): the command then
 * starts find itself if it wants it, and a guess it does not want is stopped (adoptProbe).
 */
export function probeTarget(args: readonly string[]): { deck: string | undefined } | undefined {
  const [command, ...rest] = args;
  if (command !== 'list' && command !== 'stats') return undefined;
  const valued = command === 'list' ? ['deck'] : ['deck', 'limit', 'progress'];
  const short: Record<string, string> = { d: 'deck', n: 'limit', p: 'progress' };
  let deck: string | undefined;
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    let name: string | undefined;
    let value: string | undefined;
    if (arg === '--json') {
      json = true;
      continue;
    } else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (eq >= 0) value = arg.slice(eq + 1);
    } else if (/^-[a-z]/.test(arg)) {
      name = short[arg[1]!];
      if (arg.length > 2) value = arg.slice(2);
    }
    if (name === undefined || !valued.includes(name)) return undefined;
    if (value === undefined) {
      value = rest[++i];
      if (value === undefined) return undefined;
    }
    if (name === 'deck') deck = value;
  }
  return command === 'list' && !json ? undefined : { deck };
}

/** The probe for a command: the one boot.ts started when it is for this deck (adoptProbe), else a new one. */
export function probeFor(early: DeckProbe | undefined, root: string, cacheDir: string, env: NodeJS.ProcessEnv): DeckProbe | undefined {
  return adoptProbe(early, root, cacheDir) ?? startDeckProbe(root, cacheDir, env);
}

/**
 * The probe started early (boot.ts) when it is for the deck at `root`; else undefined, and a probe
 * for another deck is stopped.
 */
export function adoptProbe(early: DeckProbe | undefined, root: string, cacheDir: string): DeckProbe | undefined {
  if (!early) return undefined;
  if (early.root === path.resolve(root) && early.cacheDir === cacheDir) return early;
  early.cancel();
  return undefined;
}

/**
 * find's arguments: every answer file under `root` (as deck-walk.ts's walk finds them: names ending
 * in .md or .markdown in any case, hidden folders and node_modules skipped), one record per file:
 * size, inode, ctime in seconds with its fraction to the nanosecond, the deck-relative name, then NUL
 * (which no name holds). `root` is absolute, so find never takes it for an option; -H follows it
 * when it is a link (a deck kept elsewhere and linked), as the walk does, and no other link.
 */
function findArguments(root: string): string[] {
  return ['-H', root, '-mindepth', '1', '(', '-name', '.*', '-o', '-name', 'node_modules', ')', '-prune', '-o', '-type', 'f', '(', '-iname', '*.md', '-o', '-iname', '*.markdown', ')', '-printf', '%s %i %C@ %P\\0'];
}

/**
 * Whether `output` is the output recorded for this deck, this build and the index whose stamps part
 * has SHA-256 `stampsSha256`: then every answer file has the stamp that index records.
 */
export function probeAgrees(probe: DeckProbe, output: Buffer, stampsSha256: string): boolean {
  const r = probe.recorded;
  return r !== undefined && r.stamps === stampsSha256 && r.length === output.length && r.output === sha256Hex(output);
}

/** Records `output` as agreeing with the index's stamps part (just checked by stat, after find was done). */
export function recordAgreement(probe: DeckProbe, output: Buffer, stampsSha256: string): void {
  writeProbeRecord(probe.cacheDir, { magic: MAGIC, build: BUILD_ID, deck: probe.root, stamps: stampsSha256, output: sha256Hex(output), length: output.length });
}

function recordFailure(cacheDir: string, root: string, now: number): void {
  writeProbeRecord(cacheDir, { magic: MAGIC, build: BUILD_ID, deck: root, failedAt: now });
}

function readProbeRecord(cacheDir: string, root: string): ProbeRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(path.join(cacheDir, PROBE_RECORD_NAME), 'utf8')) as Partial<ProbeRecord> | null;
    if (r === null || typeof r !== 'object' || r.magic !== MAGIC || r.build !== BUILD_ID || r.deck !== root) return undefined;
    if (r.failedAt !== undefined) return typeof r.failedAt === 'number' ? { magic: r.magic, build: r.build, deck: r.deck, failedAt: r.failedAt } : undefined;
    if (typeof r.stamps !== 'string' || typeof r.output !== 'string' || typeof r.length !== 'number') return undefined;
    return r as ProbeRecord;
  } catch {
    return undefined;
  }
}

function writeProbeRecord(cacheDir: string, record: ProbeRecord): void {
  try {
    writeFileAtomic(path.join(cacheDir, PROBE_RECORD_NAME), [Buffer.from(`${JSON.stringify(record)}\n`, 'utf8')], nodeFs, { syncFolder: false });
  } catch {
    // read-only folder, full disk: the next start checks by stat again
  }
}
