/**
 * The V8 code cache the build stores in dist/cli.js.cache for dist/cli.js (scripts/build.mjs writes
 * it, src/boot.ts reads it): "prep-code-cache 1\n", then the source's length in bytes and the code
 * cache's SHA-256 (hex) and "\n", the source, then the code cache. The cache is used only for the
 * very source it was made from (V8 itself checks no more than the length) and only when its SHA-256
 * checks out (V8 does not check the data either, and damaged data aborts the process).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const CODE_CACHE_MAGIC = 'prep-code-cache 1\n';

/** Node's CommonJS wrapper (module.wrap) spelled out, as scripts/build.mjs compiles it: loading node:module would load its ES module loader too. */
export const wrap = (source: string) => `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;

/** The code cache in `cacheFile` when it was made from exactly `source` and is intact; else undefined. */
export function codeCacheFor(cacheFile: string, source: Buffer): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const newline = bytes.indexOf(0x0a, CODE_CACHE_MAGIC.length);
  const [length, sha256] = bytes.toString('latin1', CODE_CACHE_MAGIC.length, newline).split(' ');
  if (newline < 0 || bytes.toString('latin1', 0, CODE_CACHE_MAGIC.length) !== CODE_CACHE_MAGIC || length !== String(source.length)) return undefined;
  const start = newline + 1;
  const end = start + source.length;
  if (!(end < bytes.length && bytes.subarray(start, end).equals(source))) return undefined;
  const cachedData = bytes.subarray(end);
  return createHash('sha256').update(cachedData).digest('hex') === sha256 ? cachedData : undefined;
}
