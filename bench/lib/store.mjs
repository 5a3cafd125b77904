// The progress store, bundled from src/ for in-process measurement, and synthetic histories built
// with the store's own functions (applyEvent, then serializeSnapshot: exactly the store's format).
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { rng } from './generate.mjs';

/** Bundles the store into `workDir`; returns its module, or undefined when the store is not built yet. */
export async function loadStore(repo, workDir) {
  const need = ['src/store/progress.ts', 'src/store/progress-schema.ts', 'src/core/progress-model.ts'];
  if (!need.every((f) => existsSync(path.join(repo, f)))) return undefined;
  const outfile = path.join(workDir, 'store-bundle.mjs');
  await build({
    stdin: {
      contents: [
        "export { openProgress, readProgress } from './src/store/progress.ts';",
        "export { serializeSnapshot } from './src/store/progress-schema.ts';",
        "export { applyEvent, emptyProgress } from './src/core/progress-model.ts';",
      ].join('\n'),
      resolveDir: repo,
      loader: 'ts',
    },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
    banner: { js: "import { createRequire as __req } from 'node:module'; const require = __req(import.meta.url);" },
  });
  return import(pathToFileURL(outfile).href);
}

const DAY = 86_400_000;

/** A review event for `cardId` at `at` (of the answer whose hash is `contentHash`), with a plausible FSRS state after it. */
export function reviewEvent(seq, cardId, at, grade, r, contentHash = 'abcdef012345') {
  const stability = 1 + r() * 60;
  const due = new Date(at.getTime() + Math.max(1, Math.round(stability)) * DAY);
  return {
    type: 'review',
    review: { seq, cardId, at, grade, elapsedMs: 20_000 + Math.floor(r() * 100_000), timeLimitSec: 120, mode: 'scheduled', typed: false, contentHash },
    card: {
      id: cardId,
      question: `Question for ${cardId}?`,
      file: `${cardId}.md`,
      contentHash,
      memory: { phase: 'review', due, stability, difficulty: 1 + r() * 9, reps: 1 + Math.floor(r() * 20), lapses: Math.floor(r() * 3), learningSteps: 0, scheduledDays: Math.round(stability), lastReview: at },
    },
  };
}

/**
 * Writes `.prep/progress.json` beside `deckDir` holding `reviews` reviews spread over the deck's
 * card ids and the past year. Returns the file. With `hashes` (card id → content hash, from
 * `prep list --json`), reviews record the answers as they are, as drill does, except for one card
 * in 20, whose answer was edited since (an old hash); without, every card looks edited.
 */
export function writeHistory(store, deckDir, cardIds, reviews, now, { seed = 11, hashes } = {}) {
  const r = rng(seed);
  const edited = rng(seed + 1); // its own sequence: the reviews are the same with or without hashes
  const hashOf = new Map(cardIds.map((id) => [id, hashes?.has(id) && edited() >= 0.05 ? hashes.get(id) : 'abcdef012345']));
  const data = store.emptyProgress();
  const start = now.getTime() - 365 * DAY;
  for (let seq = 1; seq <= reviews; seq++) {
    const at = new Date(start + Math.floor(((seq - 1) / reviews) * 364 * DAY) + Math.floor(r() * 3_600_000));
    const cardId = cardIds[Math.floor(r() * cardIds.length)];
    store.applyEvent(data, reviewEvent(seq, cardId, at, 1 + Math.floor(r() * 4), r, hashOf.get(cardId)));
  }
  const file = path.join(path.dirname(deckDir), '.prep', 'progress.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, store.serializeSnapshot(data));
  // The whole history is this file: no journal of grades since, nor a check of an older snapshot.
  for (const stale of ['progress.journal', 'progress.json.checked']) rmSync(path.join(path.dirname(file), stale), { force: true });
  return file;
}
