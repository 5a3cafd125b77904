/**
 * Writes new answer files into the deck, and only there. Used by `prep add` and `prep import`,
 * the only commands that write answer files. Never overwrites: files are created exclusively.
 */
import { closeSync, constants, existsSync, fsyncSync, mkdirSync, openSync, realpathSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PrepError, UsageError } from '../core/errors.js';

/** Resolves `relativeDir` inside `deckDir`, refusing anything that would land outside it (.., absolute paths, links out). */
export function folderInsideDeck(deckDir: string, relativeDir = ''): string {
  const deckReal = realpathSync(deckDir);
  const target = path.resolve(deckReal, relativeDir);
  const rel = path.relative(deckReal, target);
  if (rel.startsWith('..') || path.isAbsolute(rel) || rel.split(path.sep).some((part) => part.startsWith('.'))) {
    throw new UsageError(`${relativeDir} is outside the deck folder ${deckDir}; choose a folder inside it`);
  }
  // An existing part of the path may be a link that leads out of the deck.
  let existing = target;
  for (;;) {
    try {
      const real = realpathSync(existing);
      const inside = path.relative(deckReal, real);
      if (inside.startsWith('..') || path.isAbsolute(inside)) throw new UsageError(`${relativeDir} leads outside the deck folder (through a link); choose a folder inside it`);
      break;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      existing = path.dirname(existing);
    }
  }
  return target;
}

/** The n-th name tried for a slug: `<slug>.md`, then `<slug>-2.md`, `<slug>-3.md`, … */
function candidateName(slug: string, n: number): string {
  return `${n === 1 ? slug : `${slug}-${n}`}.md`;
}

/**
 * The file createAnswerFile would create now, for dry runs and previews (`taken`: names already
 * promised to earlier files of the same run). Absolute path.
 */
export function predictAnswerFile(dir: string, slug: string, taken: Set<string> = new Set()): string {
  for (let n = 1; ; n++) {
    const file = path.join(dir, candidateName(slug, n));
    if (!taken.has(file) && !existsSync(file)) {
      taken.add(file);
      return file;
    }
  }
}

/**
 * Creates `<dir>/<slug>.md` with `content`, or `<slug>-2.md`, `<slug>-3.md`, … when taken.
 * fsyncs the file and its folder. Returns the absolute path written.
 */
export function createAnswerFile(dir: string, slug: string, content: string): string {
  if (!/^[^/\\\0]+$/.test(slug) || slug === '.' || slug === '..') throw new PrepError(`cannot use "${slug}" as a file name; please report this`);
  mkdirSync(dir, { recursive: true });
  for (let n = 1; n <= 1000; n++) {
    const file = path.join(dir, candidateName(slug, n));
    let fd: number;
    try {
      fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new PrepError(`cannot create ${file} (${(error as NodeJS.ErrnoException).code}); check that the deck folder is writable`);
    }
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    syncFolder(dir);
    return file;
  }
  throw new PrepError(`too many files named ${slug}*.md in ${dir}; rename some of them`);
}

/** Makes a rename or create in `dir` durable. Some file systems refuse to fsync a folder; that is not an error. */
export function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // EISDIR/EPERM/EINVAL on platforms without folder fsync
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
