/**
 * The user's text editor: `$VISUAL`, else `$EDITOR`. Used by `prep add` (write the answer) and by
 * `prep drill` (the "edit this card" key). Always spawned without a shell, from an argument array,
 * so nothing in a file name or a question can run as a command.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * Splits a command line the way a POSIX shell splits words, without expanding anything:
 * `code --wait` → ["code", "--wait"]; `"/path with space/vim" -n` → ["/path with space/vim", "-n"].
 * Single quotes keep everything literally; inside double quotes and unquoted, a backslash escapes
 * the next character. Returns undefined when a quote is left open.
 */
export function splitCommandLine(line: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i];
      else word += ch;
      continue;
    }
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '\\' && i + 1 < line.length) word += line[++i];
    else word += ch;
  }
  if (quote) return undefined;
  if (inWord) words.push(word);
  return words;
}

/** The editor to run as an argument array ($VISUAL first, then $EDITOR); undefined when none is set. */
export function editorCommand(env: NodeJS.ProcessEnv): string[] | undefined {
  for (const name of ['VISUAL', 'EDITOR'] as const) {
    const value = env[name];
    if (value === undefined || value.trim() === '') continue;
    const argv = splitCommandLine(value.trim());
    if (argv && argv.length > 0 && argv[0] !== '') return argv;
  }
  return undefined;
}

export interface EditorResult {
  /** The editor ran and exited with status 0. */
  ok: boolean;
  /** Its exit status; null when it could not start or was killed by a signal. */
  code: number | null;
  /** Why it failed, in words fit for a message ("no editor is set", "vim was not found", …). */
  error?: string;
}

const PLUS_LINE = new Set(['vi', 'vim', 'nvim', 'gvim', 'mvim', 'nano', 'pico', 'emacs', 'emacsclient', 'micro', 'kak', 'hx', 'joe', 'jed', 'ne', 'mg', 'ed', 'ex', 'view']);
const COLON_LINE = new Set(['subl', 'sublime_text', 'zed', 'mate']);
const GOTO_LINE = new Set(['code', 'code-insiders', 'codium', 'cursor', 'windsurf']);

/** The arguments that open `file` at `line` for editors known to take one; just the file otherwise. */
export function fileArguments(editor: string, file: string, line?: number): string[] {
  if (line === undefined || !Number.isInteger(line) || line < 1) return [file];
  const name = path.basename(editor).replace(/\.(exe|cmd|bat)$/i, '').toLowerCase();
  if (PLUS_LINE.has(name)) return [`+${line}`, file];
  if (COLON_LINE.has(name)) return [`${file}:${line}`];
  if (GOTO_LINE.has(name)) return ['--goto', `${file}:${line}`];
  return [file];
}

/**
 * Opens `file` in the user's editor and waits for it to exit. The editor gets the terminal
 * (stdio inherited). While it runs, Ctrl-C belongs to the editor: prep ignores SIGINT so that an
 * interrupted editor is reported as a failure instead of killing prep mid-way.
 */
export function openInEditor(file: string, env: NodeJS.ProcessEnv, options: { line?: number } = {}): Promise<EditorResult> {
  const argv = editorCommand(env);
  if (!argv) return Promise.resolve({ ok: false, code: null, error: 'no editor is set (set $VISUAL or $EDITOR, e.g. export EDITOR=nano)' });
  const [command, ...args] = argv as [string, ...string[]];
  return new Promise((resolve) => {
    const ignoreInterrupt = () => {};
    process.on('SIGINT', ignoreInterrupt);
    let settled = false;
    const finish = (result: EditorResult) => {
      if (settled) return;
      settled = true;
      process.off('SIGINT', ignoreInterrupt);
      resolve(result);
    };
    let child;
    try {
      child = spawn(command, [...args, ...fileArguments(command, file, options.line)], { stdio: 'inherit', env, shell: false });
    } catch (error) {
      finish({ ok: false, code: null, error: `the editor ${command} could not be started (${(error as Error).message})` });
      return;
    }
    child.on('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ENOENT' ? 'was not found' : error.code === 'EACCES' ? 'is not executable' : `could not be started (${error.code ?? error.message})`;
      finish({ ok: false, code: null, error: `the editor ${command} ${why}; check $VISUAL/$EDITOR` });
    });
    child.on('exit', (code, signal) => {
      if (code === 0) finish({ ok: true, code: 0 });
      else if (signal) finish({ ok: false, code: null, error: `the editor ${command} was stopped by ${signal}` });
      else finish({ ok: false, code, error: `the editor ${command} exited with status ${code}` });
    });
  });
}
