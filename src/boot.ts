/**
 * What bin/prep.js runs (built as dist/boot.js): compiles the bundled CLI with the V8 code cache the
 * build made for it (see src/code-cache.ts), so start-up deserializes compiled code instead of
 * parsing half a megabyte of JavaScript, then runs it. Without a usable cache (changed source,
 * damaged file, another Node version whose V8 rejects it) the source is compiled as usual.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Script } from 'node:vm';
import { codeCacheFor, wrap } from './code-cache.js';

const file = path.join(__dirname, 'cli.js');
const source = readFileSync(file);
const script = new Script(wrap(source.toString('utf8')), { filename: file, cachedData: codeCacheFor(`${file}.cache`, source) });
const cli = { exports: {} as { main(): Promise<void> } };
// This file's own require: cli.js sits beside it, so both resolve the same (./vendor/*, node:*).
(script.runInThisContext() as (...args: unknown[]) => void).call(cli.exports, cli.exports, require, cli, file, __dirname);
void cli.exports.main();
