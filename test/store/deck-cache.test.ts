/** The parse cache: same cards as a fresh parse, never trusted when it does not check out, never required. */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { summarizeCard } from '../../src/core/card.js';
import { cacheDirFor, loadDeckAsync, loadDeckListJson, loadDeckSummary } from '../../src/store/deck-cache.js';
import { loadDeck } from '../../src/store/deck-files.js';
import { deckCacheTools, makeTempDeck } from '../helpers/deck-cache.js';

let root: string;
let deck: string;
const { parsed, put, load, fresh, index } = deckCacheTools(() => deck);
const cacheDir = () => cacheDirFor(deck);

/** The index as its header and its three parts (stamps, summary, entries). */
const readIndex = () => {
  const bytes = readFileSync(index());
  const newline = bytes.indexOf(0x0a);
  const header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as { parts: number[]; partsSha256: string[]; [key: string]: unknown };
  const parts: Buffer[] = [];
  let at = newline + 1;
  for (const length of header.parts) {
    parts.push(bytes.subarray(at, at + length));
    at += length;
  }
  return { header, parts, bytes };
};
/** Writes an index with these parts; the header's lengths follow them, its SHA-256s are left as given. */
const writeIndex = (header: Record<string, unknown>, parts: Uint8Array[]) =>
  writeFileSync(index(), Buffer.concat([Buffer.from(`${JSON.stringify({ ...header, parts: parts.map((p) => p.length) })}\n`), ...parts]));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const STAMPS = 0;
const SUMMARY = 1;
const ENTRIES = 2;

const story = `---
question: "Tell me about a conflict 你和同事的冲突?"
tags: [behavioural, star]
company: Acme
time: 2m
---

## Key points

- **Listen** first
- 找到共同目标

## Short version

We disagreed on the rollout; I proposed a **canary** and we agreed.

## Full version

### Situation

中文 and English mixed, with a [link](https://example.com) and \`code\`.

## Follow-ups

- What would you do differently?
`;

beforeEach(() => {
  ({ root, deck } = makeTempDeck('prep-cache-'));
  put('behavioural/conflict.md', story);
  put('two.md', '# Why us?\n\nBecause of **growth**.\n\n# Why now?\n\n<!-- id: why-now -->\nTiming.\n');
  put('broken.md', '---\nquestion: [unclosed\n---\n');
  put('empty-answer.md', '---\nquestion: Weakness?\n---\n');
  put('dup.md', '---\nquestion: Why us?\n---\n\nAgain.\n');
});
afterEach(() => {
  try {
    chmodSync(path.join(root, '.prep'), 0o755);
  } catch {
    // not there
  }
  rmSync(root, { recursive: true, force: true });
});

