/**
 * The notes importer on fixture folders (input.* + expected.json, notes we wrote ourselves), and on
 * the user's real notes in ../shared/seeds when they are there. Every fixture also has to conserve
 * its text: each line with letters or digits ends up in a card, in the "could not place" report, or
 * is structure (a section title, a label such as 完整版, a Q:/A: marker, the notes' title).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SECTION_NAMES } from '../../src/core/card.js';
import { importNotes, type NotesImport } from '../../src/import/index.js';
import { parseAnswerFile } from '../../src/markdown/parse.js';
import { serializeAnswer } from '../../src/markdown/serialize.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const seedsDir = path.resolve(repo, '../shared/seeds');
const fixtureDirs = readdirSync(here, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

function inputOf(dir: string): string {
  const name = readdirSync(path.join(here, dir)).find((f) => f.startsWith('input.'));
  if (!name) throw new Error(`${dir} has no input file`);
  return readFileSync(path.join(here, dir, name), 'utf8');
}

const letters = (text: string) => text.replace(/<!--|-->/gu, '').replace(/[^\p{L}\p{N}]+/gu, '');

/** Lines of `text` (with letters or digits) that are in no card, not reported and not structure. */
function lostLines(text: string, result: NotesImport): string[] {
  const cards = result.questions.map((q) => letters(`${q.question}\n${Object.values(q.sections).join('\n')}`)).join('\u0000');
  const reported = new Set([...result.unplaced.map((u) => u.line), ...result.structure.map((s) => s.line)]);
  // Markers are not text: quote and callout markers ("> [!question]-"), task boxes ("- [ ]"),
  // list markers and heading numbering ("1.1 ", "a. ", "1、", "（1）"), Q labels ("**Q1.", "問題1：", "题目三、").
  const unmark = (line: string) =>
    line
      .replace(/^(?:\s*>)+\s*(?:\[![\w-]+\][-+]?)?/u, '')
      .replace(/^\s*[-*+]\s+\[[ xX]\]\s+/u, '')
      .replace(/^\s*(?:#+\s*)?(?:\d+(?:\.\d+)*[.)、]?\s+|\d+[、）]|[(（]\d+[)）]|[a-z][.)]\s+|(?:\*\*)?(?:q|question|问|問|问题|問題|题目|題目)\s*[\d一二三四五六七八九十]*(?:\*\*)?\s*[:：.、]\s*)/iu, '');
  // A table row is conserved cell by cell (a bare number cell is the row's numbering).
  const keys = (line: string) =>
    /^\s*\|/u.test(line)
      ? line.split('|').map((c) => letters(c)).filter((k) => k !== '' && !/^\d+$/u.test(k))
      : [letters(unmark(line))].filter((k) => k !== '');
  return text
    .split('\n')
    .map((line, i) => ({ line, no: i + 1 }))
    .filter(({ line, no }) => !reported.has(no) && keys(line).some((key) => !cards.includes(key)))
    .map(({ line, no }) => `${no}: ${line}`);
}

/** Each card, written as an answer file, reads back as the same question with the same sections. */
function roundTrips(result: NotesImport): string[] {
  const bad: string[] = [];
  for (const q of result.questions) {
    const text = serializeAnswer({ question: q.question, tags: q.tags, company: q.company, timeSec: q.timeSec, sections: q.sections });
    const parsed = parseAnswerFile(text, 'card.md');
    const card = parsed.cards[0];
    const same =
      parsed.cards.length === 1 &&
      card!.question === q.question &&
      (q.timeSec === undefined || card!.timeLimitSec === q.timeSec) &&
      SECTION_NAMES.every((name) => letters(card!.sections[name]?.markdown ?? '') === letters(q.sections[name] ?? '')) &&
      parsed.problems.every((p) => p.severity !== 'error');
    if (!same) bad.push(q.question);
  }
  return bad;
}

describe('importer fixtures', () => {
  it('has a fixture for every recognised shape', () => {
    expect(fixtureDirs.length).toBeGreaterThanOrEqual(23);
  });

  for (const dir of fixtureDirs) {
    describe(dir, () => {
      const text = inputOf(dir);
      const expected = JSON.parse(readFileSync(path.join(here, dir, 'expected.json'), 'utf8')) as {
        questions: { question: string; line: number; tags: string[]; company: string | null; sections: Record<string, string> }[];
        unplaced: number[];
        /** Title-like lines kept inside the answer above them; none when absent. */
        keptInAnswers?: { line: number; text: string; question: string }[];
      };
      const result = importNotes(text);

      it('finds each question with its own answer', () => {
        expect(result.questions.map((q) => ({ question: q.question, line: q.line, tags: q.tags, company: q.company, ...(q.timeSec !== undefined ? { timeSec: q.timeSec } : {}), sections: q.sections }))).toEqual(expected.questions);
      });
      it('reports the text that belongs to no question', () => {
        expect(result.unplaced.map((u) => u.line)).toEqual(expected.unplaced);
      });
      it('reports the title-like lines it kept inside an answer, and no others', () => {
        expect(result.keptInAnswers ?? []).toEqual(expected.keptInAnswers ?? []);
      });
      it('loses no text', () => {
        expect(lostLines(text, result)).toEqual([]);
      });
      it('writes answer files that read back the same', () => {
        expect(roundTrips(result)).toEqual([]);
      });
    });
  }
});

describe('text conservation check', () => {
  it('fails when an answer line is dropped', () => {
    const text = 'Why Acme?\n- reason one\n- reason two\n';
    const result = importNotes(text);
    expect(lostLines(text, result)).toEqual([]);
    result.questions[0]!.sections.answer = '- reason one';
    expect(lostLines(text, result)).toEqual(['3: - reason two']);
  });
});

describe('edge cases', () => {
  it('reads nothing from empty or blank notes', () => {
    for (const text of ['', '\n\n', '   \n\t\n']) {
      const result = importNotes(text);
      expect(result.questions).toEqual([]);
      expect(result.unplaced).toEqual([]);
    }
  });

  it('reports prose with no question instead of inventing one', () => {
    const text = 'Met the team on Tuesday. They use Go.\nThe office is near the station.\n';
    const result = importNotes(text);
    expect(result.questions).toEqual([]);
    expect(result.unplaced.map((u) => u.line)).toEqual([1, 2]);
  });

  it('keeps a question mark inside an answer from starting a new question', () => {
    const result = importNotes('How do you test?\nFirst I ask: what can break?\nThen I write that test.\n');
    expect(result.questions.map((q) => q.question)).toEqual(['How do you test?']);
  });

  it('reads Windows line endings and a byte-order mark', () => {
    const result = importNotes('\uFEFFQ: Why us?\r\nA: Your product.\r\n');
    expect(result.questions).toEqual([expect.objectContaining({ question: 'Why us?', sections: { answer: 'Your product.' } })]);
  });

  it('keeps prose after a list answer when an earlier answer shows that is how these notes answer', () => {
    const text = 'Why Acme?\n- product\n- team\n\nSo, mostly the people.\n\nWhy now?\n- timing\n\nThat is the short of it.\n';
    const result = importNotes(text);
    expect(result.questions[1]!.sections.answer).toBe('- timing\n\nThat is the short of it.');
    expect(result.unplaced).toEqual([]);
  });

  it('reports prose set off by a rule after the last answer, even when the answer is prose', () => {
    const result = importNotes('## Why Acme?\nThe product.\n\n## Why now?\nThe timing.\n\n---\n\nI heard back in a week.\n');
    expect(result.questions[1]!.sections.answer).toBe('The timing.');
    expect(result.unplaced.map((u) => u.line)).toEqual([9]);
  });

  it('keeps a drawing after a list answer, but not prose that merely trails off with dots', () => {
    const drawn = importNotes('How does a request flow?\n- client\n- server\n\n+--------+     +--------+\n| client | --> | server |\n+--------+     +--------+\n');
    expect(drawn.questions[0]!.sections.answer).toContain('| client | --> | server |');
    expect(drawn.unplaced).toEqual([]);
    const dots = importNotes('Why Acme?\n- product\n- team\n\nThings to ask them: team size, on-call\n...\n');
    expect(dots.questions[0]!.sections.answer).toBe('- product\n- team');
    expect(dots.unplaced.map((u) => u.line)).toEqual([5]);
  });

  it('keeps a second prose paragraph of the last answer', () => {
    const result = importNotes('## Why Acme?\nThe product.\n\nAnd the people.\n');
    expect(result.questions[0]!.sections.answer).toBe('The product.\n\nAnd the people.');
  });

  it('does not treat a placeholder word that starts a real answer as a placeholder', () => {
    const result = importNotes('## What would you do first?\nTodo lists: I write one every morning.\n\n## Why us?\nN/A for now\n');
    expect(result.questions[0]!.sections.answer).toBe('Todo lists: I write one every morning.');
    expect(result.questions[1]!.sections).toEqual({ notes: 'N/A for now' });
  });

  it('leaves quote markers inside code fences alone', () => {
    const result = importNotes('## How do you use the shell?\n\n```\n> echo hi\n```\n');
    expect(result.questions[0]!.sections.answer).toBe('```\n> echo hi\n```');
  });

  it('does not read a table of data as questions', () => {
    const result = importNotes('## What did you measure?\n\n| Metric | Before | After |\n| --- | --- | --- |\n| p99 | 900ms | 120ms |\n');
    expect(result.questions.map((q) => q.question)).toEqual(['What did you measure?']);
    expect(result.questions[0]!.sections.answer).toContain('| p99 | 900ms | 120ms |');
  });

  it('keeps an answer paragraph that starts like a company title in the answer', () => {
    const result = importNotes('Where else are you interviewing?\nA few places.\n\nGoogle onsite\nWent well, waiting to hear back.\n\nWhy Acme?\nThe product.\n');
    expect(result.questions[0]!.sections.answer).toBe('A few places.\n\nGoogle onsite\nWent well, waiting to hear back.');
    expect(result.questions.map((q) => q.company)).toEqual([null, null]);
  });

  it('reads a Tags: line written as a list', () => {
    const result = importNotes('Tags: [behavioural, "leadership"]\n\n## Why Acme?\nThe product.\n');
    expect(result.questions[0]!.tags).toEqual(['behavioural', 'leadership']);
  });

  it('does not take an interview topic over questions for a company, even when the notes ask why join it', () => {
    const result = importNotes('## 团队\n### 为什么加入团队？\n想做支付。\n### 团队多大？\n十个人。\n');
    expect(result.questions.map((q) => [q.company, q.tags])).toEqual([
      [null, ['团队']],
      [null, ['团队']],
    ]);
  });

  it('does not read headings inside code fences as questions', () => {
    const result = importNotes('## How do you deploy?\n\n```sh\n# Why is this here?\nmake deploy\n```\n');
    expect(result.questions.map((q) => q.question)).toEqual(['How do you deploy?']);
    expect(result.questions[0]!.sections.answer).toContain('# Why is this here?');
  });
});

describe.skipIf(!existsSync(seedsDir))('the user notes in ../shared/seeds', () => {
  const seeds = existsSync(seedsDir) ? readdirSync(seedsDir).sort() : [];
  const read = (prefix: string) => {
    const name = seeds.find((s) => s.startsWith(prefix));
    if (!name) throw new Error(`seed ${prefix} is missing`);
    const text = readFileSync(path.join(seedsDir, name), 'utf8');
    return { text, result: importNotes(text) };
  };

  it('conserves the text of every seed and writes files that read back', () => {
    for (const name of seeds) {
      const text = readFileSync(path.join(seedsDir, name), 'utf8');
      const result = importNotes(text);
      expect(lostLines(text, result), name).toEqual([]);
      expect(roundTrips(result), name).toEqual([]);
    }
  });

  it('000: a question line followed by bullets or prose, with and without a question mark', () => {
    const { result } = read('000');
    expect(result.questions).toHaveLength(9);
    expect(result.unplaced).toEqual([]);
    const strength = result.questions.find((q) => q.question.startsWith('Strength'))!;
    // The "Reliable" block after one blank line is part of the strengths, not a question; but the
    // report says so, since the user may mean a card of its own.
    expect(strength.sections.answer).toMatch(/Reliable/u);
    expect(result.keptInAnswers).toEqual([{ line: 70, text: '靠谱 Reliable', question: 'Strength (Elaborate with a good story)' }]);
    expect(result.questions.map((q) => q.question)).toContain('Weakness');
    expect(result.questions.map((q) => q.question)).toContain('why our company');
    expect(result.questions.every((q) => q.sections.answer !== undefined)).toBe(true);
  });

  it('001: one STAR question with a full version, a short version and notes', () => {
    const { result } = read('001');
    expect(result.questions).toHaveLength(1);
    expect(Object.keys(result.questions[0]!.sections).sort()).toEqual(['full', 'notes', 'short']);
    expect(result.questions[0]!.sections.notes).toMatch(/疫情期间/u);
  });

  it('002: numbered questions (some unanswered), a lettered take-home and a design question, for the company in the title', () => {
    const { result } = read('002');
    expect(result.questions).toHaveLength(11);
    expect(result.questions.every((q) => q.company === 'Buyandship')).toBe(true);
    expect(result.questions.filter((q) => Object.keys(q.sections).length === 0)).toHaveLength(6);
    const design = result.questions.at(-1)!;
    expect(design.question).toMatch(/Can you propose a design/u);
    expect(design.tags).toEqual(['design']);
    expect(design.sections.answer).toMatch(/^To support such requirement/u);
    expect(design.sections.notes).toMatch(/^Suppose you have an API service/u);
    // The paragraph after the last component (one blank line) closes the design and introduces the
    // diagram the question asks for: both are the answer, not text to report.
    expect(design.sections.answer).toMatch(/With the durability of Message Queue[\s\S]*\| Elasticsearch \|/u);
    // The Python snippet and the ASCII diagram are fenced code, not lines a viewer runs together;
    // "1. Functionality" keeps its paragraph inside the item.
    expect(design.sections.notes).toContain('```\n# Update MySQL\ncursor.execute(');
    expect(design.sections.answer).toMatch(/```\n\+-+\+ \+-+\+\n[\s\S]*\| Elasticsearch \|\n\| \|\n```$/u);
    const review = result.questions.find((q) => q.question.includes('code review'))!;
    expect(review.sections.answer).toMatch(/^1\. Functionality\n\n {3}First of all/u);
    // Narrative outside the questions is reported, not attached to question 7.
    expect(result.questions[6]!.sections).toEqual({});
    expect(result.unplaced.length).toBeGreaterThan(5);
  });
});
