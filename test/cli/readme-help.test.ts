/** The command reference in README.md is the real `--help` of the built binary, option for option. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');

function help(command: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['NO_COLOR', 'FORCE_COLOR', 'COLUMNS']) delete env[key];
  return spawnSync(process.execPath, [path.join(repo, 'bin', 'prep.js'), command, '--help'], { env, encoding: 'utf8' }).stdout;
}

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
