/**
 * dist/boot.js (src/boot.ts) starts prep from dist/cli.js with the V8 code cache the build made
 * (dist/cli.js.cache). The cache must be one this Node accepts, and boot must never run anything
 * but dist/cli.js as it is now: a changed cli.js or a damaged cache only costs the compile.
 */
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { wrap } from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPO, assertBuilt, inheritedEnv } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';

const MAGIC = 'prep-code-cache 1\n';
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
  it('holds dist/cli.js byte for byte, and a code cache this Node accepts for it', () => {
    const source = readFileSync(path.join(REPO, 'dist', 'cli.js'));
    const cache = readFileSync(path.join(REPO, 'dist', 'cli.js.cache'));
    const newline = cache.indexOf(0x0a, MAGIC.length);
    const head = cache.toString('latin1', 0, newline + 1);
    expect(head).toMatch(new RegExp(`^${MAGIC}${source.length} [0-9a-f]{64}\n$`));
    expect(cache.subarray(head.length, head.length + source.length).equals(source)).toBe(true);
    const cachedData = cache.subarray(head.length + source.length);
    const script = new Script(wrap(source.toString('utf8')), { filename: path.join(REPO, 'dist', 'cli.js'), cachedData });
    expect(script.cachedDataRejected).toBe(false);
    expect(head.slice(-65, -1)).toBe(createHash('sha256').update(cachedData).digest('hex'));
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
