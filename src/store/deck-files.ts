/** Reads the answer files of a deck folder into a Deck. The only deck code that touches the disk. */
import { readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { assembleDeck, type Deck } from '../core/deck.js';
import { decodeAnswerFile } from '../markdown/decode.js';
import { parseAnswerFile, type ParsedFile, type Problem } from '../markdown/parse.js';

const ANSWER_FILE = /\.(md|markdown)$/i;

/** Answer files under `root` (deck-relative, forward slashes, sorted), and folders that could not be read. */
export function listAnswerFiles(root: string): { files: string[]; problems: Problem[] } {
  const files: string[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();

  const walk = (dir: string, relative: string) => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return;
    }
    if (seen.has(real)) return; // a symlink loop, or the same folder linked twice
    seen.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      problems.push({ file: relative || '.', line: 1, severity: 'error', message: `folder cannot be read (${codeOf(error)}); fix its permissions` });
      return;
    }
    for (const entry of entries) {
      // Hidden folders hold tools' state (.prep, .git, .obsidian), never answers.
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const absolute = path.join(dir, entry.name);
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = statSync(absolute);
          isDir = target.isDirectory();
          isFile = target.isFile();
        } catch {
          if (ANSWER_FILE.test(entry.name)) problems.push({ file: rel, line: 1, severity: 'error', message: 'is a link to a file that does not exist; fix or remove the link' });
          continue;
        }
      }
      if (isDir) walk(absolute, rel);
      else if (isFile && ANSWER_FILE.test(entry.name)) files.push(rel);
    }
  };
  walk(root, '');
  files.sort();
  return { files, problems };
}

/** Reads and parses one answer file; every failure becomes a problem, never an exception. */
export function readAnswerFile(root: string, file: string): ParsedFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path.join(root, file));
  } catch (error) {
    return { cards: [], problems: [{ file, line: 1, severity: 'error', message: `cannot be read (${codeOf(error)}); check that the file exists and you may read it` }] };
  }
  const decoded = decodeAnswerFile(bytes);
  if (!decoded.ok) return { cards: [], problems: [{ file, line: decoded.line, severity: 'error', message: decoded.message }] };
  try {
    return parseAnswerFile(decoded.text, file);
  } catch (error) {
    // The parser should never throw; if it does, one file must not take the deck down.
    return { cards: [], problems: [{ file, line: 1, severity: 'error', message: `could not be parsed (${(error as Error).message}); please report this with the file` }] };
  }
}

export function loadDeck(root: string): Deck {
  const listing = listAnswerFiles(root);
  const parsed = listing.files.map((file) => readAnswerFile(root, file));
  const deck = assembleDeck([{ cards: [], problems: listing.problems }, ...parsed]);
  return { ...deck, files: listing.files.length };
}

function codeOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'it no longer exists';
  if (code === 'EISDIR') return 'it is a folder';
  return code ?? (error as Error).message;
}
