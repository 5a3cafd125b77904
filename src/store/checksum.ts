/** SHA-256 as hex, over one or several chunks: how prep's caches and progress sidecar check their bytes. */
import { createHash } from 'node:crypto';

export function sha256Hex(...chunks: (Uint8Array | string)[]): string {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}
