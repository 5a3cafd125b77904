import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { run, type AddIO, type AddOptions } from '../../src/commands/add.js';
import { PrepError, UsageError } from '../../src/core/errors.js';
import { loadDeck } from '../../src/store/deck-files.js';
import { PromptCancelled, type Prompter } from '../../src/ui/prompter.js';

const FAKE_EDITOR = fileURLToPath(new URL('../cli/fake-editor.mjs', import.meta.url));

type Step =
  | { input: string | ((message: string) => string) }
  | { confirm: boolean }
  | { checkbox: string[] }
  | { multiline: string }
  | { cancel: true };

/** Answers prompts from a script, in order, and records what was asked. */
function scripted(steps: Step[]) {
  const asked: { kind: string; message: string; choices?: string[]; default?: unknown }[] = [];
  const next = (kind: string, message: string) => {
    const step = steps.shift();
    if (!step) throw new Error(`unexpected ${kind} prompt: ${message}`);
    if ('cancel' in step) throw new PromptCancelled();
    if (!(kind in step)) throw new Error(`expected ${Object.keys(step)[0]} but got ${kind} prompt: ${message}`);
    return step;
  };
  const prompter: Prompter = {
    async input({ message, default: initial, validate }) {
      asked.push({ kind: 'input', message, default: initial });
      const step = next('input', message) as { input: string | ((m: string) => string) };
      const value = typeof step.input === 'function' ? step.input(message) : step.input;
      const answer = value === '' && initial !== undefined ? initial : value;
      const verdict = validate?.(answer) ?? true;
      if (verdict !== true) throw new Error(`validation failed for "${answer}": ${verdict}`);
      return answer;
    },
    async confirm({ message, default: initial }) {
      asked.push({ kind: 'confirm', message, default: initial });
      return (next('confirm', message) as { confirm: boolean }).confirm;
    },
    async checkbox({ message, choices }) {
      asked.push({ kind: 'checkbox', message, choices: choices.map((c) => c.value) });
      return (next('checkbox', message) as { checkbox: string[] }).checkbox;
    },
    async multiline({ message }) {
      asked.push({ kind: 'multiline', message });
      return (next('multiline', message) as { multiline: string }).multiline;
    },
  };
  return { prompter, asked, left: steps };
}

let root: string;
let deckDir: string;
let tmp: string;
let out: string;
let err: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'prep-add-cmd-'));
  deckDir = path.join(root, 'answers');
  tmp = path.join(root, 'tmp');
  mkdirSync(tmp);
  out = '';
  err = '';
});

function io(extra: Partial<AddIO> & { tty?: boolean; stdinText?: string; env?: NodeJS.ProcessEnv } = {}): AddIO {
  const stdin = Object.assign(Readable.from(extra.stdinText !== undefined ? [Buffer.from(extra.stdinText)] : []), { isTTY: extra.tty ?? true });
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    term: { isTTY: false, columns: Infinity, color: false },
    cwd: root,
    env: extra.env ?? {},
    stdin,
    tmpdir: tmp,
    ...(extra.prompter ? { prompter: extra.prompter } : {}),
  };
}

const editorEnv = (mode: string, fill: Record<string, string> = {}) => ({
  EDITOR: `"${process.execPath}" ${FAKE_EDITOR}`,
  FAKE_EDITOR_MODE: mode,
  FAKE_EDITOR_FILL: JSON.stringify(fill),
  FAKE_EDITOR_LOG: path.join(root, 'editor.log'),
});

const deckFiles = () => (existsSync(deckDir) ? readdirSync(deckDir).sort() : []);

function writeCard(name: string, question: string, tags: string[]) {
  mkdirSync(deckDir, { recursive: true });
  writeFileSync(path.join(deckDir, name), `---\nquestion: ${JSON.stringify(question)}\ntags: [${tags.join(', ')}]\n---\n\nAn answer.\n`);
}

