/** The command reference in README.md is the real `--help` of the built binary, option for option. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runPrep } from '../helpers/cli.js';

const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');

const help = (command: string): string => runPrep([command, '--help'], { cwd: REPO }).stdout;

describe('README command reference', () => {
  for (const command of ['drill', 'add', 'stats', 'import', 'list', 'check']) {
    it(`shows the usage and options of \`prep ${command} --help\` exactly`, () => {
      const block = new RegExp('```\\n(Usage: prep ' + command + ' [\\s\\S]*?)\\n```').exec(readme)?.[1];
      expect(block, `README.md has no usage block for prep ${command}`).toBeDefined();
      const actual = help(command);
      const options = actual.slice(0, actual.indexOf('  -h, --help') + '  -h, --help'.length);
      expect(block!.slice(0, options.length)).toBe(options);
      expect(readme).toContain(`### prep ${command}`);
    });
  }
});
