/** SHA-256 as hex, over one or several chunks: how prep's caches and progress sidecar check their bytes. */
import { createHash, hash as oneShot } from 'node:crypto';

export function sha256Hex(...chunks: (Uint8Array | string)[]): string {
  // One chunk (most calls, one per answer file in a parse): the one-shot form, without a Hash object.
  if (chunks.length === 1) return oneShot('sha256', chunks[0]!, 'hex');
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}
