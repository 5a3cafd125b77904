/**
 * The stats view cache (`.prep/cache/stats-view`): the whole deck joined with the history's digest,
 * served only for the same history and the same deck list, and giving exactly the stats a fresh join gives.
 */
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { columnsFromDigest, digestProgress, statsFromColumns, statsFromView, statsView, type StatsView } from '../../src/core/stats.js';
import { cacheDirFor, loadDeckListJson, loadDeckSummary } from '../../src/store/deck-cache.js';
import { sha256Hex } from '../../src/store/checksum.js';
import { serializeJournalLine } from '../../src/store/progress-schema.js';
import { journalFileFor } from '../../src/store/paths.js';
import { readProgress } from '../../src/store/progress.js';
import { LIST_BLOCK, loadStatsDigest, loadStatsView, saveStatsView, STATS_VIEW_NAME } from '../../src/store/stats-cache.js';
import { copyFixture, FIXTURES, tempDir } from '../helpers/files.js';
import { reviewEvent } from './progress-fixtures.js';

let root: string;
let deck: string;
let file: string;
let cacheDir: string;

// Answer files changed less than 3 s before the deck cache was written are checked by hash, and the
// deck cache then keeps no list: the deck must settle before its list (and so a view) can be served.
const settle = () => new Promise((resolve) => setTimeout(resolve, 3_100));
const CLOCKS = ['2026-11-14T12:00:00Z', '2026-11-15T03:59:00Z', '2026-12-01T08:00:00Z', '2025-06-01T00:00:00Z'].map((t) => new Date(t));

/** What `prep stats --json` does when there is no usable view: digest, deck summary, join, save. */
async function makeView(): Promise<StatsView> {
  const history = await loadStatsDigest(file, cacheDir);
  const summary = await loadDeckSummary(deck);
  const view = statsView(summary.cards, history.columns, {});
  expect(history.history).toBeDefined();
  saveStatsView(cacheDir, history.history!, view, summary.cards);
  return view;
}
const listFile = () => path.join(cacheDir, 'deck-list-json');
/** The view, when the deck cache serves its list (every answer file unchanged) and the view was joined with that list. */
const stored = async () => {
  const list = await loadDeckListJson(deck);
  return list && loadStatsView(file, cacheDir, { sha256: sha256Hex(list), file: listFile() });
};
/** The stats of a fresh read of everything, no cache involved. */
const truth = async (now: Date) => statsFromColumns((await loadDeckSummary(deck)).cards, columnsFromDigest(digestProgress(readProgress(file))), { now });
const viewFile = () => path.join(cacheDir, STATS_VIEW_NAME);

