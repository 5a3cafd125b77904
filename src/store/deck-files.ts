/**
 * Reads the answer files of a deck folder into a Deck. With deck-cache.ts and deck-walk.ts, the only deck code that
 * touches the disk. This module holds the parser (remark, YAML); commands that can do without it on
 * a warm cache (list, stats, drill) use `loadDeckAsync` from deck-cache.ts, which imports this
 * module only when a file needs parsing.
 */
import path from 'node:path';
import type { Deck } from '../core/deck.js';
import { decodeAnswerFile } from '../markdown/decode.js';
import { parseAnswerFile, type ParsedFile } from '../markdown/parse.js';
import { loadDeckWith, readAnswerBytes, registerFallbackParser } from './deck-cache.js';

export { listAnswerFiles } from './deck-walk.js';

/** Decodes and parses one answer file's bytes; every failure becomes a problem, never an exception. */
export function parseAnswerBytes(bytes: Uint8Array, file: string): ParsedFile {
  const decoded = decodeAnswerFile(bytes);
  if (!decoded.ok) return { cards: [], problems: [{ file, line: decoded.line, severity: 'error', message: decoded.message }] };
  try {
    return parseAnswerFile(decoded.text, file);
  } catch (error) {
    // The parser should never throw; if it does, one file must not take the deck down.
    return { cards: [], problems: [{ file, line: 1, severity: 'error', message: `could not be parsed (${(error as Error).message}); please report this with the file` }] };
  }
}

registerFallbackParser(parseAnswerBytes);

/** Reads and parses one answer file (never from the cache); every failure becomes a problem, never an exception. */
export function readAnswerFile(root: string, file: string): ParsedFile {
  const bytes = readAnswerBytes(path.join(root, file), file);
  return bytes instanceof Uint8Array ? parseAnswerBytes(bytes, file) : bytes;
}

/**
 * Every answer file of the deck, parsed, through the parse cache in `.prep/cache/` (same result as
 * parsing every file; the cache is never required). Section texts of cached cards are read on first use.
 */
export function loadDeck(root: string): Deck {
  return loadDeckWith(root, parseAnswerBytes);
}
