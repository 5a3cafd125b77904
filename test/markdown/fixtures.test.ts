/**
 * Parser fixtures: every folder in test/markdown/fixtures holds `input.md` (raw bytes, decoded the
 * way the loader decodes them) and `expected.json` (what parseAnswerFile returns). The card's file
 * is `<folder>.md`, so derived ids are predictable.
 *
 * UPDATE_FIXTURES=1 npx vitest run test/markdown/fixtures.test.ts rewrites expected.json from the
 * current parser; read every changed file before committing it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAnswerFile } from '../../src/markdown/decode.js';
import { parseAnswerFile, type ParsedFile } from '../../src/markdown/parse.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixturesDir = path.join(here, 'fixtures');
const update = process.env.UPDATE_FIXTURES === '1';
const cases = readdirSync(fixturesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

function parseFixture(name: string): ParsedFile {
  const bytes = readFileSync(path.join(fixturesDir, name, 'input.md'));
  const decoded = decodeAnswerFile(bytes);
  const file = `${name}.md`;
  if (!decoded.ok) return { cards: [], problems: [{ file, line: decoded.line, severity: 'error', message: decoded.message }] };
  return parseAnswerFile(decoded.text, file);
}

// The JavaScript front-matter fixtures try to set this global and write this file.
let sandbox: string;
let pwnedFile: string;
beforeAll(() => {
  sandbox = mkdtempSync(path.join(tmpdir(), 'prep-fixtures-'));
  pwnedFile = path.join(sandbox, 'pwned');
  process.env.PREP_PWNED_FILE = pwnedFile;
});
afterAll(() => {
  delete process.env.PREP_PWNED_FILE;
  rmSync(sandbox, { recursive: true, force: true });
});

describe('parser fixtures', () => {
  it('has the cases the format promises', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  it.each(cases)('%s', (name) => {
    const result = parseFixture(name);
    // Round-trip through JSON: expected files hold plain data.
    const actual = JSON.parse(JSON.stringify(result)) as ParsedFile;
    const expectedPath = path.join(fixturesDir, name, 'expected.json');
    if (update) {
      writeFileSync(expectedPath, `${JSON.stringify(actual, null, 2)}\n`);
      console.warn(`wrote ${path.relative(process.cwd(), expectedPath)}; review it before committing`);
      return;
    }
    expect(existsSync(expectedPath), `${expectedPath} is missing; run with UPDATE_FIXTURES=1 and review it`).toBe(true);
    expect(actual).toEqual(JSON.parse(readFileSync(expectedPath, 'utf8')));

    // Whatever the input, parsing never runs code or pollutes prototypes.
    expect((globalThis as Record<string, unknown>).__prepPwned).toBeUndefined();
    expect(existsSync(pwnedFile)).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });
});
