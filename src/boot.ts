/**
 * What bin/prep.js runs (built as dist/boot.js): compiles the bundled CLI with the V8 code cache the
 * build made for it (dist/cli.js.cache, see scripts/build.mjs), so start-up deserializes compiled
 * code instead of parsing half a megabyte of JavaScript, then runs it. The cache is used only for
 * the very source it was made from (V8 itself checks no more than the length) and only when its
 * SHA-256 checks out (V8 does not check it either, and damaged code cache data aborts the process).
 * Otherwise, and with another Node version (V8 rejects the cache), the source is compiled as usual.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';

const MAGIC = 'prep-code-cache 1\n';
const file = path.join(__dirname, 'cli.js');

/** The code cache in dist/cli.js.cache when it was made from exactly `source` and is intact; else undefined. */
function codeCacheFor(source: Buffer): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(`${file}.cache`);
  } catch {
    return undefined;
  }
  const newline = bytes.indexOf(0x0a, MAGIC.length);
  const [length, sha256] = bytes.toString('latin1', MAGIC.length, newline).split(' ');
  if (newline < 0 || bytes.toString('latin1', 0, MAGIC.length) !== MAGIC || length !== String(source.length)) return undefined;
  const start = newline + 1;
  const end = start + source.length;
  if (!(end < bytes.length && bytes.subarray(start, end).equals(source))) return undefined;
  const cachedData = bytes.subarray(end);
  return createHash('sha256').update(cachedData).digest('hex') === sha256 ? cachedData : undefined;
}

const source = readFileSync(file);
const script = new Script(wrap(source.toString('utf8')), { filename: file, cachedData: codeCacheFor(source) });
const cli = { exports: {} as { main(): Promise<void> } };
(script.runInThisContext() as (...args: unknown[]) => void).call(cli.exports, cli.exports, createRequire(file), cli, file, __dirname);
void cli.exports.main();
