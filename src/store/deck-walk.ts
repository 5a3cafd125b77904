/**
 * Which answer files a deck has: the walk of its folders, and a record of that walk that lets a warm
 * start skip it.
 *
 * Walking 10,000 files costs more than anything else a warm `list` or `stats` does but the one stat
 * per file. Adding, removing or renaming an entry changes its folder's mtime and ctime, so when no
 * folder of the deck changed since the last walk, the files are the ones that walk found. The record
 * (`deck-folders` in the cache folder) holds each folder's stamp and the files; a warm start stats
 * the folders (about twenty at 10,000 files) instead of reading them. This is git's untracked cache,
 * with git's racy rule: a folder changed within RACY_MS of its walk is not recorded, since another
 * change in the same clock tick would leave its stamp as it was. Editing a file in place changes no
 * folder: that is what the cache's stamp per file is for (deck-cache.ts).
 *
 * Recorded only for a plain walk: no links (a linked folder's changes do not show in the folder that
 * holds the link), no folder that could not be read, every folder on one file system, and that one
 * seen to move a folder's mtime when an entry is added (stampsFollowEntries). Anything unexpected in
 * the record, or any folder changed, means "walk": the record is only ever a shortcut to the walk's
 * own result.
 */
import { mkdirSync, readdirSync, readFileSync, realpathSync, rmdirSync, statSync, utimesSync, type Dirent } from 'node:fs';
import path from 'node:path';
import type { Problem } from '../markdown/parse.js';
import { writeFileAtomic } from './atomic-write.js';
import { BUILD_ID } from './build-id.js';
import { sha256Hex } from './checksum.js';
import { nodeFs } from './fs-layer.js';

/** A file changed this close (ms) to the moment it was recorded may change again unseen: it is checked another way. */
export const RACY_MS = 3000;

/** Whether something with these times changed so close to `since` that a further change could keep the same stamp. */
export function isRacy(mtimeMs: number, ctimeMs: number, since: number): boolean {
  return mtimeMs >= since - RACY_MS || ctimeMs >= since - RACY_MS;
}

const ANSWER_FILE = /\.(md|markdown)$/i;

/** The answer files of a deck and the folders that could not be read (listAnswerFiles). */
export interface Listing {
  files: string[];
  problems: Problem[];
}

/** A folder as the walk found it: deck-relative path ('' for the deck), mtime, ctime, inode. */
type FolderStamp = [folder: string, mtimeMs: number, ctimeMs: number, ino: number];

interface Walk extends Listing {
  /** Every folder read, stamped before it was read; undefined when the walk met a link or an unreadable folder. */
  folders: FolderStamp[] | undefined;
  /** The devices (file systems) those folders are on. */
  devices: Set<number>;
}

/** Answer files under `root` (deck-relative, forward slashes, sorted), and folders that could not be read. */
export function listAnswerFiles(root: string): Listing {
  const { files, problems } = walkDeck(root);
  return { files, problems };
}