describe('prep add, interactive', () => {
  it('writes a behavioural answer from the STAR template in the editor', async () => {
    writeCard('old.md', 'Why do you want this job?', ['motivation', 'Behavioural']);
    const { prompter, asked, left } = scripted([
      { input: 'Tell me about a time you disagreed with your manager' },
      { checkbox: ['Behavioural'] },
      { input: 'conflict, leadership' },
      { input: 'Acme' },
      { input: '' }, // accept the default time limit
    ]);
    const code = await run(
      {},
      io({
        prompter,
        env: editorEnv('fill', {
          '## Key points': '- **disagree with data**\n- commit once decided',
          '## Short version': 'I disagreed about a release date, showed the data, and we moved it by a week.',
          '### Situation': 'Our release was planned for Friday.',
          '### Action': 'I measured the failure rate and showed it to my manager.',
          '### Result': 'We shipped a week later with no incidents.',
        }),
      }),
    );
    expect(code).toBe(0);
    expect(left).toEqual([]);
    expect(asked[1]).toMatchObject({ kind: 'checkbox', choices: ['Behavioural', 'motivation'] });
    expect(asked[4]).toMatchObject({ kind: 'input', default: '2m' });

    expect(deckFiles()).toEqual(['old.md', 'tell-me-about-a-time-you-disagreed-with-your-manager.md']);
    const text = readFileSync(path.join(deckDir, 'tell-me-about-a-time-you-disagreed-with-your-manager.md'), 'utf8');
    expect(text).not.toContain('prep:'); // hints removed
    expect(text).not.toContain('### Task'); // empty STAR steps removed
    expect(text).toContain('### Situation');
    expect(text).toContain('company: Acme');
    expect(text).not.toContain('time:'); // default from the tags

    const deck = loadDeck(deckDir);
    expect(deck.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const card = deck.cards.find((c) => c.file.startsWith('tell-me'))!;
    expect(card.tags).toEqual(['Behavioural', 'conflict', 'leadership']);
    expect(Object.keys(card.sections).sort()).toEqual(['full', 'keyPoints', 'short']);
    expect(card.keyPoints).toEqual(['disagree with data', 'commit once decided']);

    expect(out).toContain('Saved answers/tell-me-about-a-time-you-disagreed-with-your-manager.md');
    expect(out).toMatch(/Spoken length: about \d+s \(full version\), within the 2m limit\./);
    expect(out).toContain('prep drill');
    expect(readdirSync(tmp)).toEqual([]); // the draft is gone
    const editorArgs = JSON.parse(readFileSync(path.join(root, 'editor.log'), 'utf8').trim()) as string[];
    expect(editorArgs.at(-1)).toMatch(/tell-me-about-a-time-you-disagreed-with-your-manager\.md$/);
  });

  it('uses the technical template for technical questions and writes a changed time limit', async () => {
    const { prompter } = scripted([{ input: 'How does a hash map handle collisions?' }, { checkbox: ['technical'] }, { input: '' }, { input: '' }, { input: '90s' }]);
    const env = editorEnv('fill', { '## Answer': 'Chaining or open addressing.', '## Follow-up questions': '- What is the load factor?' });
    expect(await run({}, io({ prompter, env }))).toBe(0);
    const text = readFileSync(path.join(deckDir, 'how-does-a-hash-map-handle-collisions.md'), 'utf8');
    expect(text).toContain('time: 1m30s');
    expect(text).toContain('## Follow-up questions');
    expect(text).not.toContain('## Key points'); // left empty, so removed
    const card = loadDeck(deckDir).cards[0]!;
    expect(card.timeLimitSec).toBe(90);
    expect(card.followUps).toEqual(['What is the load factor?']);
  });

  it('asks for the answer at a multi-line prompt when no editor is set', async () => {
    const { prompter, asked } = scripted([
      { input: 'Why Acme?' },
      { checkbox: [] },
      { input: 'motivation' },
      { input: '' },
      { input: '' },
      { multiline: 'growing market\n- my payments experience' },
      { multiline: 'Because Acme leads the market and my experience fits.' },
    ]);
    expect(await run({}, io({ prompter, env: {} }))).toBe(0);
    expect(asked[1]).toMatchObject({ choices: ['behavioural', 'technical', 'system-design', 'motivation'] }); // empty deck: suggestions
    expect(err).toContain('No editor is set');
    const card = loadDeck(deckDir).cards[0]!;
    expect(card.keyPoints).toEqual(['growing market', 'my payments experience']);
    expect(card.sections.answer?.markdown).toBe('Because Acme leads the market and my experience fits.');
    expect(card.timeLimitSec).toBe(90);
  });

  it('warns about a similar question and stops when the user declines', async () => {
    writeCard('why-acme.md', 'Why Acme?', []);
    const { prompter } = scripted([{ input: '1. Why  Acme ?' }, { confirm: false }]);
    expect(await run({}, io({ prompter, env: editorEnv('fill') }))).toBe(1);
    expect(err).toContain('already in the deck: answers/why-acme.md:2');
    expect(deckFiles()).toEqual(['why-acme.md']);
  });

  it('keeps a non-empty draft in a temp file when the editor fails, and writes nothing in the deck', async () => {
    const { prompter } = scripted([{ input: 'What is your biggest weakness?' }, { checkbox: [] }, { input: '' }, { input: '' }, { input: '' }]);
    const error = await run({}, io({ prompter, env: editorEnv('fail', { '## Answer': 'I used to over-commit.' }) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrepError);
    const message = (error as Error).message;
    expect(message).toMatch(/exited with status 1, so nothing was saved in the deck; your draft is kept in /);
    const kept = message.slice(message.indexOf(tmp));
    expect(readFileSync(kept, 'utf8')).toContain('I used to over-commit.');
    expect(existsSync(deckDir)).toBe(false);
  });

  it('keeps no draft when the editor fails before anything was written', async () => {
    const { prompter } = scripted([{ input: 'What is your biggest weakness?' }, { checkbox: [] }, { input: '' }, { input: '' }, { input: '' }]);
    const error = await run({}, io({ prompter, env: editorEnv('fail-untouched') })).catch((e: unknown) => e);
    expect((error as Error).message).not.toContain('draft');
    expect(readdirSync(tmp)).toEqual([]);
    expect(existsSync(deckDir)).toBe(false);
  });

  it('saves nothing when the file comes back empty', async () => {
    const { prompter } = scripted([{ input: 'Where do you see yourself in five years?' }, { checkbox: [] }, { input: '' }, { input: '' }, { input: '' }]);
    await expect(run({}, io({ prompter, env: editorEnv('empty') }))).rejects.toThrow(/came back empty, so nothing was saved/);
    expect(readdirSync(tmp)).toEqual([]);
    expect(existsSync(deckDir)).toBe(false);
  });

  it('saves an empty answer only as a card to prepare, after the user confirms', async () => {
    const steps = (yes: boolean): Step[] => [{ input: 'What are your salary expectations?' }, { checkbox: [] }, { input: '' }, { input: '' }, { input: '' }, { confirm: yes }];
    const declined = scripted(steps(false));
    expect(await run({}, io({ prompter: declined.prompter, env: editorEnv('untouched') }))).toBe(0);
    expect(declined.asked.at(-1)!.message).toMatch(/card to prepare/);
    expect(out).toContain('Nothing was saved.');
    expect(existsSync(deckDir)).toBe(false);

    const accepted = scripted(steps(true));
    expect(await run({}, io({ prompter: accepted.prompter, env: editorEnv('untouched') }))).toBe(0);
    const deck = loadDeck(deckDir);
    expect(deck.cards).toHaveLength(1);
    expect(deck.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(out).toContain('card to prepare');
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('offers to reopen a broken draft, and keeps it when the user says no', async () => {
    const { prompter, asked } = scripted([{ input: 'Why are you leaving?' }, { checkbox: [] }, { input: '' }, { input: '' }, { input: '' }, { confirm: false }]);
    const error = await run({}, io({ prompter, env: editorEnv('break') })).catch((e: unknown) => e);
    expect(asked.at(-1)!.message).toMatch(/Open the editor again/);
    expect(err).toMatch(/error: line 1: no question found/);
    expect((error as Error).message).toMatch(/your draft is kept in .*why-are-you-leaving\.md/);
    expect(existsSync(deckDir)).toBe(false);
  });

  it('leaves nothing behind when cancelled (Ctrl-C) at a prompt', async () => {
    const { prompter } = scripted([{ input: 'Tell me about yourself' }, { cancel: true }]);
    await expect(run({}, io({ prompter, env: editorEnv('fill') }))).rejects.toMatchObject({ name: 'ExitPromptError' });
    expect(existsSync(deckDir)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('leaves nothing behind when cancelled after the editor closed', async () => {
    const { prompter } = scripted([{ input: 'Tell me about yourself' }, { checkbox: [] }, { input: '' }, { input: '' }, { input: '' }, { cancel: true }]);
    await expect(run({}, io({ prompter, env: editorEnv('untouched') }))).rejects.toMatchObject({ name: 'ExitPromptError' });
    expect(existsSync(deckDir)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('skips the prompts for the values given as flags', async () => {
    const { prompter, asked } = scripted([{ input: 'Why Acme?' }]);
    const options: AddOptions = { tag: ['motivation'], company: 'Acme', time: '1m', answerFile: 'a.md' };
    writeFileSync(path.join(root, 'a.md'), 'Because.\n');
    expect(await run(options, io({ prompter }))).toBe(0);
    expect(asked.map((a) => a.kind)).toEqual(['input']);
    expect(loadDeck(deckDir).cards[0]).toMatchObject({ tags: ['motivation'], company: 'Acme', timeLimitSec: 60 });
  });
});

describe('prep add, from flags', () => {
  it('refuses to ask when stdin is not a terminal and no --question is given', async () => {
    const error = await run({}, io({ tty: false, stdinText: 'answer' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('--question');
  });

  it('reads the answer from stdin and stops at a duplicate unless --force', async () => {
    expect(await run({ question: 'Why Acme?', tag: ['motivation'] }, io({ tty: false, stdinText: 'Because.\n' }))).toBe(0);
    expect(await run({ question: 'why acme', tag: ['motivation'] }, io({ tty: false, stdinText: 'Again.\n' }))).toBe(1);
    expect(err).toContain('answers/why-acme.md:2');
    expect(err).toContain('--force');
    expect(deckFiles()).toEqual(['why-acme.md']);
    expect(await run({ question: 'why acme', force: true }, io({ tty: false, stdinText: 'Again.\n' }))).toBe(0);
    expect(deckFiles()).toEqual(['why-acme-2.md', 'why-acme.md']);
  });

  it('makes a card to prepare, with a note, when no answer is given', async () => {
    expect(await run({ question: 'What is CAP?' }, io({ tty: true }))).toBe(0);
    expect(out).toContain('No answer yet');
    expect(loadDeck(deckDir).cards[0]!.sections).toEqual({});
  });

  it('refuses an answer file that is already a whole answer file', async () => {
    writeFileSync(path.join(root, 'a.md'), '---\nquestion: x\n---\nBody\n');
    await expect(run({ question: 'Q?', answerFile: 'a.md' }, io())).rejects.toThrow(UsageError);
  });
});
