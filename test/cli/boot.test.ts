/**
 * dist/boot.js (src/boot.ts) starts prep from dist/cli.js with the V8 code cache the build made
 * (dist/cli.js.cache). The cache must be one this Node accepts, and boot must never run anything
 * but dist/cli.js as it is now: a changed cli.js or a damaged cache only costs the compile.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Script } from 'node:vm';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CODE_CACHE_MAGIC, codeCacheFor, wrap } from '../../src/code-cache.js';
import { REPO, assertBuilt, inheritedEnv } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';

let copy: string;

/** `node <copy>/bin/prep.js ...args` on a private copy of bin/ and dist/. */
const prepCopy = (...args: string[]) => spawnSync(process.execPath, [path.join(copy, 'bin', 'prep.js'), ...args], { cwd: copy, env: inheritedEnv(), encoding: 'utf8', timeout: 20_000 });

beforeAll(() => assertBuilt());
beforeEach(() => {
  copy = tempDir('boot');
  cpSync(path.join(REPO, 'bin'), path.join(copy, 'bin'), { recursive: true });
  cpSync(path.join(REPO, 'dist'), path.join(copy, 'dist'), { recursive: true });
});
afterEach(() => rmSync(copy, { recursive: true, force: true }));

describe('the code cache', () => {
  it('holds dist/cli.js byte for byte, and a code cache this Node accepts as boot compiles it', () => {
    const file = path.join(REPO, 'dist', 'cli.js');
    const source = readFileSync(file);
    const cachedData = codeCacheFor(`${file}.cache`, source);
    expect(cachedData).toBeDefined();
    const script = new Script(wrap(source.toString('utf8')), { filename: file, cachedData });
    expect(script.cachedDataRejected).toBe(false);
  });

  it('was made after the everyday commands ran, so it holds their compiled functions and not only the top level', () => {
    // V8 compiles a function on its first call; a cache made right after compiling holds the top
    // level (and little else), which leaves that compiling to every start.
    const file = path.join(REPO, 'dist', 'cli.js');
    const source = readFileSync(file);
    const trained = codeCacheFor(`${file}.cache`, source)!;
    const topLevelOnly = new Script(wrap(source.toString('utf8')), { filename: file }).createCachedData();
    expect(trained.length).toBeGreaterThan(2 * topLevelOnly.length);
  });

  it('reads the cache only for that exact source, with its hash', () => {
    const file = path.join(REPO, 'dist', 'cli.js');
    const source = readFileSync(file);
    const cache = readFileSync(`${file}.cache`);
    const newline = cache.indexOf(0x0a, CODE_CACHE_MAGIC.length);
    expect(cache.toString('latin1', 0, newline + 1)).toMatch(new RegExp(`^${CODE_CACHE_MAGIC}${source.length} [0-9a-f]{64}\n$`));
    expect(cache.subarray(newline + 1, newline + 1 + source.length).equals(source)).toBe(true);
    const sameLength = Buffer.from(source);
    sameLength[sameLength.length - 2]! ^= 1;
    expect(codeCacheFor(`${file}.cache`, sameLength)).toBeUndefined();
  });

  it('runs the current dist/cli.js when it changed after the build, not the source the cache was made from', () => {
    const cli = path.join(copy, 'dist', 'cli.js');
    // The same length, as V8 would take its cache for the edited source.
    const version = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).version as string;
    const edited = version.replace(/\d/g, '9');
    const text = readFileSync(cli, 'utf8');
    expect(text).toContain(`"${version}"`);
    writeFileSync(cli, text.replace(`"${version}"`, `"${edited}"`));
    const result = prepCopy('--version');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(edited);
  });

  it('starts as usual when the cache is missing, damaged or truncated', () => {
    const cacheFile = path.join(copy, 'dist', 'cli.js.cache');
    const whole = readFileSync(cacheFile);
    const expected = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).version as string;
    for (const damaged of [undefined, Buffer.from('garbage'), whole.subarray(0, 100), Buffer.concat([whole.subarray(0, whole.length - 5000), Buffer.alloc(5000, 0xff)])]) {
      if (damaged === undefined) rmSync(cacheFile);
      else writeFileSync(cacheFile, damaged);
      const result = prepCopy('--version');
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout.trim()).toBe(expected);
    }
  });
});

describe('what a start loads', () => {
  /** The built-in modules a run of `prep ...args` loaded, from Node's own list, written at exit. */
  const builtinsLoaded = (...args: string[]) => {
    const log = path.join(copy, `loaded-${Math.random()}`);
    const hook = path.join(copy, 'hook.cjs');
    writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(log)}, process.moduleLoadList.join('\\n')));\n`);
    const run = spawnSync(process.execPath, ['--require', hook, path.join(copy, 'bin', 'prep.js'), ...args], { cwd: copy, env: inheritedEnv(), encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(0);
    return readFileSync(log, 'utf8').split('\n');
  };

  it('starts without child_process or tty unless a command needs them (boot.ts bundles the find probe)', () => {
    // stdout is a pipe here, so net is loaded to write to it; tty would be on a terminal.
    const loaded = builtinsLoaded('--version');
    for (const name of ['NativeModule child_process', 'NativeModule tty']) expect(loaded).not.toContain(name);
  });
});
