/**
 * The lazy deck drill starts from: summaries from the index, full cards revived one file entry at a
 * time when first used, and the same cards as a fresh parse in every case.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { summarizeCard, type Card } from '../../src/core/card.js';
import { PrepError } from '../../src/core/errors.js';
import { cacheDirFor, loadDeckLazily, type LazyDeck } from '../../src/store/deck-cache.js';
import { deckCacheTools, makeTempDeck } from '../helpers/deck-cache.js';

let root: string;
let deck: string;
const { parsed, put, load, fresh, index } = deckCacheTools(() => deck);
/** Every card of the lazy deck in full, as JSON (which reads every field and section text). */
const fullJson = (lazy: LazyDeck) => JSON.stringify(lazy.cards.map((s) => lazy.fullCard(s)));
/** Files changed less than 3 s before the cache was written are checked by hash, never served by stamp. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 3_100));

function makeDeck(): void {
  ({ root, deck } = makeTempDeck('prep-lazy-'));
  put('one.md', '---\nquestion: Tell me about a conflict?\ntags: [behavioural]\ncompany: Acme\ntime: 2m\n---\n\n## Key points\n\n- **Listen** first\n\n## Short version\n\nWe agreed on a **canary**.\n\n## Follow-ups\n\n- Why?\n');
  put('two.md', '# Why us?\n\nBecause of **growth**.\n\n# Why now?\n\n<!-- id: why-now -->\nTiming, 中文 too.\n');
  put('sub/three.md', '---\nquestion: Design a cache?\ntags: [system-design]\n---\n\n## Answer\n\nStamps, hashes and a fallback.\n\n## Notes\n\nMention racy files.\n');
  put('todo.md', '---\nquestion: Biggest weakness?\n---\n');
  put('broken.md', '---\nquestion: [unclosed\n---\n');
}

describe('loadDeckLazily on a settled deck (served from the index)', () => {
  let settledIndex: Buffer;
  let settledBodies: [string, Buffer][];
  const bodiesFiles = () => readdirSync(cacheDirFor(deck)).filter((name) => name.startsWith('deck-bodies-'));
  beforeAll(async () => {
    makeDeck();
    load();
    await settle();
    load(); // rewrites the index with no file racy: now a warm start is served by stamps
    settledIndex = readFileSync(index());
    settledBodies = bodiesFiles().map((name) => [name, readFileSync(path.join(cacheDirFor(deck), name))]);
  });
  beforeEach(() => {
    writeFileSync(index(), settledIndex);
    for (const [name, bytes] of settledBodies) writeFileSync(path.join(cacheDirFor(deck), name), bytes);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('gives the summaries, error count and full cards of a fresh parse', async () => {
    const expected = fresh();
    const lazy = await loadDeckLazily(deck);
    expect(lazy.cards).toEqual(expected.cards.map(summarizeCard));
    expect(lazy.files).toBe(5);
    expect(lazy.errors).toBe(expected.problems.filter((p) => p.severity === 'error').length);
    expect(lazy.errors).toBeGreaterThan(0);
    expect(fullJson(lazy)).toBe(JSON.stringify(expected.cards));
    lazy.cards.forEach((s, i) => expect(lazy.fullCard(s)).toEqual(expected.cards[i]));
  });

  it('reads no entry until a field the summary lacks is used, then only that card\'s file', async () => {
    let before = 0;
    // Every entry but two.md's is damaged (the part's SHA-256 kept right): only a revive would notice.
    const lazy = await withDamagedEntries(['one.md', 'sub/three.md', 'todo.md', 'broken.md'], () => {
      before = statSync(index()).mtimeMs;
      return loadDeckLazily(deck);
    });
    expect(lazy.cards).toEqual(fresh().cards.map(summarizeCard));
    const cards = new Map(lazy.cards.map((s) => [s.id, lazy.fullCard(s)]));
    // What the question screen shows comes from the summary alone.
    for (const [id, card] of cards) {
      const truth = fresh().cards.find((c) => c.id === id)!;
      expect([card.id, card.question, card.tags, card.company, card.timeLimitSec, card.file, card.line, card.contentHash]).toEqual([
        truth.id, truth.question, truth.tags, truth.company, truth.timeLimitSec, truth.file, truth.line, truth.contentHash,
      ]);
    }
    const whyNow = cards.get('why-now')!;
    expect(whyNow.sections.answer!.markdown).toBe('Timing, 中文 too.');
    expect(whyNow).toEqual(fresh().cards.find((c) => c.id === 'why-now'));
    expect(statSync(index()).mtimeMs).toBe(before); // nothing was rewritten
  });

  it('a damaged entry: the index is removed, reading the card throws a PrepError, the next start rebuilds it', async () => {
    const lazy = await withDamagedEntries(['one.md'], () => loadDeckLazily(deck));
    const conflict = lazy.fullCard(lazy.cards.find((s) => s.file === 'one.md')!);
    expect(conflict.question).toBe('Tell me about a conflict?');
    expect(() => conflict.sections).toThrow(PrepError);
    expect(existsSync(index())).toBe(false);
    const again = await loadDeckLazily(deck);
    expect(fullJson(again)).toBe(JSON.stringify(fresh().cards));
    expect(existsSync(index())).toBe(true);
  });

  it('a missing bodies file: the deck is loaded in full, with the same cards', async () => {
    for (const name of bodiesFiles()) rmSync(path.join(cacheDirFor(deck), name));
    const lazy = await loadDeckLazily(deck);
    expect(readFileSync(index()).equals(settledIndex)).toBe(false); // rebuilt by the full load, before any card was read
    expect(fullJson(lazy)).toBe(JSON.stringify(fresh().cards));
  });

  it('lazy cards behave as plain cards: keys, spread, assignment', async () => {
    const lazy = await loadDeckLazily(deck);
    const expected = fresh().cards[0]!;
    const card = lazy.fullCard(lazy.cards[0]!);
    expect(Object.keys(card)).toEqual(Object.keys(expected));
    expect({ ...card }).toEqual(expected);
    const other = lazy.fullCard(lazy.cards[1]!);
    other.followUps = ['Changed?'];
    expect(other.followUps).toEqual(['Changed?']);
    expect(other.keyPoints).toEqual(fresh().cards[1]!.keyPoints);
  });

  // Last: it changes the deck.
  it('a file edited, then deleted during the session: its card stays as it was when the session started', async () => {
    const lazy = await withDamagedEntries([], () => loadDeckLazily(deck)); // (no damage: proves the index was served as is)
    const summary = lazy.cards.find((s) => s.file === 'sub/three.md')!;
    const before = fresh().cards.find((c) => c.file === 'sub/three.md')!;
    put('sub/three.md', '---\nquestion: Design a cache?\ntags: [system-design]\n---\n\n## Answer\n\nRewritten.\n');
    const card: Card = lazy.fullCard(summary);
    expect(card.sections.answer!.markdown).toBe('Stamps, hashes and a fallback.');
    expect(card.contentHash).toBe(before.contentHash); // the answer shown is the one its hash names
    rmSync(path.join(deck, 'sub/three.md'));
    expect(lazy.fullCard(summary)).toEqual(before);
  });
});

describe('loadDeckLazily when the index cannot serve it (a full load through the cache)', () => {
  beforeEach(makeDeck);
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('cold and just written (racy): the same cards as a fresh parse', async () => {
    for (let i = 0; i < 2; i++) {
      const lazy = await loadDeckLazily(deck);
      expect(lazy.cards).toEqual(fresh().cards.map(summarizeCard));
      expect(lazy.errors).toBe(1);
      expect(fullJson(lazy)).toBe(JSON.stringify(fresh().cards));
    }
  });

  it('a corrupt index is ignored and rebuilt', async () => {
    load();
    writeFileSync(index(), '{"magic":"prep-deck-cache"\nnot json at all');
    const lazy = await loadDeckLazily(deck);
    expect(fullJson(lazy)).toBe(JSON.stringify(fresh().cards));
    load();
    expect(parsed).toEqual([]); // the lazy load rewrote the cache
  });

  it('sees files edited, added and removed between sessions', async () => {
    load();
    put('two.md', '# Why us?\n\nBecause of **growth** and the team.\n\n# Why later?\n\nTiming.\n');
    put('new.md', '# A new question?\n\nAn answer.\n');
    rmSync(path.join(deck, 'sub/three.md'));
    const lazy = await loadDeckLazily(deck);
    expect(lazy.cards.map((s) => s.question)).toEqual(fresh().cards.map((c) => c.question));
    expect(lazy.cards.map((s) => s.question)).toContain('Why later?');
    expect(fullJson(lazy)).toBe(JSON.stringify(fresh().cards));
  });
});

/** Runs `use` while the index's entries for `files` do not type-check, though the entries part's SHA-256 is right. */
async function withDamagedEntries<T>(files: string[], use: () => Promise<T>): Promise<T> {
  const bytes = readFileSync(index());
  const newline = bytes.indexOf(0x0a);
  const header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as { parts: number[]; partsSha256: string[] };
  const [stampsLength, summaryLength] = header.parts as [number, number, number];
  const start = newline + 1;
  const stamps = bytes.subarray(start, start + stampsLength);
  const summary = bytes.subarray(start + stampsLength, start + stampsLength + summaryLength);
  const entries = JSON.parse(bytes.subarray(start + stampsLength + summaryLength).toString('utf8')) as unknown[][];
  for (const entry of entries) if (files.includes(entry[0] as string)) entry[5] = 0; // its hash: a string
  // The stamps record where each entry is: write the entries at the same places, padded with spaces.
  const count = stamps.readDoubleLE(0);
  const numbers = Array.from({ length: 1 + 7 * count }, (_, i) => stamps.readDoubleLE(8 * i));
  const text = Buffer.from(bytes.subarray(start + stampsLength + summaryLength));
  entries.forEach((entry, i) => {
    const offset = numbers[1 + 7 * i + 5]!;
    const length = numbers[1 + 7 * i + 6]!;
    const json = Buffer.from(JSON.stringify(entry));
    expect(json.length).toBeLessThanOrEqual(length);
    text.fill(0x20, offset, offset + length);
    json.copy(text, offset);
  });
  const sha = createHash('sha256').update(text).digest('hex');
  writeFileSync(index(), Buffer.concat([Buffer.from(`${JSON.stringify({ ...header, partsSha256: [header.partsSha256[0], header.partsSha256[1], sha] })}\n`), stamps, summary, text]));
  return use();
}
