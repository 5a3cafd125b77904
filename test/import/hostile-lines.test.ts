/**
 * Notes with pathological lines (long runs of spaces, underscores, dashes, brackets) are imported
 * in time proportional to their length: several of the importer's patterns took quadratic, cubic
 * or exponential time on them (an answer line of 42 underscores ran for minutes). A regular
 * expression cannot be interrupted, so each import runs in the real binary with a time limit: a
 * hang fails by that limit. Nothing here measures speed.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runPrep } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';

const N = 50_000;
const LINES: Record<string, string> = {
  'spaces inside a line ending in a question mark': `a${' '.repeat(N)}b${' '.repeat(N)}?x`,
  'underscores before a letter': `${'_'.repeat(N)}a`,
  'dashes before a letter': `${'-'.repeat(N)}x`,
  'an open bracket, then spaces': `(${' '.repeat(N)}x`,
  'a label, then spaces': `A${' '.repeat(N)}:x`,
  'full-width spaces in brackets': `（${'　'.repeat(N)}x`,
};

let dir: string;
beforeAll(() => {
  assertBuilt('the importer hang tests');
  dir = tempDir('hostile-lines');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pathological lines in notes', () => {
  for (const [name, line] of Object.entries(LINES)) {
    it(`${name}: as a title, inside an answer and as a list item`, { timeout: 30_000 }, () => {
      const notes = path.join(dir, 'notes.txt');
      writeFileSync(notes, `${line}\n- answer one\n- answer two\n\n\nWhy Acme?\n${line}\n\nWhat else?\n${line}\n${line}\n\n\n1. ${line}\n2. Why now?\n   because\n`);
      const r = runPrep(['import', notes, '--dry-run', '--json', '--deck', path.join(dir, 'answers')], { cwd: dir, timeoutMs: 20_000 });
      expect(r.code, `${name}: ${r.stderr.slice(0, 200)}`).toBe(0);
      expect((JSON.parse(r.stdout) as unknown[]).length).toBeGreaterThan(0);
    });
  }
});
