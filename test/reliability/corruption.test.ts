/**
 * Guarantee 4, corruption: a truncated, empty, invalid, wrong-schema, future-version or randomly
 * damaged progress file (or journal) gets a clear ProgressFileError; the file is kept byte-identical,
 * no backup is made of it and the existing backups are untouched. Through the store API and through
 * the real `prep` binary.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { journalFileFor, listBackups, openProgress, ProgressFileError, readProgress } from '../../src/store/progress.js';
import { reviewEvent } from '../store/progress-fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DAY = 86_400_000;
const START = new Date('2025-04-01T12:00:00Z');

/** A deck folder with a progress file that has a journal, and backups from 3 earlier days. */
let template: string;
beforeAll(() => {
  template = mkdtempSync(path.join(tmpdir(), 'prep-corrupt-template-'));
  mkdirSync(path.join(template, 'answers'));
  writeFileSync(path.join(template, 'answers', 'q.md'), '# Why this company?\n\nBecause.\n');
  const file = path.join(template, '.prep', 'progress.json');
  for (let day = 0; day < 3; day++) {
    const store = openProgress(file, { now: new Date(START.getTime() + day * DAY), timeZone: 'UTC' });
    for (let i = 0; i < 5; i++) store.append(reviewEvent(store.nextSeq(), `card-${i}`, new Date(START.getTime() + day * DAY + i)));
    if (day < 2) store.close();
    else {
      // leave the last session's grades in the journal: close without compacting is what a crash does
      (store as unknown as { abandon(): void }).abandon();
    }
  }
});

function copyOfTemplate(): { root: string; file: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'prep-corrupt-'));
  cpSync(template, root, { recursive: true });
  return { root, file: path.join(root, '.prep', 'progress.json') };
}

/** Every file under `dir` (except the deck's parse cache, which is not progress) as base64. */
function snapshotOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name === 'cache' && path.basename(d) === '.prep') continue;
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[path.relative(dir, p)] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

/** Every way the store can be asked to use the file; each must refuse without writing a byte. */
function expectRefusedUntouched(root: string, file: string): string {
  const before = snapshotOf(path.join(root, '.prep'));
  let message = '';
  for (const attempt of [() => readProgress(file), () => openProgress(file, { now: new Date(START.getTime() + 10 * DAY), timeZone: 'UTC' })]) {
    let error: unknown;
    try {
      attempt();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProgressFileError);
    message = (error as Error).message;
  }
  expect(snapshotOf(path.join(root, '.prep'))).toEqual(before);
  return message;
}

describe('named kinds of damage', () => {
  const damage: Record<string, (text: string) => string> = {
    empty: () => '',
    'truncated in the middle': (t) => t.slice(0, Math.floor(t.length * 0.6)),
    'truncated by one byte': (t) => t.slice(0, t.trimEnd().length - 1),
    'invalid JSON': (t) => t.replace('"reviews": [', '"reviews": [[,'),
    'NUL bytes (a crash on a file system without ordered data)': (t) => '\0'.repeat(t.length),
    'wrong schema: a grade out of range': (t) => t.replace('"grade":3', '"grade":5'),
    'wrong schema: cards is a list': (t) => t.replace(/"cards": \{[\s\S]*?\n {2}\},/, '"cards": [],'),
    'wrong schema: a review above lastSeq': (t) => t.replace(/"lastSeq": \d+/, '"lastSeq": 1'),
    'future schema version': (t) => t.replace('"schemaVersion": 1', '"schemaVersion": 7'),
  };
  for (const [name, damageFn] of Object.entries(damage)) {
    test(name, () => {
      const { root, file } = copyOfTemplate();
      const valid = readFileSync(file, 'utf8');
      const damaged = damageFn(valid);
      expect(damaged).not.toBe(valid);
      writeFileSync(file, damaged);
      const message = expectRefusedUntouched(root, file);
      expect(message).toContain(file);
      expect(message).toContain('kept untouched');
      if (name.startsWith('future')) expect(message).toMatch(/newer prep.*Upgrade/);
      else expect(message).toContain(path.basename(listBackups(file)[0]!));
    });
  }

  test('a damaged line in the middle of the journal', () => {
    const { root, file } = copyOfTemplate();
    const journal = journalFileFor(file);
    const lines = readFileSync(journal, 'utf8').split('\n');
    expect(lines.length).toBeGreaterThan(3);
    lines[1] = lines[1]!.replace('"grade":', '"grade":"');
    writeFileSync(journal, lines.join('\n'));
    const message = expectRefusedUntouched(root, file);
    expect(message).toContain(`${journal}:2`);
  });
});

describe('random damage (fast-check)', () => {
  test('any byte changed, removed or cut: either still a valid history or a ProgressFileError, never a write', () => {
    const { root, file } = copyOfTemplate();
    const original = readFileSync(file);
    const journal = journalFileFor(file);
    const originalJournal = readFileSync(journal);
    const backups = snapshotOf(path.join(root, '.prep', 'backups'));
    const total = readProgress(file).reviews.length;
    writeFileSync(journal, '');
    const inSnapshot = readProgress(file).reviews.length;
    expect(inSnapshot).toBeLessThan(total);
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.nat(),
        fc.constantFrom('set', 'delete', 'cut'),
        fc.integer({ min: 0, max: 255 }),
        (inJournal, at, how, byte) => {
          const target = inJournal ? journal : file;
          const bytes = Buffer.from(inJournal ? originalJournal : original);
          const i = at % bytes.length;
          let damaged: Buffer;
          if (how === 'set') {
            damaged = Buffer.from(bytes);
            damaged[i] = byte;
          } else if (how === 'delete') damaged = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
          else damaged = bytes.subarray(0, i);
          writeFileSync(file, original);
          writeFileSync(journal, originalJournal);
          writeFileSync(target, damaged);
          try {
            const data = readProgress(file);
            // still valid: a plausible history (e.g. a changed digit inside a hash, or a cut journal
            // tail), never a silently emptied or shortened one
            expect(data.schemaVersion).toBe(1);
            if (inJournal) expect(data.reviews.length).toBeGreaterThanOrEqual(inSnapshot);
            else expect(data.reviews.length).toBe(total);
          } catch (error) {
            expect(error).toBeInstanceOf(ProgressFileError);
            expect(() => openProgress(file, { now: START })).toThrow(ProgressFileError);
            expect(readFileSync(target)).toEqual(damaged);
          }
          expect(snapshotOf(path.join(root, '.prep', 'backups'))).toEqual(backups);
          expect(existsSync(`${file}.lock`)).toBe(false);
        },
      ),
      { numRuns: 300, seed: Number(process.env.PREP_FC_SEED ?? 20250401) },
    );
  });
});

describe('the real binary', () => {
  test('prep check reports a corrupt progress file as an error, exits 1, and writes nothing', () => {
    const { root, file } = copyOfTemplate();
    writeFileSync(file, '{"schemaVersion": 1, "cards": ');
    const before = snapshotOf(root);
    const result = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'prep.js'), 'check', '--deck', path.join(root, 'answers')], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(result.status, result.stderr).toBe(1);
    expect(`${result.stdout}${result.stderr}`).toMatch(/progress\.json.*kept untouched/);
    expect(snapshotOf(root)).toEqual(before);
  });
});
