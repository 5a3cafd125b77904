/** Throw-away folders for tests: temp dirs, decks written from a map or copied from test/fixtures, and file listings. */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
