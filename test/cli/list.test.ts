/** `prep list` through the real built binary, on copies of test/fixtures/decks in temp folders. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import stringWidth from 'string-width';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PREP_BIN, REPO, assertBuilt, inheritedEnv, runPrep } from '../helpers/cli.js';
import { copyFixture, gnuFind, rewriteKeepingTimes, tempDir, writeTree } from '../helpers/files.js';

const ESC = '\u001b';
const STAT_COUNT = path.join(REPO, 'test', 'helpers', 'stat-count.cjs');
let cwd: string;

const prep = (args: string[], env: Record<string, string> = {}) => runPrep(args, { cwd, env });
const useDeck = (name: string) => copyFixture(`decks/${name}`, path.join(cwd, 'answers'));

beforeAll(() => assertBuilt());
beforeEach(() => {
  cwd = tempDir('list');
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

interface Summary {
  id: string;
  question: string;
  tags: string[];
  company: string | null;
  file: string;
  line: number;
  timeLimitSec: number;
  versions: string[];
  status: string;
}

describe('prep list', () => {
  it('shows every card as a table with a header and a footer', () => {
    useDeck('good');
    const { code, stdout, stderr } = prep(['list']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^QUESTION\s+TAGS\s+COMPANY\s+LIMIT\s+VERSIONS\s+SPOKEN$/);
    expect(stdout).toContain('Tell me about a time you disagreed with your manager.');
    expect(stdout).toContain('你为什么离开上一家公司？');
    expect(stdout).toMatch(/What is a database index\?\s+technical\s+Globex\s+3m\s+to prepare/);
    expect(stdout).toMatch(/Why do you want to work here\?\s+motivation\s+Acme\s+1m\s+answer/);
    expect(lines.at(-1)).toBe('4 cards in 4 files · 1 to prepare');
  });

  it('names a key points section among the versions, not key points taken from bold phrases, cold and warm', async () => {
    writeTree(path.join(cwd, 'answers'), {
      'listed.md': '---\nquestion: Listed key points?\ntime: 3s\n---\n\n## Key points\n\n- one\n- two\n\n## Short version\n\nBrief.\n\n## Full version\n\nLonger than the short one, with more words in it.\n',
      'bold.md': '---\nquestion: Bold key points?\n---\n\nWe **measured first** and **shipped small**.\n',
    });
    // Files changed in the last seconds are checked by content, not stamp: let them settle so the
    // second run answers from the index alone.
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    for (const run of ['cold', 'warm']) {
      const { code, stdout } = prep(['list']);
      expect(code, run).toBe(0);
      // The full version runs over the 3 s limit: the short one is what drill would use.
      expect(stdout, run).toMatch(/Listed key points\?\s+3s\s+key points, short, full\s+\ds \(short\)\n/);
      expect(stdout, run).toMatch(/Bold key points\?\s+2m\s+answer\s+\d+s\n/);
    }
    const json = JSON.parse(prep(['list', '--json']).stdout) as { question: string; keyPoints: number; keyPointsSource: string }[];
    expect(json.map((c) => [c.question, c.keyPoints, c.keyPointsSource])).toEqual([
      ['Bold key points?', 2, 'emphasis'],
      ['Listed key points?', 2, 'section'],
    ]);
  }, 20_000);

  it('lines up columns by display width when questions are Chinese', () => {
    useDeck('good');
    const { stdout } = prep(['list'], { COLUMNS: '200' });
    const rows = stdout.split('\n').slice(0, 5);
    // Every row's TAGS cell starts at the same terminal column as the header's TAGS.
    const tagColumn = (line: string, tag: string) => stringWidth(line.slice(0, line.indexOf(tag)));
    const expected = tagColumn(rows[0]!, 'TAGS');
    const tags = ['TAGS', 'behavioural', 'motivation', 'motivation', 'technical'];
    expect(rows.map((row, i) => tagColumn(row, tags[i]!))).toEqual([expected, expected, expected, expected, expected]);
    const cjkRow = rows.find((r) => r.includes('字节跳动'))!;
    expect(stringWidth(cjkRow.slice(0, cjkRow.indexOf('字节跳动')))).toBe(stringWidth(rows[0]!.slice(0, rows[0]!.indexOf('COMPANY'))));
  });

  it('fits a narrow terminal by shortening the question, measuring Chinese as double width', () => {
    useDeck('good');
    const { stdout } = prep(['list'], { COLUMNS: '90' });
    const table = stdout.split('\n').slice(0, 5);
    for (const line of table) expect(stringWidth(line)).toBeLessThanOrEqual(90);
    expect(stdout).toContain('…');
  });

  it('in a terminal too narrow for every column, leaves out company, then tags, then versions, and every line fits', () => {
    useDeck('good');
    const header = (columns: number) => {
      const { code, stdout } = prep(['list'], { COLUMNS: String(columns) });
      expect(code).toBe(0);
      const lines = stdout.trimEnd().split('\n');
      for (const line of lines) expect(stringWidth(line), `${columns}: ${line}`).toBeLessThanOrEqual(columns);
      return lines[0]!.split(/\s{2,}/);
    };
    expect(header(200)).toEqual(['QUESTION', 'TAGS', 'COMPANY', 'LIMIT', 'VERSIONS', 'SPOKEN']);
    expect(header(100)).toEqual(['QUESTION', 'TAGS', 'LIMIT', 'VERSIONS', 'SPOKEN']);
    expect(header(80)).toEqual(['QUESTION', 'LIMIT', 'VERSIONS', 'SPOKEN']);
    expect(header(50)).toEqual(['QUESTION', 'LIMIT', 'SPOKEN']);
  });

  it('cuts nothing when piped, however long the tags, company and question', () => {
    const question = `What would you change first in a team of forty engineers that ships once a quarter and wants to ship daily?`;
    const tags = ['behavioural', 'leadership', 'continuous-delivery', 'team-building'];
    writeTree(path.join(cwd, 'answers'), {
      'long.md': `---\nquestion: ${question}\ntags: [${tags.join(', ')}]\ncompany: Initech International Holdings\n---\n\nAn answer.\n`,
    });
    const { code, stdout } = prep(['list']);
    expect(code).toBe(0);
    expect(stdout).not.toContain('…');
    expect(stdout).toContain(question);
    expect(stdout).toContain(tags.join(', '));
    expect(stdout).toContain('Initech International Holdings');
  });

  it('--json prints a stable array of summaries', () => {
    useDeck('good');
    const { code, stdout } = prep(['list', '--json']);
    expect(code).toBe(0);
    const cards = JSON.parse(stdout) as Summary[];
    expect(cards).toHaveLength(4);
    for (const card of cards) {
      expect(Object.keys(card)).toEqual(expect.arrayContaining(['id', 'question', 'tags', 'company', 'file', 'timeLimitSec']));
    }
    expect(cards.find((c) => c.file === 'motivation/why-us.md')).toMatchObject({
      id: 'motivation/why-us',
      question: 'Why do you want to work here?',
      tags: ['motivation'],
      company: 'Acme',
      timeLimitSec: 60,
      versions: ['answer'],
      status: 'ready',
    });
    expect(cards.find((c) => c.file === 'motivation/离职原因.md')).toMatchObject({ tags: ['motivation', '中文'], company: '字节跳动', timeLimitSec: 90, versions: ['short', 'full'] });
    expect(cards.find((c) => c.file === 'technical/index.md')).toMatchObject({ company: 'Globex', status: 'to-prepare', versions: [], timeLimitSec: 180 });
  });

  it('reads no folder when none changed, and sees answers added, removed, moved and edited at once', async () => {
    useDeck('good');
    // Folders changed in the last seconds are walked every time (the racy rule): let them settle.
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    const counted = () => {
      const log = path.join(cwd, `readdir-${Math.random()}`);
      const run = runPrep(['list', '--json'], { cwd, env: { PREP_TEST_READDIR_LOG: log }, nodeArgs: ['--require', STAT_COUNT] });
      expect(run.code).toBe(0);
      return { files: (JSON.parse(run.stdout) as Summary[]).map((c) => `${c.file} ${c.question}`).sort(), folders: Number(readFileSync(log, 'utf8')) };
    };
    const first = counted(); // walks the deck's 4 folders and records them
    expect(first.folders).toBe(4);
    expect(counted()).toEqual({ ...first, folders: 0 });

    const answers = path.join(cwd, 'answers');
    writeFileSync(path.join(answers, 'technical', 'caching.md'), '---\nquestion: How would you cache this?\n---\n\nClosest to the reader.\n');
    rmSync(path.join(answers, 'motivation', 'why-us.md'));
    renameSync(path.join(answers, 'behavioural', 'conflict.md'), path.join(answers, 'conflict.md'));
    const changed = counted();
    expect(changed.folders).toBe(4);
    expect(changed.files).toEqual(
      [...first.files.filter((f) => !f.startsWith('motivation/why-us.md') && !f.startsWith('behavioural/conflict.md')), 'technical/caching.md How would you cache this?', first.files.find((f) => f.startsWith('behavioural/conflict.md'))!.replace('behavioural/', '')].sort(),
    );

    // Edited in place: no folder changes, and the file's own stamp shows the new question.
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    counted(); // records the settled folders
    const index = path.join(answers, 'technical', 'index.md');
    writeFileSync(index, readFileSync(index, 'utf8').replace('What is a database index?', 'What is a B-tree index?'));
    const edited = counted();
    expect(edited.folders).toBe(0);
    expect(edited.files).toContain('technical/index.md What is a B-tree index?');
  }, 30_000);

  it('--tag keeps cards with any of the tags, ignoring case', () => {
    useDeck('good');
    const one = JSON.parse(prep(['list', '--json', '--tag', 'Behavioural']).stdout) as Summary[];
    expect(one.map((c) => c.file)).toEqual(['behavioural/conflict.md']);
    const two = JSON.parse(prep(['list', '--json', '-t', 'technical', '-t', '中文']).stdout) as Summary[];
    expect(two.map((c) => c.file).sort()).toEqual(['motivation/离职原因.md', 'technical/index.md']);
  });

  it('--company keeps that company only, ignoring case', () => {
    useDeck('good');
    const acme = JSON.parse(prep(['list', '--json', '--company', 'acme']).stdout) as Summary[];
    expect(acme.map((c) => c.file).sort()).toEqual(['behavioural/conflict.md', 'motivation/why-us.md']);
    const both = JSON.parse(prep(['list', '--json', '--company', 'Acme', '--tag', 'motivation']).stdout) as Summary[];
    expect(both.map((c) => c.file)).toEqual(['motivation/why-us.md']);
  });

  it('says how to see everything when the filters match nothing', () => {
    useDeck('good');
    const { code, stdout } = prep(['list', '--company', 'Initech']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/No cards match these filters; run `prep list` without --tag\/--company/);
    expect(JSON.parse(prep(['list', '--json', '--company', 'Initech']).stdout)).toEqual([]);
  });

  it('uses --deck, and lists the good cards of a broken deck with a pointer to prep check', () => {
    copyFixture('decks/broken', path.join(cwd, 'elsewhere'));
    const { code, stdout, stderr } = prep(['list', '--deck', 'elsewhere']);
    expect(code).toBe(0);
    expect(stdout).toContain('Why do you want to work here?');
    expect(stderr).toMatch(/1 error in the answer files kept cards out of this list; run `prep check` to see it\./);
  });

  it('finds answers/ in a parent folder', () => {
    useDeck('good');
    mkdirSync(path.join(cwd, 'sub', 'deeper'), { recursive: true });
    const inner = cwd;
    cwd = path.join(inner, 'sub', 'deeper');
    try {
      expect(JSON.parse(prep(['list', '--json']).stdout)).toHaveLength(4);
    } finally {
      cwd = inner;
    }
  });
});

describe.runIf(gnuFind)('prep list --json with find checking the stamps', () => {
  /** list --json with the probe on (whatever the core count) or off, and how many answer files prep itself stat'ed. */
  const listed = (probe: 'on' | 'off' = 'on') => {
    const log = path.join(cwd, `stat-${Math.random()}`);
    const run = runPrep(['list', '--json'], { cwd, env: { PREP_TEST_STAT_LOG: log, PREP_TEST_PROBE: probe }, nodeArgs: ['--require', STAT_COUNT] });
    expect(run.code).toBe(0);
    return { questions: (JSON.parse(run.stdout) as Summary[]).map((c) => `${c.file} ${c.question}`).sort(), stats: Number(readFileSync(log, 'utf8')) };
  };
  /** Rewrites an answer in place with the same size and puts its mtime back to the nanosecond (as rsync -a or cp -p over it would). */
  const rewriteKeepingStamp = (file: string, from: string, to: string) => {
    expect(to.length).toBe(from.length);
    rewriteKeepingTimes(file, (text) => text.replace(from, to));
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 3_100));

  it('stats no answer file once find has agreed, and still sees an answer rewritten with its size and mtime kept', async () => {
    useDeck('good');
    await settle();
    const walked = listed(); // walks and records the folders: find is not asked without that record
    expect(walked.stats).toBe(4);
    expect(listed()).toEqual({ ...walked, stats: 4 }); // the stat check passes: find's output is recorded
    expect(listed()).toEqual({ ...walked, stats: 0 }); // the same output: no stat

    rewriteKeepingStamp(path.join(cwd, 'answers', 'technical', 'index.md'), 'What is a database index?', 'What is a DATABASE index?');
    const edited = listed();
    expect(edited.questions).toContain('technical/index.md What is a DATABASE index?');
    expect(edited.stats).toBeGreaterThanOrEqual(4); // find's output changed (the ctime): checked by stat, and parsed again
  }, 30_000);

  it('stats every answer file when asked not to use find', async () => {
    useDeck('good');
    await settle();
    listed('off');
    for (let i = 0; i < 3; i++) expect(listed('off').stats).toBe(4);
  }, 30_000);

  it('sees an answer rewritten with its stamp kept in a deck reached through a link', async () => {
    copyFixture('decks/good', path.join(cwd, 'kept-elsewhere'));
    symlinkSync(path.join(cwd, 'kept-elsewhere'), path.join(cwd, 'answers'));
    await settle();
    const walked = listed();
    listed();
    expect(listed()).toEqual({ ...walked, stats: 0 }); // find agreed
    rewriteKeepingStamp(path.join(cwd, 'kept-elsewhere', 'technical', 'index.md'), 'What is a database index?', 'What is a DATABASE index?');
    expect(listed().questions).toContain('technical/index.md What is a DATABASE index?');
  }, 30_000);

  it('does not ask find about a deck with a linked folder, whose files find would not see', async () => {
    useDeck('good');
    const outside = path.join(cwd, 'elsewhere');
    writeTree(outside, { 'linked.md': '---\nquestion: Is this linked?\n---\n\nYes.\n' });
    symlinkSync(outside, path.join(cwd, 'answers', 'linked'));
    await settle();
    for (let i = 0; i < 3; i++) expect(listed().questions).toContain('linked/linked.md Is this linked?');
    rewriteKeepingStamp(path.join(outside, 'linked.md'), 'Is this linked?', 'Is THIS linked?');
    expect(listed().questions).toContain('linked/linked.md Is THIS linked?');
  }, 30_000);
});

