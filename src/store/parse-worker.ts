/**
 * Worker thread entry (see `cachedByWorker` in deck-cache.ts): loads the deck at `workerData.root`
 * through the parse cache, which parses what changed and writes the cache, then says so. The cards
 * themselves are not sent back: the caller reads them from the cache just written.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadDeck } from './deck-files.js';

loadDeck((workerData as { root: string }).root);
parentPort?.postMessage('cached');
