/** Where the deck and prep's own files live. */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { PrepError, UsageError } from '../core/errors.js';

export const DEFAULT_DECK_NAME = 'answers';

export interface Locations {
  /** The folder of answer files. */
  deckDir: string;
  /** prep's own folder beside the deck: progress, backups, cache. */
  prepDir: string;
}

/**
 * The deck is `--deck DIR`, else $PREP_DECK, else the nearest `answers/` folder
 * in the current folder or above it (as git finds its repository).
 */
export function findDeck(options: { deck?: string | undefined; cwd?: string; env?: NodeJS.ProcessEnv; mustExist?: boolean }): Locations {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const given = options.deck ?? (env.PREP_DECK || undefined);
  if (given !== undefined) {
    const deckDir = path.resolve(cwd, given);
    if (options.mustExist !== false) {
      if (!existsSync(deckDir)) throw new UsageError(`deck folder ${given} does not exist; check the path or create it with \`prep add --deck ${given}\``);
      if (!statSync(deckDir).isDirectory()) throw new UsageError(`${given} is a file, not a folder; --deck takes the folder that holds your answer files`);
    }
    return locationsFor(deckDir);
  }
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, DEFAULT_DECK_NAME);
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return locationsFor(candidate);
    if (path.dirname(dir) === dir) break;
  }
  if (options.mustExist === false) return locationsFor(path.join(cwd, DEFAULT_DECK_NAME));
  throw new PrepError(`no ${DEFAULT_DECK_NAME}/ folder here or above; run \`prep add\` to write your first answer, or pass --deck DIR`);
}

export function locationsFor(deckDir: string): Locations {
  return { deckDir, prepDir: path.join(path.dirname(deckDir), '.prep') };
}

/** prep's cache folder for a deck: `.prep/cache` beside it. */
export function cacheDirFor(deckDir: string): string {
  return path.join(locationsFor(deckDir).prepDir, 'cache');
}

const PROGRESS_FILE_NAME = 'progress.json';

/** The progress file of a deck: `.prep/progress.json` beside it. */
export function defaultProgressFile(locations: Locations): string {
  return path.join(locations.prepDir, PROGRESS_FILE_NAME);
}

/** The append journal beside a progress file (`progress.json` → `progress.journal`). */
export function journalFileFor(progressFile: string): string {
  return progressFile.endsWith('.json') ? `${progressFile.slice(0, -'.json'.length)}.journal` : `${progressFile}.journal`;
}

/**
 * Path to show the user: relative to where they are when it stays near (inside, or up to two
 * folders up and below a folder other than the root: `../.prep/progress.json` from inside the
 * deck, not `../../work/notes.txt` from /tmp/x), else absolute.
 */
export function displayPath(absolute: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, absolute);
  if (relative === '' || path.isAbsolute(relative)) return absolute;
  const up = relative.split(path.sep).findIndex((part) => part !== '..');
  if (up === -1 || up > 2) return absolute;
  const common = path.resolve(cwd, ...new Array<string>(up).fill('..'));
  return common === path.parse(common).root ? absolute : relative;
}
