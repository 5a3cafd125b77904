/** `prep import` through the real built binary (npm run build first), in temp folders. */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, REPO, runPrep } from '../helpers/cli.js';
import { FIXTURES, listFiles as tree, tempDir } from '../helpers/files.js';

const NOTES = path.join(FIXTURES, 'notes');
const SEEDS = path.resolve(REPO, '../shared/seeds');
let root: string;
let cwd: string;

const prep = (args: string[], env: Record<string, string> = {}) => runPrep(args, { cwd, env });

/** Copies a notes fixture into the temp folder (tests never read or write the repo's files in place). */
function notes(name: string): string {
  copyFileSync(path.join(NOTES, name), path.join(cwd, name));
  return name;
}

interface JsonCard {
  question: string;
  file: string;
  source: { file: string; line: number };
  tags: string[];
  company: string | null;
  versions: string[];
  sections: string[];
  status: string;
  written: boolean;
}

beforeAll(() => assertBuilt());
beforeEach(() => {
  root = tempDir('import-cli');
  cwd = path.join(root, 'work');
  mkdirSync(cwd);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('prep import', () => {
  it('--dry-run previews the cards and writes nothing', () => {
    const file = notes('mixed-notes.txt');
    const r = prep(['import', file, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Would create 3 answer files');
    expect(r.stdout).toMatch(/Question\s+Answer\s+Versions\s+File/u);
    expect(r.stdout).toContain('why-initech.md');
    expect(r.stdout).toContain('Could not place 1 line');
    expect(r.stdout).toContain('mixed-notes.txt:3');
    expect(r.stdout).toContain('company Initech (3)');
    expect(tree(cwd)).toEqual(['mixed-notes.txt']);
  });

  it('writes one answer file per question that prep check accepts, and adds nothing on a second import', () => {
    const file = notes('mixed-notes.txt');
    const first = prep(['import', file]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Created 3 answer files in answers');
    expect(tree(path.join(cwd, 'answers'))).toEqual(['tell-me-about-a-conflict.md', 'weakness.md', 'why-initech.md']);
    const weakness = readFileSync(path.join(cwd, 'answers', 'weakness.md'), 'utf8');
    expect(weakness).toBe('---\nquestion: "Weakness"\ntags: []\ncompany: Initech\n---\n\n- I over-prepare for meetings\n- Now I timebox the prep to 20 minutes\n');
    const check = prep(['check']);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('3 cards: 0 errors');

    const again = prep(['import', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing new to import');
    expect(again.stdout).toContain('Skipped 3 questions');
    expect(tree(path.join(cwd, 'answers'))).toHaveLength(3);
  });

  it("keeps the time limit of notes whose front matter has one (time: 2m), as list --json shows", () => {
    writeFileSync(path.join(cwd, 'globex.md'), '---\ncompany: Globex\ntime: 2m\n---\n\n## Why Globex?\n\nThe logistics problems.\n\n## Weakness\n\n- I over-prepare\n');
    expect(prep(['import', 'globex.md']).code).toBe(0);
    expect(readFileSync(path.join(cwd, 'answers', 'why-globex.md'), 'utf8')).toContain('\ntime: 2m\n');
    const listed = JSON.parse(prep(['list', '--json']).stdout) as Array<{ question: string; timeLimitSec: number }>;
    expect(listed.map((c) => [c.question, c.timeLimitSec])).toEqual([
      ['Weakness', 120],
      ['Why Globex?', 120],
    ]);
  });

  it('--json prints the cards it would create, then the ones it created', () => {
    const file = notes('star-story.md');
    const dry = prep(['import', file, '--json', '--dry-run', '--tag', 'leadership']);
    expect(dry.code).toBe(0);
    const planned = JSON.parse(dry.stdout) as JsonCard[];
    expect(planned).toEqual([
      {
        question: 'Describe a time you led without authority',
        file: 'describe-a-time-you-led-without-authority.md',
        source: { file: 'star-story.md', line: 1 },
        tags: ['leadership'],
        company: null,
        versions: ['short', 'full'],
        spokenSec: expect.any(Object),
        sections: ['short', 'full', 'notes'],
        status: 'ready',
        written: false,
      },
    ]);
    expect(existsSync(path.join(cwd, 'answers'))).toBe(false);
    const real = prep(['import', file, '--json', '--tag', 'leadership', '--into', 'stories']);
    expect(real.code).toBe(0);
    const created = JSON.parse(real.stdout) as JsonCard[];
    expect(created.map((c) => [c.file, c.written])).toEqual([['stories/describe-a-time-you-led-without-authority.md', true]]);
    const list = JSON.parse(prep(['list', '--json']).stdout) as { question: string; tags: string[]; versions: string[] }[];
    expect(list).toEqual([expect.objectContaining({ question: 'Describe a time you led without authority', tags: ['leadership'], versions: ['short', 'full'] })]);
  });

  it('reads a table, a callout and bold Q labels; placeholders become to-prepare cards; set-off text is reported', () => {
    const file = notes('mixed-shapes.md');
    const dry = prep(['import', file, '--json', '--dry-run']);
    expect(dry.code).toBe(0);
    const cards = JSON.parse(dry.stdout) as JsonCard[];
    expect(cards.map((c) => [c.question, c.status, c.company, c.tags])).toEqual([
      ['Why Hooli?', 'ready', 'Hooli', ['phone-screen']],
      ['What is your weakness?', 'to-prepare', 'Hooli', ['phone-screen']],
      ['Tell me about a time you failed', 'ready', 'Hooli', ['phone-screen']],
      ['你为什么离职？', 'to-prepare', 'Hooli', ['phone-screen']],
    ]);
    expect(dry.stderr).toContain('mixed-shapes.md:17');
    const real = prep(['import', file]);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain('to prepare');
    expect(readFileSync(path.join(cwd, 'answers', 'tell-me-about-a-time-you-failed.md'), 'utf8')).toContain(
      'I shipped a migration without a rollback plan.\nSince then every migration has a tested rollback.',
    );
    const check = prep(['check']);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('4 cards: 0 errors');
  });

  it('reports a title-like line it kept inside the answer above it, on stderr with --json, and not for a skipped question', () => {
    writeFileSync(path.join(cwd, 'strengths.txt'), 'Strengths\n- Calm under pressure\n\n靠谱 Reliable\n* 做事放心\n\n\nWhy Acme?\nThe product.\n');
    const dry = prep(['import', 'strengths.txt', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      'Kept 1 title-like line inside an answer (if it is a question of its own, put two blank lines before it or make it a heading, then import again):\n  strengths.txt:4: 靠谱 Reliable (in "Strengths")',
    );
    const json = prep(['import', 'strengths.txt', '--dry-run', '--json']);
    expect((JSON.parse(json.stdout) as JsonCard[]).map((c) => c.question)).toEqual(['Strengths', 'Why Acme?']);
    expect(json.stderr).toContain('strengths.txt:4: 靠谱 Reliable (in "Strengths")');
    expect(prep(['import', 'strengths.txt']).code).toBe(0);
    const again = prep(['import', 'strengths.txt']);
    expect(again.stdout).toContain('Skipped 2 questions');
    expect(again.stdout).not.toContain('Kept');
  });

  it('--company and --tag win over what the notes name', () => {
    const file = notes('mixed-notes.txt');
    const r = prep(['import', file, '--json', '--dry-run', '--company', 'Hooli', '--tag', 'hr']);
    const cards = JSON.parse(r.stdout) as JsonCard[];
    expect(cards.map((c) => [c.company, c.tags])).toEqual([
      ['Hooli', ['hr']],
      ['Hooli', ['hr']],
      ['Hooli', ['hr']],
    ]);
  });

  it('never overwrites: a taken file name gets -2, and a question already in the deck is skipped', () => {
    mkdirSync(path.join(cwd, 'answers'));
    const mine = '---\nquestion: "Something else entirely"\n---\n\nMine.\n';
    writeFileSync(path.join(cwd, 'answers', 'weakness.md'), mine);
    writeFileSync(path.join(cwd, 'answers', 'initech.md'), '---\nquestion: "Why Initech ?"\n---\n\nAlready written.\n');
    const r = prep(['import', notes('mixed-notes.txt')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Skipped 1 question');
    expect(r.stdout).toContain('initech.md');
    expect(readFileSync(path.join(cwd, 'answers', 'weakness.md'), 'utf8')).toBe(mine);
    expect(tree(path.join(cwd, 'answers'))).toEqual(['initech.md', 'tell-me-about-a-conflict.md', 'weakness-2.md', 'weakness.md']);
  });

  it('a question twice in one import is written once', () => {
    writeFileSync(path.join(cwd, 'a.md'), '## Why us?\nBecause.\n');
    writeFileSync(path.join(cwd, 'b.md'), '## Why us ?\nAgain.\n');
    const r = prep(['import', 'a.md', 'b.md']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Skipped 1 question (already in the deck, or asked twice in these notes):');
    expect(r.stdout).toContain('b.md:1');
    expect(r.stdout).toContain('earlier in this import');
    expect(tree(path.join(cwd, 'answers'))).toEqual(['why-us.md']);
  });

  it('a missing file is a usage error before anything is written', () => {
    const r = prep(['import', notes('mixed-notes.txt'), 'nope.md']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.md does not exist');
    expect(existsSync(path.join(cwd, 'answers'))).toBe(false);
  });

  it('names the notes inside a folder given instead of files, with their own extension', () => {
    mkdirSync(path.join(cwd, 'notes'));
    copyFileSync(path.join(NOTES, 'mixed-notes.txt'), path.join(cwd, 'notes', 'mixed-notes.txt'));
    const r = prep(['import', 'notes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`prep import ${path.join('notes', '*.txt')}`);
    expect(existsSync(path.join(cwd, 'answers'))).toBe(false);
  });

  it('refuses --into outside the deck', () => {
    const r = prep(['import', notes('mixed-notes.txt'), '--into', '../elsewhere']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('outside the deck');
    expect(tree(root).filter((f) => !f.startsWith('work/mixed-notes'))).toEqual([]);
  });

  it('exits 1 when nothing could be read, or no question was found', () => {
    writeFileSync(path.join(cwd, 'bad.txt'), Buffer.from([0x57, 0x68, 0x79, 0xff, 0xfe, 0x3f, 0x0a]));
    const bad = prep(['import', 'bad.txt']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('bad.txt:1');
    expect(bad.stderr).toContain('UTF-8');
    writeFileSync(path.join(cwd, 'prose.txt'), 'Met the team on Tuesday.\nThe office is near the station.\n');
    const prose = prep(['import', 'prose.txt']);
    expect(prose.code).toBe(1);
    expect(prose.stderr).toContain('found no questions');
    expect(prose.stdout).toContain('Could not place 2 lines');
    expect(existsSync(path.join(cwd, 'answers'))).toBe(false);
  });

  it('shows control characters from the notes harmlessly', () => {
    writeFileSync(path.join(cwd, 'evil.md'), '## Why \u001b[2Jus?\nBecause \u001b]0;owned\u0007.\n');
    const r = prep(['import', 'evil.md', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('^[');
  });
});

describe.skipIf(!existsSync(SEEDS))('prep import on the user notes in ../shared/seeds', () => {
  it('imports every seed (dry run, then for real) and prep check passes', () => {
    const seeds = readdirSync(SEEDS).sort();
    const expected = [9, 1, 11];
    seeds.forEach((name, i) => {
      copyFileSync(path.join(SEEDS, name), path.join(cwd, name));
      const dry = prep(['import', name, '--dry-run', '--json']);
      expect(dry.code, name).toBe(0);
      expect((JSON.parse(dry.stdout) as JsonCard[]).length, name).toBe(expected[i]);
      // Seed 000 keeps "靠谱 Reliable" (one blank line above, its own bullets) in the strengths, and says so.
      if (name.startsWith('000')) expect(dry.stderr, name).toContain(`${name}:70: 靠谱 Reliable (in "Strength (Elaborate with a good story)")`);
      else expect(dry.stderr, name).not.toContain('title-like');
      const real = prep(['import', name]);
      expect(real.code, name).toBe(0);
    });
    expect(tree(path.join(cwd, 'answers'))).toHaveLength(21);
    const check = prep(['check', '--deck', 'answers']);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('21 cards: 0 errors');
  });
});
