/** `prep --help` and usage errors, through the real built binary (npm run build first). */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runPrep } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';

let cwd: string;

const prep = (args: string[], env: Record<string, string> = {}) => runPrep(args, { cwd, env });

beforeAll(() => {
  assertBuilt();
  cwd = tempDir('help');
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('prep --help', () => {
  it('exits 0, lists every command and shows examples', () => {
    const { code, stdout } = prep(['--help']);
    expect(code).toBe(0);
    for (const command of ['drill', 'add', 'list', 'stats', 'check', 'import']) expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('$ prep list');
  });

  it.each(['list', 'check', 'drill', 'add', 'stats', 'import'])('prep %s --help exits 0 with examples', (command) => {
    const { code, stdout } = prep([command, '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: prep ${command}`);
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain(`$ prep ${command}`);
  });

  it('bare prep prints the same help on stdout and exits 0', () => {
    const { code, stdout, stderr } = prep([]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(prep(['--help']).stdout);
  });

  it('prep help nosuch is a usage error naming the commands', () => {
    const { code, stdout, stderr } = prep(['help', 'nosuch']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/unknown command 'nosuch'; the commands are drill, add, list, stats, check, import/);
  });

  it('prep help list is the same help', () => {
    expect(prep(['help', 'list']).stdout).toBe(prep(['list', '--help']).stdout);
  });

  it('--version prints the package version', () => {
    const { code, stdout } = prep(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('help has no escape codes when not a terminal', () => {
    expect(prep(['--help']).stdout).not.toContain('\u001b');
  });
});

describe('usage errors exit 2', () => {
  it.each([
    [['list', '--bogus'], /unknown option '--bogus'/],
    [['check', '--nope'], /unknown option '--nope'/],
    [['list', '--tag'], /argument missing/],
    [['nosuch'], /unknown command 'nosuch'/],
    [['drill', '--limit', 'ten'], /--limit takes a whole number of 1 or more, not "ten"/],
    [['drill', '--limit', '0'], /--limit takes a whole number of 1 or more, not "0"/],
    [['drill', '--time', '-1'], /--time takes a whole number of 1 or more, not "-1"/],
    [['stats', '--limit', '0'], /--limit takes a whole number of 1 or more, not "0"/],
    [['drill', '--new', '-1'], /--new takes a whole number of 0 or more, not "-1"/],
  ])('prep %j', (args, message) => {
    const { code, stderr, stdout } = prep(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  it('a --deck that does not exist is a usage error that says what to do', () => {
    const { code, stderr } = prep(['list', '--deck', 'no-such-folder']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^prep: deck folder no-such-folder does not exist; check the path/);
  });

  it('no answers/ folder anywhere above is a failure (exit 1) that says what to do', () => {
    const { code, stderr } = prep(['list']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/no answers\/ folder here or above; run `prep add`.*or pass --deck DIR/);
  });
});
