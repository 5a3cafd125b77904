/**
 * The parse cache's layout (v4, with entry places since v5): bodies written as several files while a deck is parsed, stamps
 * as binary with NUL-joined names, and the list --json text built card by card.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { summarizeCard } from '../../src/core/card.js';
import { cacheDirFor, compactListJson, INDEX_NAME, loadDeckListJson, loadDeckSummary, setBodiesFileSizeForTests } from '../../src/store/deck-cache.js';
import { jsonText } from '../../src/ui/json.js';
import { deckCacheTools, makeTempDeck } from '../helpers/deck-cache.js';

let root: string;
let deck: string;
const { parsed, put, load, fresh, index } = deckCacheTools(() => deck);
const header = () => {
  const bytes = readFileSync(index());
  return JSON.parse(bytes.subarray(0, bytes.indexOf(0x0a)).toString('utf8')) as { bodies: [string, number][] };
};
const bodiesFiles = () => readdirSync(cacheDirFor(deck)).filter((n) => n.startsWith('deck-bodies-')).sort();
const answer = (n: number) => `---
question: "Question ${n}: 你为什么想加入我们?"
tags: [behavioural]
---

## Key points

- **Point** ${n}
- 第二点 ${n}

## Short version

A short answer ${n}, with **bold** and 中文.

## Full version

${'A longer answer that runs on. '.repeat(5)}${n}
`;

beforeEach(() => {
  ({ root, deck } = makeTempDeck('prep-layout-'));
  for (let i = 0; i < 12; i++) put(`topic-${i % 3}/answer-${i}.md`, answer(i));
  put('中文/回答.md', answer(99).replace('Question 99', '问题 99'));
  put('odd name #1 (copy).md', answer(100));
});
afterEach(() => {
  setBodiesFileSizeForTests(4 << 20);
  rmSync(root, { recursive: true, force: true });
});

describe('bodies written as several files', () => {
  it('gives the same deck cold and warm when the texts span many bodies files', () => {
    setBodiesFileSizeForTests(200);
    const cold = load();
    expect(parsed).toHaveLength(14);
    const names = bodiesFiles();
    expect(names.length).toBeGreaterThan(3);
    expect(header().bodies.map(([name]) => name).sort()).toEqual(names);
    for (const [name, size] of header().bodies) expect(statSync(path.join(cacheDirFor(deck), name)).size).toBe(size);
    const warm = load();
    expect(parsed).toEqual([]);
    const expected = JSON.stringify(fresh()); // stringify reads every section text
    expect(JSON.stringify(cold)).toBe(expected);
    expect(JSON.stringify(warm)).toBe(expected);
  });

  it('replaces the old bodies files when a file is parsed again, and keeps none of them', () => {
    setBodiesFileSizeForTests(200);
    load();
    const before = bodiesFiles();
    put('topic-1/answer-4.md', answer(4).replace('A short answer 4', 'An edited answer'));
    const after = load();
    expect(parsed).toEqual(['topic-1/answer-4.md']);
    const names = bodiesFiles();
    expect(names.some((n) => before.includes(n))).toBe(false);
    expect(header().bodies.map(([name]) => name).sort()).toEqual(names);
    expect(JSON.stringify(after)).toBe(JSON.stringify(fresh()));
    expect(JSON.stringify(load())).toBe(JSON.stringify(fresh()));
    expect(parsed).toEqual([]);
  });

  it('ignores the cache when one of its bodies files is missing or of another size', () => {
    setBodiesFileSizeForTests(200);
    for (const damage of [(file: string) => rmSync(file), (file: string) => writeFileSync(file, 'short')]) {
      load();
      const names = bodiesFiles();
      damage(path.join(cacheDirFor(deck), names[Math.floor(names.length / 2)]!));
      expect(JSON.stringify(load())).toBe(JSON.stringify(fresh()));
      expect(parsed).toHaveLength(14);
    }
  });

  it('recovers a text from a bodies file damaged after loading (not the first file)', () => {
    setBodiesFileSizeForTests(200);
    load();
    const warm = load();
    const { bodies } = header();
    const [name, size] = bodies[bodies.length - 1]!;
    writeFileSync(path.join(cacheDirFor(deck), name), Buffer.alloc(size, 0x41));
    const expected = fresh();
    expect(warm.cards.map((c) => c.sections.full?.markdown)).toEqual(expected.cards.map((c) => c.sections.full?.markdown));
  });

  it('removes the bodies files it wrote while parsing when the index cannot be written', () => {
    setBodiesFileSizeForTests(200);
    mkdirSync(path.join(cacheDirFor(deck), INDEX_NAME, 'in-the-way'), { recursive: true }); // a folder where the index goes
    const deckNow = load();
    expect(parsed).toHaveLength(14);
    expect(bodiesFiles()).toEqual([]);
    expect(JSON.stringify(deckNow)).toBe(JSON.stringify(fresh())); // texts still readable
  });
});

describe('stamps', () => {
  it('serves list --json and the summary for file names with spaces, #, and Chinese once settled', async () => {
    // Files changed less than 3 s before a load are checked by hash, never served by stamp: wait that out.
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    load();
    const list = await loadDeckListJson(deck);
    expect(list?.toString('utf8')).toBe(`${JSON.stringify(fresh().cards.map(summarizeCard))}\n`);
    expect(JSON.stringify(list?.toString('utf8'))).toContain('回答.md');
    const before = statSync(path.join(cacheDirFor(deck), INDEX_NAME)).mtimeMs;
    const summary = await loadDeckSummary(deck);
    expect(statSync(path.join(cacheDirFor(deck), INDEX_NAME)).mtimeMs).toBe(before);
    expect(summary.cards).toEqual(fresh().cards.map(summarizeCard));
    // A renamed file: same count of files, another name at one position.
    rmSync(path.join(deck, '中文/回答.md'));
    put('中文/答案.md', answer(99).replace('Question 99', '问题 99'));
    expect(await loadDeckListJson(deck)).toBeUndefined();
    expect((await loadDeckSummary(deck)).cards).toEqual(fresh().cards.map(summarizeCard));
  }, 15_000);
});

describe('compactListJson', () => {
  it('is jsonText of the whole list and a newline, byte for byte, with characters it must escape', () => {
    put('odd.md', '---\nquestion: "Bidi \u202e and C1 \u0085 and DEL \u007f and 中文?"\n---\n\nAnswer.\n');
    const cards = fresh().cards.map(summarizeCard);
    expect(cards.some((c) => c.question.includes('\u202e'))).toBe(true);
    expect(Buffer.concat(compactListJson(cards)).toString('utf8')).toBe(`${jsonText(cards, false)}\n`);
    expect(Buffer.concat(compactListJson([])).toString('utf8')).toBe('[]\n');
  });
});
