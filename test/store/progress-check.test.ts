/** `prep check` (the real binary) reports history that belongs to no card, and writes nothing. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { openProgress } from '../../src/store/progress.js';
import { card, reviewEvent } from './progress-fixtures.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/prep.js');

function progressFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (name === 'cache') continue; // the deck's parse cache is not progress
      if (statSync(p).isDirectory()) walk(p);
      else out[path.relative(dir, p)] = `${statSync(p).mtimeMs} ${readFileSync(p).toString('base64')}`;
    }
  };
  walk(dir);
  return out;
}

test('orphan history is a warning, with the card it will reattach to when the question matches', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'prep-check-'));
  mkdirSync(path.join(root, 'answers'));
  writeFileSync(path.join(root, 'answers', 'why.md'), '# Why this company?\n\nBecause.\n');
  const now = new Date();
  const store = openProgress(path.join(root, '.prep', 'progress.json'), { now });
  store.append(reviewEvent(store.nextSeq(), 'deleted-card', now));
  const renamed = reviewEvent(store.nextSeq(), 'old-id', now);
  if (renamed.type === 'review') renamed.card = card('old-id', now, { question: 'Why this company' });
  store.append(renamed);
  store.close();
  const before = progressFiles(path.join(root, '.prep'));

  const result = spawnSync(process.execPath, [BIN, 'check', '--json'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(result.status, result.stderr).toBe(0);
  const report = JSON.parse(result.stdout) as { warnings: number; problems: Array<{ severity: string; message: string; path: string }> };
  const messages = report.problems.filter((p) => p.path.endsWith('progress.json')).map((p) => `${p.severity} ${p.message}`);
  expect(messages).toHaveLength(2);
  expect(messages.find((m) => m.includes('"deleted-card"'))).toMatch(/^warning .*belongs to no card.*kept/);
  expect(messages.find((m) => m.includes('"old-id"'))).toMatch(/^warning .*reattaches it to card "why"/);
  expect(progressFiles(path.join(root, '.prep'))).toEqual(before);
});
