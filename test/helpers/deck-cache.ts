/** Shared by the deck cache tests: writing answer files, loading through the cache, and the uncached truth. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assembleDeck } from '../../src/core/deck.js';
import { cacheDirFor, INDEX_NAME, loadDeckWith } from '../../src/store/deck-cache.js';
import { listAnswerFiles } from '../../src/store/deck-walk.js';
import { parseAnswerBytes, readAnswerFile } from '../../src/store/deck-files.js';

/** Writes `content` to `rel` inside `deck`, creating folders. */
function putAnswer(deck: string, rel: string, content: string): void {
  const file = path.join(deck, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

/** loadDeck through the cache, pushing onto `parsed` each file that had to be parsed. */
function loadRecordingParses(deck: string, parsed: string[]) {
  return loadDeckWith(deck, (bytes, file) => {
    parsed.push(file);
    return parseAnswerBytes(bytes, file);
  });
}

/** The deck parsed from scratch, without any cache. */
function parsedWithoutCache(deck: string) {
  const listing = listAnswerFiles(deck);
  const assembled = assembleDeck([{ cards: [], problems: listing.problems }, ...listing.files.map((f) => readAnswerFile(deck, f))]);
  return { ...assembled, files: listing.files.length };
}

/** A new deck folder (`answers`) inside a new temp folder `root`. */
export function makeTempDeck(prefix: string): { root: string; deck: string } {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  const deck = path.join(root, 'answers');
  mkdirSync(deck);
  return { root, deck };
}

/**
 * What every deck cache test works with, for the deck `deck()` names (each test makes a new one):
 * `put` writes an answer file, `load` loads through the cache and leaves in `parsed` the files it
 * had to parse, `fresh` parses the deck without any cache, `index` is the cache index's path.
 */
export function deckCacheTools(deck: () => string) {
  const parsed: string[] = [];
  return {
    parsed,
    put: (rel: string, content: string) => putAnswer(deck(), rel, content),
    load: () => {
      parsed.length = 0;
      return loadRecordingParses(deck(), parsed);
    },
    fresh: () => parsedWithoutCache(deck()),
    index: () => path.join(cacheDirFor(deck()), INDEX_NAME),
  };
}
