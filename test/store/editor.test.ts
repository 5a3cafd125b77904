import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { editorCommand, fileArguments, openInEditor, splitCommandLine } from '../../src/store/editor.js';

describe('editorCommand', () => {
  it('prefers $VISUAL over $EDITOR', () => {
    expect(editorCommand({ VISUAL: 'vim', EDITOR: 'nano' })).toEqual(['vim']);
    expect(editorCommand({ VISUAL: '  ', EDITOR: 'nano' })).toEqual(['nano']);
  });
  it('splits arguments and respects quotes', () => {
    expect(editorCommand({ EDITOR: 'code --wait' })).toEqual(['code', '--wait']);
    expect(editorCommand({ EDITOR: '"/path with space/vim" -n' })).toEqual(['/path with space/vim', '-n']);
    expect(editorCommand({ EDITOR: "'/a b/ed' 'x y'" })).toEqual(['/a b/ed', 'x y']);
    expect(editorCommand({ EDITOR: '/a\\ b/vim' })).toEqual(['/a b/vim']);
  });
  it('keeps shell syntax as plain words', () => {
    expect(editorCommand({ EDITOR: 'vim; rm -rf ~ $(id)' })).toEqual(['vim;', 'rm', '-rf', '~', '$(id)']);
  });
  it('returns undefined when nothing usable is set', () => {
    expect(editorCommand({})).toBeUndefined();
    expect(editorCommand({ EDITOR: '' })).toBeUndefined();
    expect(editorCommand({ EDITOR: '"unclosed' })).toBeUndefined();
    expect(splitCommandLine('"unclosed')).toBeUndefined();
  });
});

describe('fileArguments', () => {
  it('opens at a line for editors that know how', () => {
    expect(fileArguments('/usr/bin/vim', 'a.md', 12)).toEqual(['+12', 'a.md']);
    expect(fileArguments('code', 'a.md', 3)).toEqual(['--goto', 'a.md:3']);
    expect(fileArguments('subl', 'a.md', 3)).toEqual(['a.md:3']);
    expect(fileArguments('unknown-editor', 'a.md', 3)).toEqual(['a.md']);
    expect(fileArguments('vim', 'a.md')).toEqual(['a.md']);
  });
});

describe('openInEditor', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'prep-editor-'));
  const script = (name: string, body: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };

  it('runs the editor without a shell, passing its arguments and the file', async () => {
    const editor = script('my editor', 'printf "%s|" "$@" > "$(dirname "$0")/args.txt"');
    const target = path.join(dir, 'it; echo pwned.md');
    writeFileSync(target, '');
    const result = await openInEditor(target, { PATH: process.env.PATH, EDITOR: `"${editor}" --wait` });
    expect(result).toEqual({ ok: true, code: 0 });
    expect(readFileSync(path.join(dir, 'args.txt'), 'utf8')).toBe(`--wait|${target}|`);
  });

  it('reports a failing editor with its status', async () => {
    const editor = script('fails', 'exit 3');
    const result = await openInEditor(path.join(dir, 'x.md'), { EDITOR: editor });
    expect(result.ok).toBe(false);
    expect(result.code).toBe(3);
  });

  it('reports an editor that does not exist', async () => {
    const result = await openInEditor(path.join(dir, 'x.md'), { EDITOR: path.join(dir, 'no-such-editor') });
    expect(result.ok).toBe(false);
    expect(result.code).toBeNull();
    expect(result.error).toMatch(/was not found/);
  });

  it('says so when no editor is set', async () => {
    const result = await openInEditor(path.join(dir, 'x.md'), {});
    expect(result).toMatchObject({ ok: false, code: null });
    expect(result.error).toMatch(/no editor/);
  });
});
