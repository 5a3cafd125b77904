import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FOLDERS_NAME, listAnswerFiles, listDeck, PROBE_NAME, RACY_MS, stampsFollowEntries } from '../../src/store/deck-walk.js';

let root: string;
let deck: string;
let cacheDir: string;

const put = (rel: string, content = 'x') => {
  const file = path.join(deck, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
};
// Folders made by a test are only milliseconds old: as far as the racy rule goes, the walk happens later.
const later = () => Date.now() + RACY_MS + 1000;
/** Lists through the record, first making sure there is one. */
const recorded = () => {
  listDeck(deck, cacheDir, later());
  const listing = listDeck(deck, cacheDir, later());
  expect(listing.source).toBe('record');
  return listing;
};

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'prep-walk-'));
  deck = path.join(root, 'answers');
  cacheDir = path.join(root, '.prep', 'cache');
  put('b/z.md');
  put('a.md');
  put('b/c/deep.markdown');
  put('notes.txt');
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('listDeck', () => {
  it('walks once, then answers from the record with exactly what the walk found', () => {
    const first = listDeck(deck, cacheDir, later());
    expect(first).toEqual({ files: ['a.md', 'b/c/deep.markdown', 'b/z.md'], problems: [], source: 'walk' });
    expect(existsSync(path.join(cacheDir, FOLDERS_NAME))).toBe(true);
    const second = listDeck(deck, cacheDir, later());
    expect(second).toEqual({ ...first, source: 'record' });
  });

  it('records nothing while a folder changed within the racy window, since a further change could keep its stamp', () => {
    expect(listDeck(deck, cacheDir).source).toBe('walk');
    expect(existsSync(path.join(cacheDir, FOLDERS_NAME))).toBe(false);
    expect(listDeck(deck, cacheDir).source).toBe('walk');
  });

  it.each([
    ['a file added in a subfolder', () => put('b/c/new.md'), ['a.md', 'b/c/deep.markdown', 'b/c/new.md', 'b/z.md']],
    ['a file removed', () => unlinkSync(path.join(deck, 'b/z.md')), ['a.md', 'b/c/deep.markdown']],
    ['a file renamed', () => renameSync(path.join(deck, 'a.md'), path.join(deck, 'q.md')), ['b/c/deep.markdown', 'b/z.md', 'q.md']],
    ['a folder added', () => put('n/m/new.md'), ['a.md', 'b/c/deep.markdown', 'b/z.md', 'n/m/new.md']],
    ['a folder removed', () => rmSync(path.join(deck, 'b/c'), { recursive: true }), ['a.md', 'b/z.md']],
    ['a file moved between folders', () => renameSync(path.join(deck, 'b/c/deep.markdown'), path.join(deck, 'b/deep.markdown')), ['a.md', 'b/deep.markdown', 'b/z.md']],
  ])('walks again after %s', (_what, change, files) => {
    recorded();
    change();
    const listing = listDeck(deck, cacheDir, later());
    expect(listing).toEqual({ files, problems: [], source: 'walk' });
    expect(listAnswerFiles(deck).files).toEqual(files);
    // and records the new state
    expect(listDeck(deck, cacheDir, later())).toEqual({ files, problems: [], source: 'record' });
  });

  it("walks again when a folder's mtime was set back after a change (rsync -a, touch -d): its ctime moved", () => {
    const folder = path.join(deck, 'b');
    const past = new Date('2026-01-05T10:00:00Z'); // whole seconds: set back exactly
    utimesSync(folder, past, past);
    recorded();
    put('b/synced.md');
    utimesSync(folder, past, past);
    expect(statSync(folder).mtimeMs).toBe(past.getTime());
    expect(listDeck(deck, cacheDir, later())).toEqual({ files: ['a.md', 'b/c/deep.markdown', 'b/synced.md', 'b/z.md'], problems: [], source: 'walk' });
  });

  it('keeps using the record when a file is only edited in place (the stamp per file catches that)', () => {
    recorded();
    writeFileSync(path.join(deck, 'a.md'), 'new text');
    expect(listDeck(deck, cacheDir, later()).source).toBe('record');
  });

  it('never records a walk through a link, whose target can change without the deck seeing it', () => {
    const outside = path.join(root, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'linked.md'), 'x');
    symlinkSync(outside, path.join(deck, 'linked'), 'dir');
    expect(listDeck(deck, cacheDir, later()).files).toContain('linked/linked.md');
    expect(existsSync(path.join(cacheDir, FOLDERS_NAME))).toBe(false);
    writeFileSync(path.join(outside, 'second.md'), 'x');
    expect(listDeck(deck, cacheDir, later()).files).toContain('linked/second.md');
  });

  it('ignores a damaged record and walks', () => {
    recorded();
    const file = path.join(cacheDir, FOLDERS_NAME);
    const bytes = readFileSync(file);
    bytes[bytes.length - 3]! ^= 1; // a file name changed, the checksum not
    writeFileSync(file, bytes);
    expect(listDeck(deck, cacheDir, later())).toEqual({ files: ['a.md', 'b/c/deep.markdown', 'b/z.md'], problems: [], source: 'walk' });
  });

  it('ignores a record made for another deck (a copied project) and walks', () => {
    recorded();
    const copy = path.join(root, 'copy');
    cpSync(deck, path.join(copy, 'answers'), { recursive: true });
    cpSync(cacheDir, path.join(copy, '.prep', 'cache'), { recursive: true });
    const listing = listDeck(path.join(copy, 'answers'), path.join(copy, '.prep', 'cache'), later());
    expect(listing).toEqual({ files: ['a.md', 'b/c/deep.markdown', 'b/z.md'], problems: [], source: 'walk' });
  });

  it('walks when the deck is gone, and finds nothing', () => {
    recorded();
    rmSync(deck, { recursive: true });
    expect(listDeck(deck, cacheDir, later())).toEqual({ files: [], problems: [], source: 'walk' });
  });
});

describe('stampsFollowEntries', () => {
  it("finds that this file system moves a folder's mtime when an entry is added, and leaves only its probe folder", () => {
    expect(stampsFollowEntries(cacheDir)).toBe(statSync(root).dev);
    expect(readdirSync(path.join(cacheDir, PROBE_NAME))).toEqual([]);
  });

  it('says no when it cannot try, and then listDeck records nothing but still lists', () => {
    writeFileSync(path.join(root, 'not-a-folder'), 'x');
    const blocked = path.join(root, 'not-a-folder', 'cache');
    expect(stampsFollowEntries(blocked)).toBeUndefined();
    expect(listDeck(deck, blocked, later())).toEqual({ files: ['a.md', 'b/c/deep.markdown', 'b/z.md'], problems: [], source: 'walk' });
    expect(listDeck(deck, blocked, later()).source).toBe('walk');
  });
});
