/** Throw-away folders for tests: temp dirs, decks written from a map or copied from test/fixtures, file listings, and edits that keep a file's times. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { REPO } from './cli.js';

export const FIXTURES = path.join(REPO, 'test', 'fixtures');

/** A new empty folder `$TMPDIR/prep-<prefix>-XXXXXX`. */
export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `prep-${prefix}-`));
}

/** Writes `files` (relative path → content) under `dir`, creating folders. */
export function writeTree(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/** Copies test/fixtures/<fixture> (a folder) to `to`. */
export function copyFixture(fixture: string, to: string): void {
  cpSync(path.join(FIXTURES, fixture), to, { recursive: true });
}

/** Every file under `dir`, relative with `/` separators, sorted; [] when `dir` does not exist. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Whether this system's find is GNU find (it knows -printf): the find probe (src/store/deck-probe.ts) runs only then. */
export const gnuFind = process.platform === 'linux' && spawnSync('find', ['/', '-maxdepth', '0', '-printf', '%s']).status === 0;

/**
 * Rewrites `file` with `edit` applied to its text, then puts its atime and mtime back to the
 * nanosecond, as rsync -a or cp -p over it would leave it: only its ctime tells. The times are kept
 * on a file in the temp folder, so no folder of a deck changes.
 */
export function rewriteKeepingTimes(file: string, edit: (text: string) => string): void {
  const saved = path.join(tempDir('times'), 'saved');
  try {
    writeFileSync(saved, '');
    expect(spawnSync('touch', ['-r', file, saved]).status).toBe(0);
    writeFileSync(file, edit(readFileSync(file, 'utf8')));
    expect(spawnSync('touch', ['-r', saved, file]).status).toBe(0);
  } finally {
    rmSync(path.dirname(saved), { recursive: true, force: true });
  }
}