beforeEach(async () => {
  root = tempDir('stats-view');
  deck = path.join(root, 'answers');
  copyFixture('progress/deck', deck);
  mkdirSync(path.join(root, '.prep'));
  file = path.join(root, '.prep', 'progress.json');
  cpSync(path.join(FIXTURES, 'progress', 'sample', 'progress.json'), file);
  cacheDir = cacheDirFor(deck);
  await settle();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('stats view cache', () => {
  it('serves the saved view, which gives the same stats as a fresh join, at any clock', async () => {
    expect(await stored()).toBeUndefined(); // nothing saved yet
    const made = await makeView();
    const loaded = await stored();
    expect(loaded).toBeDefined();
    for (const now of CLOCKS) {
      for (const limit of [undefined, 1, 3, 100]) {
        expect(JSON.stringify(statsFromView(loaded!, { now, limit }))).toBe(JSON.stringify(statsFromView(made, { now, limit })));
      }
      expect(JSON.stringify(statsFromView(loaded!, { now }))).toBe(JSON.stringify(await truth(now)));
    }
  }, 20_000);

  it('keeps the order of group names for the locale it was made in only', async () => {
    await makeView();
    expect((await stored())!.nameRanks).toBeDefined();
    const saved = process.env.LC_ALL;
    try {
      process.env.LC_ALL = saved === 'da_DK.UTF-8' ? 'lt_LT.UTF-8' : 'da_DK.UTF-8'; // another locale: ask localeCompare
      const view = (await stored())!;
      expect(view.nameRanks).toBeUndefined();
      expect(JSON.stringify(statsFromView(view, { now: CLOCKS[0]! }))).toBe(JSON.stringify(await truth(CLOCKS[0]!)));
    } finally {
      if (saved === undefined) delete process.env.LC_ALL;
      else process.env.LC_ALL = saved;
    }
  }, 20_000);

  it('is not served once the history has a new review (journal) or was replaced', async () => {
    await makeView();
    expect(await stored()).toBeDefined();
    const seq = readProgress(file).lastSeq + 1;
    appendFileSync(journalFileFor(file), serializeJournalLine(seq, reviewEvent(seq, 'btree', new Date('2026-11-14T09:00:00Z'))));
    expect(await stored()).toBeUndefined();
    // The digest folds the line in; a new view joins it, and is served again.
    await makeView();
    expect(await stored()).toBeDefined();
    expect(JSON.stringify(statsFromView((await stored())!, { now: CLOCKS[0]! }))).toBe(JSON.stringify(await truth(CLOCKS[0]!)));
    writeFileSync(file, readFileSync(file)); // same bytes, new stamp
    expect(await stored()).toBeUndefined();
  }, 20_000);

  it('is not served for another deck list (an answer edited), nor one cut short', async () => {
    await makeView();
    const list = (await loadDeckListJson(deck))!;
    const ref = { sha256: sha256Hex(list), file: listFile() };
    expect(loadStatsView(file, cacheDir, ref)).toBeDefined();
    const edited = Buffer.from(list.toString('utf8').replace('"line":', '"line": '));
    expect(loadStatsView(file, cacheDir, { ...ref, sha256: sha256Hex(edited) })).toBeUndefined();
    writeFileSync(listFile(), list.subarray(0, list.length - 1));
    expect(loadStatsView(file, cacheDir, ref)).toBeUndefined();
  }, 20_000);

  it('gives every card of a list many blocks long, those across a block boundary too', async () => {
    for (let i = 0; i < 160; i++) {
      const question = `Question ${i} about 中文 and a long, long tail ${'x'.repeat(i % 37)}?`;
      writeFileSync(path.join(deck, `extra-${i}.md`), `---\nquestion: ${JSON.stringify(question)}\ntags: [t${i % 5}]\n---\n\nAn answer.\n`);
    }
    await settle();
    await makeView();
    const list = (await loadDeckListJson(deck))!;
    expect(list.length).toBeGreaterThan(3 * LIST_BLOCK);
    const view = loadStatsView(file, cacheDir, { sha256: sha256Hex(list), file: listFile() })!;
    const cards = JSON.parse(list.toString('utf8')) as { id: string; question: string; file: string; line: number; tags: string[]; company: string | null; timeLimitSec: number }[];
    expect(view.count).toBe(cards.length);
    for (let i = 0; i < cards.length; i++) expect(view.card(i), `card ${i}`).toMatchObject({ id: cards[i]!.id, question: cards[i]!.question, file: cards[i]!.file, tags: cards[i]!.tags });
  }, 30_000);

  it('reads only the blocks of the list holding the cards it shows, and refuses a block that is not the one it was made with', async () => {
    await makeView();
    const list = (await loadDeckListJson(deck))!;
    const ref = { sha256: sha256Hex(list), file: listFile() };
    const view = loadStatsView(file, cacheDir, ref)!;
    const first = view.card(0);
    expect(list.toString('utf8')).toContain(JSON.stringify(first.question));
    // The same length, one question changed in the file: the view still loads, the card's block does not check out.
    writeFileSync(listFile(), Buffer.from(list.toString('utf8').replace(first.question, first.question.toUpperCase())));
    const altered = loadStatsView(file, cacheDir, ref)!;
    expect(() => altered.card(0)).toThrow(/not the text the view was made with/);
    expect(() => statsFromView(altered, { now: CLOCKS[0]! })).toThrow();
  }, 20_000);

  it('ignores a damaged view, and one altered with a matching checksum but out of shape', async () => {
    await makeView();
    const good = readFileSync(viewFile());
    const newline = good.indexOf(0x0a);
    const header = JSON.parse(good.subarray(0, newline).toString('utf8'));
    const withPayload = (payload: Buffer) => {
      const h = { ...header, payloadSha256: sha256Hex(payload) };
      // The header's length is unchanged (same hash length), so the blocks stay aligned.
      return Buffer.concat([Buffer.from(`${JSON.stringify(h)}\n`), payload]);
    };
    const payload = good.subarray(newline + 1);
    const strings = payload.subarray(0, payload.indexOf(0x0a)).toString('utf8');
    const blocksAt = payload.indexOf(0x0a) + 1;
    // The payload ends with the SHA-256 of each block of the list; before them, the codes and flags.
    const listHashes = 32 * Math.ceil(header.listLength / LIST_BLOCK);
    const patchedByte = (offsetFromEnd: number, value: number) => {
      const copy = Buffer.from(payload);
      copy[copy.length - listHashes - offsetFromEnd] = value;
      return copy;
    };
    const withStrings = (text: string) => Buffer.concat([Buffer.from(text), payload.subarray(strings.length)]);
    const bad = [
      Buffer.from(good.subarray(0, good.length - 1)), // truncated
      Buffer.concat([good.subarray(0, good.length - 1), Buffer.from([good[good.length - 1]! ^ 1])]), // a bit flipped
      withPayload(patchedByte(1, 200)), // a flag out of range
      withPayload(patchedByte(8, 9)), // the last card's record code out of range (the 7 codes, then the 7 flags, end the file)
      withPayload(patchedByte(9, 0xff)), // the last card's company group out of range (the uint32 block before the codes)
      withPayload(withStrings(strings.replace('"count":7', '"count":6'))),
      withPayload(withStrings(strings.replace(/"edited":1/, '"edited":2'))),
      withPayload(Buffer.concat([payload.subarray(0, blocksAt), Buffer.alloc(8, 0xff), payload.subarray(blocksAt + 8)])), // NaN in the numbers
    ];
    for (const bytes of bad) {
      expect(bytes.equals(good)).toBe(false);
      writeFileSync(viewFile(), bytes);
      expect(await stored()).toBeUndefined();
    }
    writeFileSync(viewFile(), withPayload(payload)); // the helper itself keeps a good view good
    expect(await stored()).toBeDefined();
    writeFileSync(viewFile(), good.toString('utf8').replace('"magic":"prep-stats-view"', '"magic":"prep-stats-digest"'));
    expect(await stored()).toBeUndefined();
  }, 20_000);
});
