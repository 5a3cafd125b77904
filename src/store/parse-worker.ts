/**
 * Worker thread entry (see `cachedByWorker` in deck-cache.ts): loads the deck at `workerData.root`
 * through the parse cache, which parses what changed and writes the cache, then says whether it
 * left a usable index (not when writing failed: a full disk). The cards themselves are not sent
 * back: the caller reads them from the cache just written.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { hasUsableIndex } from './deck-cache.js';
import { loadDeck } from './deck-files.js';

const { root } = workerData as { root: string };
loadDeck(root);
parentPort?.postMessage(hasUsableIndex(root) ? 'cached' : 'not cached');
