/** Shared by the deck cache tests: writing answer files, loading through the cache, and the uncached truth. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assembleDeck } from '../../src/core/deck.js';
import { listAnswerFiles, loadDeckWith } from '../../src/store/deck-cache.js';
import { parseAnswerBytes, readAnswerFile } from '../../src/store/deck-files.js';

/** Writes `content` to `rel` inside `deck`, creating folders. */
export function putAnswer(deck: string, rel: string, content: string): void {
  const file = path.join(deck, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

/** loadDeck through the cache, pushing onto `parsed` each file that had to be parsed. */
export function loadRecordingParses(deck: string, parsed: string[]) {
  return loadDeckWith(deck, (bytes, file) => {
    parsed.push(file);
    return parseAnswerBytes(bytes, file);
  });
}

/** The deck parsed from scratch, without any cache. */
export function parsedWithoutCache(deck: string) {
  const listing = listAnswerFiles(deck);
  const assembled = assembleDeck([{ cards: [], problems: listing.problems }, ...listing.files.map((f) => readAnswerFile(deck, f))]);
  return { ...assembled, files: listing.files.length };
}