describe('deck cache', () => {
  it('returns the same deck as a fresh parse, and a warm load parses nothing', () => {
    const cold = load();
    expect(parsed).toHaveLength(5);
    const warm = load();
    expect(parsed).toEqual([]);
    const expected = fresh();
    expect(warm).toEqual(expected);
    expect(JSON.stringify(warm)).toBe(JSON.stringify(expected));
    expect(JSON.stringify(cold)).toBe(JSON.stringify(expected));
    expect(warm.problems.length).toBeGreaterThan(0);
  });

  it('gives the same deck through loadDeck and loadDeckAsync', async () => {
    const first = await loadDeckAsync(deck); // cold: imports the parser
    const second = await loadDeckAsync(deck); // warm
    expect(JSON.stringify(first)).toBe(JSON.stringify(fresh()));
    expect(JSON.stringify(second)).toBe(JSON.stringify(fresh()));
    expect(JSON.stringify(loadDeck(deck))).toBe(JSON.stringify(fresh()));
  });

  it('reads section texts on demand, and they can be replaced like any property', () => {
    load();
    const card = load().cards.find((c) => c.file === 'behavioural/conflict.md')!;
    expect(card.sections.short!.markdown).toBe('We disagreed on the rollout; I proposed a **canary** and we agreed.');
    card.sections.full!.markdown = 'changed';
    expect(card.sections.full!.markdown).toBe('changed');
    expect({ ...card.sections.short }).toEqual({ markdown: card.sections.short!.markdown, line: card.sections.short!.line, spokenSec: card.sections.short!.spokenSec });
  });

  it('re-parses an edited file and only that file', () => {
    load();
    put('two.md', '# Why us?\n\nBecause of the **team**, and more.\n');
    const deckAfter = load();
    expect(parsed).toEqual(['two.md']);
    expect(deckAfter.cards.find((c) => c.file === 'two.md')!.keyPoints).toEqual(['team']);
    expect(JSON.stringify(deckAfter)).toBe(JSON.stringify(fresh()));
    load();
    expect(parsed).toEqual([]);
  });

  it('sees an edit that keeps the size and the modification time', () => {
    load();
    const file = path.join(deck, 'two.md');
    const before = statSync(file);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('Timing.', 'Timely.'));
    utimesSync(file, before.atime, before.mtime);
    const deckAfter = load();
    expect(parsed).toEqual(['two.md']);
    expect(deckAfter.cards.find((c) => c.id === 'why-now')!.sections.answer!.markdown).toBe('Timely.');
  });

  it('reuses the parse when only the modification time changed', () => {
    load();
    const file = path.join(deck, 'behavioural/conflict.md');
    utimesSync(file, new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(JSON.stringify(load())).toBe(JSON.stringify(fresh()));
    expect(parsed).toEqual([]);
  });

  it('forgets files that left the deck and picks up new ones', () => {
    load();
    rmSync(path.join(deck, 'dup.md'));
    put('new/one.md', '# A new question?\n\nAn answer.\n');
    const after = load();
    expect(parsed).toEqual(['new/one.md']);
    expect(after.files).toBe(5);
    expect(JSON.stringify(after)).toBe(JSON.stringify(fresh()));
  });

  it('ignores a corrupt index and rebuilds it', () => {
    load();
    writeFileSync(index(), '{"magic":"prep-deck-cache"\nnot json at all');
    expect(JSON.stringify(load())).toBe(JSON.stringify(fresh()));
    expect(parsed).toHaveLength(5);
    load();
    expect(parsed).toEqual([]);
  });

  it('ignores an index whose parts were altered, even when they are still valid JSON', () => {
    // Parts: stamps, summary, entries. Altering any of them (same length, so only its SHA-256 tells) rebuilds the cache.
    for (const part of [SUMMARY, ENTRIES]) {
      load();
      const { header, parts } = readIndex();
      const text = parts[part]!.toString('utf8');
      expect(text).toContain('Why now?');
      parts[part] = Buffer.from(text.replace('Why now?', 'Why NOT?'));
      writeIndex(header, parts);
      const deckAfter = load();
      expect(parsed).toHaveLength(5);
      expect(deckAfter.cards.map((c) => c.question)).toContain('Why now?');
    }
    load();
    const { header, parts } = readIndex();
    const stamps = Buffer.from(parts[STAMPS]!);
    stamps[8] = stamps[8]! ^ 1; // the first file's size
    writeIndex(header, [stamps, parts[SUMMARY]!, parts[ENTRIES]!]);
    load();
    expect(parsed).toHaveLength(5);
  });

  it('ignores a truncated index, one with bytes appended, and one whose lengths do not add up', () => {
    const damage = [
      (bytes: Buffer) => bytes.subarray(0, bytes.length - 1),
      (bytes: Buffer) => bytes.subarray(0, bytes.indexOf(0x0a) + 1),
      (bytes: Buffer) => Buffer.concat([bytes, Buffer.from('x')]),
      () => {
        const { header, parts } = readIndex();
        const lengths = header.parts;
        return Buffer.concat([Buffer.from(`${JSON.stringify({ ...header, parts: [lengths[0]! + 1, lengths[1]! - 1, lengths[2]] })}\n`), ...parts]);
      },
    ];
    for (const change of damage) {
      load();
      writeFileSync(index(), change(readIndex().bytes));
      expect(JSON.stringify(load())).toBe(JSON.stringify(fresh()));
      expect(parsed).toHaveLength(5);
    }
  });

  it('type-checks parts whose SHA-256 matches (a cache written by something else)', async () => {
    load();
    const { header, parts } = readIndex();
    const entries = JSON.parse(parts[ENTRIES]!.toString('utf8')) as unknown[][];
    entries[0]![8] = [['not a card']];
    const badEntries = Buffer.from(JSON.stringify(entries));
    writeIndex({ ...header, partsSha256: [header.partsSha256[0], header.partsSha256[1], sha256(badEntries)] }, [parts[STAMPS]!, parts[SUMMARY]!, badEntries]);
    expect(JSON.stringify(load())).toBe(JSON.stringify(fresh()));
    expect(parsed).toHaveLength(1); // the entry that did not revive

    load();
    load(); // no longer racy
    const again = readIndex();
    for (const summary of ['{"errors":0,"id":[]}', '{"errors":-1,"id":[],"question":[],"tags":[],"company":[],"file":[],"line":[],"timeLimitSec":[],"spoken":[],"keyPoints":[],"toPrepare":[],"contentHash":[]}', '[]']) {
      const bytes = Buffer.from(summary);
      writeIndex({ ...again.header, partsSha256: [again.header.partsSha256[0], sha256(bytes), again.header.partsSha256[2]] }, [again.parts[STAMPS]!, bytes, again.parts[ENTRIES]!]);
      const d = fresh();
      expect(await loadDeckSummary(deck)).toEqual({ cards: d.cards.map(summarizeCard), files: d.files, errors: d.problems.filter((p) => p.severity === 'error').length });
    }
  });

  describe('summary (list --json, stats)', () => {
    const expected = () => {
      const d = fresh();
      return { cards: d.cards.map(summarizeCard), files: d.files, errors: d.problems.filter((p) => p.severity === 'error').length };
    };
    /** Whether the summary came from the cache alone: then no full load rewrote or re-read the index. */
    const summaryFromIndex = async () => {
      const before = statSync(index()).mtimeMs;
      const summary = await loadDeckSummary(deck);
      return { summary, untouched: statSync(index()).mtimeMs === before };
    };

    it('is the summary of a fresh parse, cold and warm', async () => {
      expect(await loadDeckSummary(deck)).toEqual(expected()); // cold: no cache yet
      const warm = await loadDeckSummary(deck);
      expect(JSON.stringify(warm)).toBe(JSON.stringify(expected()));
      expect(warm.errors).toBeGreaterThan(0);
    });

    it('sees an edited, an added and a removed file', async () => {
      load();
      put('two.md', '# Why us?\n\nBecause of **growth** and the team.\n\n# Why later?\n\nTiming.\n');
      utimesSync(path.join(deck, 'two.md'), new Date(2001, 1, 1), new Date(2001, 1, 1));
      expect(await loadDeckSummary(deck)).toEqual(expected());
      put('new.md', '# A new question?\n\nAn answer.\n');
      expect(await loadDeckSummary(deck)).toEqual(expected());
      rmSync(path.join(deck, 'new.md'));
      expect(await loadDeckSummary(deck)).toEqual(expected());
      expect((await loadDeckSummary(deck)).cards.map((c) => c.question)).toContain('Why later?');
    });

    it('ignores a corrupt or altered summary part, and a summary of another deck', async () => {
      load();
      load(); // no longer racy
      const { header, parts } = readIndex();
      const good = parts[SUMMARY]!.toString('utf8');
      for (const bad of [good.replace('Why now?', 'Why NOT?'), '{"errors":0,"id":[]}', 'not json', '']) {
        writeIndex(header, [parts[STAMPS]!, Buffer.from(bad), parts[ENTRIES]!]);
        const { summary } = await summaryFromIndex();
        expect(summary).toEqual(expected());
      }
      writeIndex({ ...header, deck: '/elsewhere' }, parts);
      expect(await loadDeckSummary(deck)).toEqual(expected());
    });

    it('is served from the index alone when nothing changed', async () => {
      load();
      load();
      const { summary, untouched } = await summaryFromIndex();
      expect(untouched).toBe(true);
      expect(summary).toEqual(expected());
    });
  });

  describe('stored list --json (deck-list-json)', () => {
    const listFile = () => path.join(cacheDir(), 'deck-list-json');
    const expectedText = () => `${JSON.stringify(fresh().cards.map(summarizeCard))}\n`;

    // Files changed less than 3 s before the cache was written are checked by hash, never served by stamp.
    const settle = () => new Promise((resolve) => setTimeout(resolve, 3_100));

    it('is the compact list of a fresh parse, served only while every file keeps its stamp', async () => {
      expect(await loadDeckListJson(deck)).toBeUndefined(); // no cache yet
      load();
      expect(await loadDeckListJson(deck)).toBeUndefined(); // racy: just written
      await settle();
      load();
      expect((await loadDeckListJson(deck))?.toString('utf8')).toBe(expectedText());
      put('two.md', '# Why us?\n\nBecause of **growth**.\n');
      expect(await loadDeckListJson(deck)).toBeUndefined(); // edited: stale
      load();
      expect(await loadDeckListJson(deck)).toBeUndefined(); // the edit is racy: checked by hash until it settles
    }, 15_000);

    it('ignores a stored list that is altered, truncated, missing or from another index, and makes it again from the index', async () => {
      await settle();
      load();
      expect((await loadDeckListJson(deck))?.toString('utf8')).toBe(expectedText());
      const good = readFileSync(listFile());
      for (const bad of [Buffer.from(good.toString('utf8').replace('Why now?', 'Why NOT?')), good.subarray(0, good.length - 5), Buffer.from('[]\n')]) {
        writeFileSync(listFile(), bad);
        expect(await loadDeckListJson(deck)).toBeUndefined();
        expect(readFileSync(listFile()).equals(good)).toBe(true); // written again from the index's summary
        expect((await loadDeckListJson(deck))?.toString('utf8')).toBe(expectedText());
      }
      rmSync(listFile());
      expect(await loadDeckListJson(deck)).toBeUndefined();
      expect((await loadDeckListJson(deck))?.toString('utf8')).toBe(expectedText());
    }, 15_000);
  });

  it('ignores a cache written for another deck, another version or another parser', () => {
    for (const change of [{ deck: '/somewhere/else/answers' }, { version: 999 }, { version: 3 }, { build: 'another-build' }, { magic: 'other' }]) {
      load();
      const { header, parts } = readIndex();
      writeIndex({ ...header, ...change }, parts);
      load();
      expect(parsed).toHaveLength(5);
    }
  });

  it('recovers a section text when the bodies file was damaged after loading', () => {
    load();
    const deckAfter = load();
    expect(parsed).toEqual([]);
    const bodies = readdirSync(cacheDir()).find((n) => n.startsWith('deck-bodies-'))!;
    const file = path.join(cacheDir(), bodies);
    writeFileSync(file, Buffer.alloc(statSync(file).size, 0x41)); // same size, wrong bytes
    const card = deckAfter.cards.find((c) => c.file === 'behavioural/conflict.md')!;
    expect(card.sections.short!.markdown).toBe(fresh().cards.find((c) => c.file === 'behavioural/conflict.md')!.sections.short!.markdown);
    // the damaged cache is dropped and rebuilt on the next load
    expect(JSON.stringify(load())).toBe(JSON.stringify(fresh()));
    expect(parsed).toHaveLength(5);
  });

  it('ignores a bodies file of the wrong size', () => {
    load();
    const bodies = readdirSync(cacheDir()).find((n) => n.startsWith('deck-bodies-'))!;
    writeFileSync(path.join(cacheDir(), bodies), 'short');
    expect(JSON.stringify(load())).toBe(JSON.stringify(fresh()));
    expect(parsed).toHaveLength(5);
  });

  it('works without a cache when .prep cannot be written (a file in its place)', () => {
    writeFileSync(path.join(root, '.prep'), 'not a folder');
    expect(JSON.stringify(load())).toBe(JSON.stringify(fresh()));
    expect(JSON.stringify(load())).toBe(JSON.stringify(fresh()));
    expect(parsed).toHaveLength(5);
  });

  it.skipIf(process.getuid?.() === 0)('works with a read-only .prep folder', async () => {
    mkdirSync(path.join(root, '.prep'));
    chmodSync(path.join(root, '.prep'), 0o555);
    expect(JSON.stringify(load())).toBe(JSON.stringify(fresh()));
    expect(JSON.stringify(await loadDeckAsync(deck))).toBe(JSON.stringify(fresh()));
  });

  it('keeps working with a read-only cache folder that already holds a cache', () => {
    load();
    put('new.md', '# Another?\n\nYes.\n');
    chmodSync(cacheDir(), 0o555);
    try {
      expect(JSON.stringify(load())).toBe(JSON.stringify(fresh()));
    } finally {
      chmodSync(cacheDir(), 0o755);
    }
  });

  it('leaves no temp files and keeps a single bodies file', () => {
    load();
    put('new.md', '# Another?\n\nYes.\n');
    load();
    const names = readdirSync(cacheDir());
    expect(names.filter((n) => n.includes('.tmp-'))).toEqual([]);
    expect(names.filter((n) => n.startsWith('deck-bodies-'))).toHaveLength(1);
  });
});