describe('prep list colour and terminal safety', () => {
  it('has no escape codes when not a terminal', () => {
    useDeck('good');
    expect(prep(['list']).stdout).not.toContain(ESC);
  });

  it('FORCE_COLOR=1 colours the output even when piped', () => {
    useDeck('good');
    const { stdout } = prep(['list'], { FORCE_COLOR: '1' });
    expect(stdout).toContain(`${ESC}[1mQUESTION`);
    expect(stdout).toContain(`${ESC}[33mto prepare`);
  });

  it('NO_COLOR turns colour off, and FORCE_COLOR=0 does too', () => {
    useDeck('good');
    expect(prep(['list'], { NO_COLOR: '1' }).stdout).not.toContain(ESC);
    expect(prep(['list'], { FORCE_COLOR: '0' }).stdout).not.toContain(ESC);
  });

  it('--json never has colour', () => {
    useDeck('good');
    expect(prep(['list', '--json'], { FORCE_COLOR: '1' }).stdout).not.toContain(ESC);
  });

  it('neutralises control characters in card text, even with colour forced', () => {
    mkdirSync(path.join(cwd, 'answers'));
    writeFileSync(path.join(cwd, 'answers', 'evil.md'), '---\nquestion: "Hi\\e]0;owned\\u0007 \\e[2J there"\ntags: ["x\\e[31m"]\n---\n\nAnswer.\n');
    const plain = prep(['list']);
    expect(plain.stdout).not.toContain(ESC);
    expect(plain.stdout).not.toContain('\u0007');
    expect(plain.stdout).toContain('Hi^[]0;owned^G ^[[2J there');
    const forced = prep(['list'], { FORCE_COLOR: '1' });
    expect(forced.stdout).not.toContain(`${ESC}]0;`);
    expect(forced.stdout).not.toContain(`${ESC}[2J`);
  });
});

describe('prep list into a reader that stops early', () => {
  it('stops quietly with exit 0 (no EPIPE stack), cold and warm', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++) files[`answers/q-${i}.md`] = `---\nquestion: "A question long enough to fill a pipe quickly, number ${i}?"\ntags: [behavioural, technical]\n---\n\nAnswer ${i}.\n`;
    writeTree(cwd, files); // about 115 KB of JSON: more than a pipe holds
    for (const run of ['cold', 'warm']) {
      // `head -c 1` reads one byte and exits, so prep's write fails with EPIPE.
      const script = `"${process.execPath}" "${PREP_BIN}" list --json 2>stderr.txt | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}" > status.txt`;
      spawnSync('bash', ['-c', script], { cwd, env: inheritedEnv(), timeout: 20_000 });
      expect({ run, stderr: readFileSync(path.join(cwd, 'stderr.txt'), 'utf8'), status: readFileSync(path.join(cwd, 'status.txt'), 'utf8').trim() }).toEqual({ run, stderr: '', status: '0' });
    }
  });
});
