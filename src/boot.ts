/**
 * What bin/prep.js runs (built as dist/boot.js): compiles the bundled CLI with the V8 code cache the
 * build made for it (dist/cli.js.cache, see scripts/build.mjs), so start-up deserializes compiled
 * code instead of parsing half a megabyte of JavaScript, then runs it. Without a usable cache (a
 * missing file, another Node version) it compiles dist/cli.js as usual.
 */
import { readFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';

const MAGIC = 'prep-code-cache 1\n';
const file = path.join(__dirname, 'cli.js');

/** The source and its code cache from dist/cli.js.cache; undefined when that file is missing or not one. */
function fromCache(): { source: string; cachedData: Buffer } | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(`${file}.cache`);
  } catch {
    return undefined;
  }
  if (bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
  const newline = bytes.indexOf(0x0a, MAGIC.length);
  const length = Number(bytes.toString('latin1', MAGIC.length, newline));
  const start = newline + 1;
  if (newline < 0 || !Number.isSafeInteger(length) || start + length > bytes.length) return undefined;
  return { source: bytes.toString('utf8', start, start + length), cachedData: bytes.subarray(start + length) };
}

const cached = fromCache();
const script = new Script(wrap(cached?.source ?? readFileSync(file, 'utf8')), { filename: file, cachedData: cached?.cachedData });
const cli = { exports: {} as { main(): Promise<void> } };
(script.runInThisContext() as (...args: unknown[]) => void).call(cli.exports, cli.exports, createRequire(file), cli, file, __dirname);
void cli.exports.main();
