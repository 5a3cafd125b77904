/**
 * Worker thread entry (see `cachedByWorker` in deck-cache.ts), in one of two roles:
 * - lead: loads the deck at `workerData.root` through the parse cache, which parses what changed
 *   (sharing the files with the helpers through `workerData.ports`) and writes the cache, then says
 *   whether it left a usable index (not when writing failed: a full disk). The cards themselves are
 *   not sent back: the caller reads them from the cache just written.
 * - helper: reads, hashes and parses the files the lead sends through `workerData.port`.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { hasUsableIndex, loadDeckWithHelpers, parseFileForCache } from './deck-cache.js';
import { parseAnswerBytes } from './deck-files.js';
import { serveJobs } from './parse-pool.js';

const data = workerData as { role: 'lead'; root: string; ports: MessagePort[] } | { role: 'helper'; root: string; port: MessagePort };
if (data.role === 'helper') {
  serveJobs(data.port, (file: string) => parseFileForCache(data.root, file, parseAnswerBytes));
} else {
  // A failure rejects, which ends this thread with an error: the caller then parses itself.
  void loadDeckWithHelpers(data.root, parseAnswerBytes, data.ports).then(() => parentPort?.postMessage(hasUsableIndex(data.root) ? 'cached' : 'not cached'));
}