function walkDeck(root: string): Walk {
  const files: string[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  let folders: FolderStamp[] | undefined = [];
  const devices = new Set<number>();

  const walk = (dir: string, relative: string) => {
    let real: string;
    try {
      real = realpathSync.native(dir); // one system call; the JS realpath lstats every component
    } catch {
      folders = undefined;
      return;
    }
    if (seen.has(real)) return; // a symlink loop, or the same folder linked twice
    seen.add(real);
    let entries: Dirent[];
    try {
      // Stamped before it is read: a change after the stamp shows as a new stamp next time.
      if (folders) {
        const stamp = statSync(dir);
        folders.push([relative, stamp.mtimeMs, stamp.ctimeMs, stamp.ino]);
        devices.add(stamp.dev);
      }
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      folders = undefined;
      problems.push({ file: relative || '.', line: 1, severity: 'error', message: `folder cannot be read (${codeOf(error)}); fix its permissions` });
      return;
    }
    for (const entry of entries) {
      // Hidden folders hold tools' state (.prep, .git, .obsidian), never answers.
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      let isFile = entry.isFile();
      if (isFile) {
        if (ANSWER_FILE.test(entry.name)) files.push(relative ? `${relative}/${entry.name}` : entry.name);
        continue;
      }
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      let isDir = entry.isDirectory();
      const absolute = dir + path.sep + entry.name; // path.join costs at 10,000 files; dir is already normal
      if (entry.isSymbolicLink()) {
        folders = undefined;
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
  return { files, problems, folders, devices };
}

/** The deck's folder with a separator at its end, to put a deck-relative name after (path.join costs at 10,000 files). */
export const deckBase = (root: string) => (root.endsWith(path.sep) ? root : root + path.sep);

/** A file system error as the few words a message shows. */
export function codeOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'it no longer exists';
  if (code === 'EISDIR') return 'it is a folder';
  return code ?? (error as Error).message;
}

// ---------------------------------------------------------------------------------------------
// The record: "prep-deck-folders 1 <SHA-256 of the rest>\n", a JSON line {build, deck, folders},
// then the files joined by NUL (which no file name holds).

export const FOLDERS_NAME = 'deck-folders';
const FOLDERS_MAGIC = 'prep-deck-folders 1';

/** How `listDeck` answered, for tests: from the record, or by walking. */
export type ListingSource = 'record' | 'walk';

/**
 * The answer files of the deck at `root`, as `listAnswerFiles` finds them: from the record in
 * `cacheDir` when every folder it names has the same stamp now, else walked (and recorded, when the
 * walk was plain and no folder changed within RACY_MS of `now`). Never throws for the record's sake.
 */
export function listDeck(root: string, cacheDir: string, now: number = Date.now()): Listing & { source: ListingSource } {
  const recorded = readRecord(root, path.join(cacheDir, FOLDERS_NAME));
  if (recorded) return { ...recorded, source: 'record' };
  const walked = walkDeck(root);
  const { folders, devices } = walked;
  const settled = folders !== undefined && folders.every(([, mtimeMs, ctimeMs]) => !isRacy(mtimeMs, ctimeMs, now));
  if (settled && devices.size === 1 && stampsFollowEntries(cacheDir) === [...devices][0]) writeRecord(root, cacheDir, folders, walked.files);
  return { files: walked.files, problems: walked.problems, source: 'walk' };
}

export const PROBE_NAME = 'folder-probe';

/** A time the probe folder is set back to, so that whether adding an entry moves its mtime shows at once. */
const PROBE_PAST = new Date('2000-01-01T00:00:00Z');

/**
 * The device of `cacheDir` when, on its file system, adding an entry to a folder changes the
 * folder's mtime (and with it its ctime), as the record relies on; tried on a folder of its own
 * there. Some file systems do not (FAT under Windows; some network and FUSE mounts keep or cache
 * folder times): there the deck is always walked. Undefined when it does not hold or cannot be tried.
 */
export function stampsFollowEntries(cacheDir: string): number | undefined {
  const probe = path.join(cacheDir, PROBE_NAME);
  const entry = path.join(probe, `${process.pid}-${Date.now()}`);
  try {
    mkdirSync(probe, { recursive: true });
    utimesSync(probe, PROBE_PAST, PROBE_PAST);
    mkdirSync(entry);
    const after = statSync(probe);
    rmdirSync(entry);
    return after.mtimeMs !== PROBE_PAST.getTime() ? after.dev : undefined;
  } catch {
    try {
      rmdirSync(entry);
    } catch {
      // never made
    }
    return undefined;
  }
}

function readRecord(root: string, file: string): Listing | undefined {
  try {
    const bytes = readFileSync(file);
    const firstLine = bytes.indexOf(0x0a);
    const secondLine = firstLine < 0 ? -1 : bytes.indexOf(0x0a, firstLine + 1);
    if (secondLine < 0 || bytes.toString('latin1', 0, firstLine) !== `${FOLDERS_MAGIC} ${sha256Hex(bytes.subarray(firstLine + 1))}`) return undefined;
    const head = JSON.parse(bytes.toString('utf8', firstLine + 1, secondLine)) as { build?: unknown; deck?: unknown; folders?: unknown };
    if (head.build !== BUILD_ID || head.deck !== path.resolve(root) || !Array.isArray(head.folders) || head.folders.length === 0) return undefined;
    const base = deckBase(root);
    for (const folder of head.folders as unknown[]) {
      if (!Array.isArray(folder) || folder.length !== 4 || typeof folder[0] !== 'string') return undefined;
      const [relative, mtimeMs, ctimeMs, ino] = folder as unknown[];
      const stamp = statSync(relative === '' ? root : base + relative, { throwIfNoEntry: false });
      if (!stamp || stamp.mtimeMs !== mtimeMs || stamp.ctimeMs !== ctimeMs || stamp.ino !== ino || !stamp.isDirectory()) return undefined;
    }
    const names = bytes.toString('utf8', secondLine + 1);
    return { files: names === '' ? [] : names.split('\0'), problems: [] };
  } catch {
    return undefined;
  }
}

function writeRecord(root: string, cacheDir: string, folders: FolderStamp[], files: readonly string[]): void {
  try {
    const body = Buffer.from(`${JSON.stringify({ build: BUILD_ID, deck: path.resolve(root), folders })}\n${files.join('\0')}`, 'utf8');
    mkdirSync(cacheDir, { recursive: true });
    writeFileAtomic(path.join(cacheDir, FOLDERS_NAME), [Buffer.from(`${FOLDERS_MAGIC} ${sha256Hex(body)}\n`, 'latin1'), body], nodeFs, { syncFolder: false });
  } catch {
    // read-only folder, full disk: the next start walks again
  }
}
