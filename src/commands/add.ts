/**
 * `prep add`: write a new answer file into the deck.
 *
 * Interactive (no --question, stdin a terminal): question, tags, company, time limit, then
 * $VISUAL/$EDITOR on a template that fits the kind of question (or a multi-line prompt).
 * Non-interactive (--question): everything from flags, the answer from --answer-file or stdin.
 * The file is checked with the loader `prep check` uses before it is written, created exclusively
 * inside the deck folder, and read back. Nothing is written anywhere else; a draft the user wrote in
 * a failed editor session is kept in a temp file whose path is printed.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { summarizeCard, versionForLimit, isToPrepare, type Card } from '../core/card.js';
import { PrepError, UsageError } from '../core/errors.js';
import { findSimilarQuestion } from '../core/similarity.js';
import { slugify } from '../core/slug.js';
import { answerKind, cleanDraft, templateBody, templateIntro, type AnswerKind } from '../core/templates.js';
import { formatDuration, normalizeQuestion, parseDuration } from '../core/text.js';
import { defaultTimeLimit, normalizeTag } from '../core/time-limits.js';
import { decodeAnswerFile, MAX_ANSWER_FILE_BYTES } from '../markdown/decode.js';
import { readFrontMatter } from '../markdown/front-matter.js';
import { parseAnswerFile, type Problem } from '../markdown/parse.js';
import { serializeAnswer, type AnswerDraft } from '../markdown/serialize.js';
import { splitTagList, tagsByUse } from '../core/tags.js';
import { createAnswerFile, folderInsideDeck, predictAnswerFile } from '../store/answer-writer.js';
import { loadDeck, readAnswerFile } from '../store/deck-files.js';
import { editorCommand, openInEditor } from '../store/editor.js';
import { displayPath, findDeck } from '../store/paths.js';
import { safeLine, safeText } from '../ui/sanitize.js';
import { paint } from '../ui/paint.js';
import { terminalPrompter, type Prompter } from '../ui/prompter.js';
import { printJson, type CommandIO } from './io.js';

export interface AddOptions {
  question?: string;
  tag?: string[];
  company?: string;
  time?: string;
  answerFile?: string;
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
  deck?: string;
}

/** What `add` needs beyond CommandIO; tests pass their own, the CLI gets the process's. */
export interface AddIO extends CommandIO {
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  prompter?: Prompter;
  /** Folder for editor drafts (default: the system temp folder). */
  tmpdir?: string;
}

const MAX_QUESTION_CHARS = 500;
const MAX_TIME_SEC = 60 * 60;
const TAG_SUGGESTIONS = ['behavioural', 'technical', 'system-design', 'motivation'];

interface Meta {
  question: string;
  tags: string[];
  company: string | null;
  /** Written as `time:` only when it differs from the default for the tags. */
  timeSec: number | undefined;
}

interface Context {
  options: AddOptions;
  io: AddIO;
  deckDir: string;
  existing: Card[];
  deckTags: string[];
  c: ReturnType<typeof paint>;
}

export async function run(options: AddOptions, io: AddIO): Promise<number> {
  const stdin = io.stdin ?? process.stdin;
  const interactive = options.question === undefined;
  if (interactive && stdin.isTTY !== true) {
    throw new UsageError('stdin is not a terminal, so prep cannot ask for the question; pass it with --question "…" and the answer on stdin or with --answer-file');
  }
  // Flags are checked before anything is asked or read.
  const flagQuestion = options.question === undefined ? undefined : checkQuestion(cleanField(options.question), '--question');
  const flagTags = options.tag === undefined ? undefined : splitTags(options.tag);
  const flagCompany = options.company === undefined ? undefined : cleanField(options.company) || null;
  const flagTime = options.time === undefined ? undefined : checkTime(options.time);

  const { deckDir } = findDeck({ deck: options.deck, cwd: io.cwd, env: io.env, mustExist: false });
  if (existsSync(deckDir) && !statSync(deckDir).isDirectory()) {
    throw new UsageError(`${displayPath(deckDir, io.cwd)} is a file, not a folder; --deck takes the folder that holds your answer files`);
  }
  const deck = existsSync(deckDir) ? loadDeck(deckDir) : { cards: [], problems: [], files: 0 };
  const ctx: Context = { options, io, deckDir, existing: deck.cards, deckTags: tagsByUse(deck.cards), c: paint(io.term) };
  const prompter = interactive ? (io.prompter ?? terminalPrompter(promptStreams(io))) : undefined;

  let meta: Meta;
  let content: string;
  if (prompter) {
    const question = await prompter.input({ message: 'Question:', validate: (v) => validateQuestion(v) });
    meta = { question: cleanField(question), tags: [], company: null, timeSec: undefined };
    if (!(await acceptDuplicate(ctx, meta.question, prompter))) return 1;
    meta.tags = flagTags ?? (await askTags(ctx, prompter));
    meta.company = flagCompany !== undefined ? flagCompany : cleanField(await prompter.input({ message: 'Company (optional, Enter to skip):' })) || null;
    meta.timeSec = flagTime ?? (await askTime(meta.tags, prompter));
    const written = options.answerFile !== undefined ? fromAnswerText(meta, await readAnswer(ctx, stdin)) : await writeAnswer(ctx, meta, prompter);
    if (written === undefined) {
      ctx.io.stdout.write('Nothing was saved.\n');
      return 0;
    }
    ({ meta, content } = written);
  } else {
    meta = { question: flagQuestion!, tags: flagTags ?? [], company: flagCompany ?? null, timeSec: flagTime };
    if (!(await acceptDuplicate(ctx, meta.question, undefined))) return 1;
    const answer = options.answerFile !== undefined || stdin.isTTY !== true ? await readAnswer(ctx, stdin) : '';
    ({ meta, content } = fromAnswerText(meta, answer));
  }
  return finish(ctx, meta, content, interactive);
}

/** Prompts go to the terminal: stdout, or stderr when stdout is redirected to a file. */
function promptStreams(io: AddIO) {
  return { input: io.stdin ?? process.stdin, output: io.term.isTTY ? process.stdout : process.stderr };
}

// ---------------------------------------------------------------------------------------------
// Fields

/** Control characters become spaces; runs of white space become one space. */
function cleanField(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function validateQuestion(value: string): true | string {
  const text = cleanField(value);
  if (text === '') return 'Type the interview question (it is required).';
  if ([...text].length > MAX_QUESTION_CHARS) return `Keep the question under ${MAX_QUESTION_CHARS} characters; put the details in the answer.`;
  return true;
}

function checkQuestion(text: string, flag: string): string {
  if (text === '') throw new UsageError(`${flag} is empty; write the interview question, e.g. ${flag} "Why do you want to work here?"`);
  if ([...text].length > MAX_QUESTION_CHARS) throw new UsageError(`the question is ${[...text].length} characters long; keep it under ${MAX_QUESTION_CHARS} and put the details in the answer`);
  return text;
}

/** `-t a,b -t c` → [a, b, c], cleaned, without repeats (compared as `prep` compares tags). */
function splitTags(values: readonly string[]): string[] {
  const tags = splitTagList(values);
  const long = tags.find((tag) => [...tag].length > 60);
  if (long) throw new UsageError(`the tag "${safeLine(long.slice(0, 20))}…" is too long; keep tags to a word or two`);
  return tags;
}

function checkTime(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined || seconds > MAX_TIME_SEC) {
    throw new UsageError(`--time "${safeLine(value)}" is not a time limit; write it like 90s, 2m or 1m30s (at most 60m)`);
  }
  return seconds;
}

/** Tags in the spelling the deck already uses ("Behavioural" → "behavioural" when the deck says so). */
function deckSpelling(ctx: Context, tags: readonly string[]): string[] {
  const known = new Map(ctx.deckTags.map((t) => [normalizeTag(t), t]));
  return tags.map((t) => known.get(normalizeTag(t)) ?? t);
}

async function askTags(ctx: Context, prompter: Prompter): Promise<string[]> {
  const offered = ctx.deckTags.length > 0 ? ctx.deckTags : TAG_SUGGESTIONS;
  const picked = await prompter.checkbox({
    message: ctx.deckTags.length > 0 ? 'Tags (Space to pick tags already in the deck, Enter when done):' : 'Tags (Space to pick, Enter when done):',
    choices: offered.map((tag) => ({ value: tag, name: safeLine(tag) })), // deck tags come from files: neutralised before display
  });
  const typed = await prompter.input({ message: 'Other tags (comma-separated, Enter for none):' });
  return deckSpelling(ctx, splitTags([...picked, typed]));
}

async function askTime(tags: readonly string[], prompter: Prompter): Promise<number | undefined> {
  const fallback = defaultTimeLimit(tags).seconds;
  const answer = await prompter.input({
    message: 'Time limit to say it in:',
    default: formatDuration(fallback),
    validate: (v) => {
      const s = parseDuration(v);
      return s !== undefined && s <= MAX_TIME_SEC ? true : 'Write a time like 90s, 2m or 1m30s (at most 60m).';
    },
  });
  const seconds = parseDuration(answer)!;
  return seconds === fallback ? undefined : seconds;
}

// ---------------------------------------------------------------------------------------------
// Duplicates

/** A similar question in the deck: warn, then go on only with --force (or, when asked, a yes). */
async function acceptDuplicate(ctx: Context, question: string, prompter: Prompter | undefined): Promise<boolean> {
  const similar = findSimilarQuestion(question, ctx.existing);
  if (!similar) return true;
  const where = `${displayPath(path.join(ctx.deckDir, similar.match.file), ctx.io.cwd)}:${similar.match.line}`;
  const same = normalizeQuestion(question) === normalizeQuestion(similar.match.question);
  const warning = `${same ? 'This question is already in the deck' : 'A very similar question is already in the deck'}: ${safeLine(where)} "${safeLine(similar.match.question)}"`;
  if (ctx.options.force) {
    ctx.io.stderr.write(`${ctx.c.yellow('warning')}: ${warning}; adding it anyway (--force).\n`);
    return true;
  }
  if (prompter) {
    ctx.io.stderr.write(`${ctx.c.yellow('warning')}: ${warning}.\n`);
    if (await prompter.confirm({ message: 'Add it anyway?', default: false })) return true;
    ctx.io.stderr.write(`Nothing was added; edit the existing answer in ${safeLine(where)}.\n`);
    return false;
  }
  ctx.io.stderr.write(`prep: ${warning}; edit that file, or pass --force to add this one anyway.\n`);
  return false;
}

// ---------------------------------------------------------------------------------------------
// The answer

/** The answer from --answer-file (a path, or "-" for stdin) or from stdin. */
async function readAnswer(ctx: Context, stdin: NodeJS.ReadableStream): Promise<string> {
  const source = ctx.options.answerFile;
  let bytes: Uint8Array;
  let name: string;
  if (source === undefined || source === '-') {
    name = 'the answer on stdin';
    bytes = await readAll(stdin, MAX_ANSWER_FILE_BYTES + 1);
  } else {
    const file = path.resolve(ctx.io.cwd, source);
    name = displayPath(file, ctx.io.cwd);
    try {
      if (!statSync(file).isFile()) throw new UsageError(`--answer-file ${safeLine(source)} is not a file; pass the file that holds your answer`);
      bytes = readFileSync(file);
    } catch (error) {
      if (error instanceof PrepError) throw error;
      throw new UsageError(`cannot read --answer-file ${safeLine(source)} (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the path`);
    }
  }
  const decoded = decodeAnswerFile(bytes);
  if (!decoded.ok) throw new UsageError(`${safeLine(name)} ${decoded.message.replace(/^file /, '')}`);
  if (readFrontMatter(decoded.text).ok && /^---\s*\n/.test(decoded.text)) {
    throw new UsageError(`${safeLine(name)} starts with front matter (---); pass only the answer text, or copy a whole answer file into the deck folder yourself`);
  }
  return decoded.text;
}

async function readAll(stream: NodeJS.ReadableStream, limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks.push(buffer);
    size += buffer.length;
    if (size >= limit) break;
  }
  return Buffer.concat(chunks);
}

function draftOf(meta: Meta, sections: AnswerDraft['sections']): AnswerDraft {
  return { question: meta.question, tags: meta.tags, company: meta.company, ...(meta.timeSec !== undefined ? { timeSec: meta.timeSec } : {}), sections };
}

function fromAnswerText(meta: Meta, answer: string): { meta: Meta; content: string } {
  return { meta, content: serializeAnswer(draftOf(meta, { answer: answer.trim() })) };
}

/** The answer written in the user's editor, or typed at a multi-line prompt. undefined: the user chose to save nothing. */
async function writeAnswer(ctx: Context, meta: Meta, prompter: Prompter): Promise<{ meta: Meta; content: string } | undefined> {
  const kind = answerKind(meta.question, meta.tags);
  const limit = meta.timeSec ?? defaultTimeLimit(meta.tags).seconds;
  if (editorCommand(ctx.io.env) === undefined) {
    ctx.io.stderr.write(`No editor is set ($VISUAL or $EDITOR), so type the answer here.\n`);
    const keyPoints = await prompter.multiline({ message: 'Key points, one per line (optional):' });
    const answer = await prompter.multiline({ message: kind === 'behavioural' ? 'Your answer (Situation, Task, Action, Result, Reflection):' : 'Your answer:' });
    const points = keyPoints
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .map((l) => (/^([-*+]|\d+[.)])\s/.test(l) ? l : `- ${l}`))
      .join('\n');
    const content = serializeAnswer(draftOf(meta, { keyPoints: points, answer: answer.trim() }));
    return (await confirmIfEmpty(content, prompter)) ? { meta, content } : undefined;
  }
  return editDraft(ctx, meta, kind, limit, prompter);
}

/** The template, for the user's editor: front matter, a first hint, and the sections for this kind. */
function editorTemplate(meta: Meta, kind: AnswerKind, limitSec: number): string {
  return `${serializeAnswer(draftOf(meta, {}))}\n${templateIntro()}\n\n${templateBody(kind, limitSec)}`;
}

async function editDraft(ctx: Context, meta: Meta, kind: AnswerKind, limit: number, prompter: Prompter): Promise<{ meta: Meta; content: string } | undefined> {
  const dir = mkdtempSync(path.join(ctx.io.tmpdir ?? tmpdir(), 'prep-add-'));
  const file = path.join(dir, `${slugify(meta.question)}.md`);
  const template = editorTemplate(meta, kind, limit);
  writeFileSync(file, template, { mode: 0o600 });
  let keep = false;
  const kept = () => {
    keep = true;
    return `your draft is kept in ${file}`;
  };
  try {
    for (;;) {
      const result = await openInEditor(file, ctx.io.env);
      let edited = '';
      try {
        edited = readFileSync(file, 'utf8');
      } catch {
        // the editor removed it: treated as empty
      }
      const cleaned = cleanDraft(edited);
      const changed = cleaned !== '' && cleaned !== cleanDraft(template);
      if (!result.ok) {
        throw new PrepError(`${result.error ?? 'the editor failed'}, so nothing was saved in the deck${changed ? `; ${kept()}` : ''}`);
      }
      if (cleaned === '') throw new PrepError('the answer file came back empty, so nothing was saved; run `prep add` again to start over');

      const problem = draftProblem(cleaned, path.basename(file));
      if (problem) {
        ctx.io.stderr.write(`${ctx.c.red('error')}: ${safeLine(problem)}\n`);
        if (await prompter.confirm({ message: 'Open the editor again to fix it?', default: true })) continue;
        throw new PrepError(`the draft has a problem, so nothing was saved in the deck; ${kept()}, fix it and run \`prep add\` again`);
      }
      const card = parseAnswerFile(cleaned, path.basename(file)).cards[0]!;
      const edits: Meta = { question: card.question, tags: card.tags, company: card.company, timeSec: undefined };
      if (normalizeQuestion(card.question) !== normalizeQuestion(meta.question) && !(await acceptDuplicate(ctx, card.question, prompter))) {
        throw new PrepError(`nothing was saved in the deck; ${kept()}`);
      }
      if (!(await confirmIfEmpty(cleaned, prompter))) return undefined;
      return { meta: edits, content: cleaned };
    }
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

/** Why a draft cannot be saved, as `line N: message`; undefined when it is fine. */
function draftProblem(text: string, name: string): string | undefined {
  const parsed = parseAnswerFile(text, name);
  const error = parsed.problems.find((p) => p.severity === 'error');
  if (error) return `line ${error.line}: ${error.message}`;
  if (!readFrontMatter(text).ok || parsed.cards.length !== 1 || !/^---\s*\n/.test(text)) {
    return 'the draft must keep its front matter with `question:` and hold one question; put the question back between the --- lines';
  }
  return undefined;
}

/** An empty answer makes a "to prepare" card, only when the user says so. */
async function confirmIfEmpty(content: string, prompter: Prompter): Promise<boolean> {
  const card = parseAnswerFile(content, 'draft.md').cards[0];
  if (!card || !isToPrepare(card)) return true;
  return prompter.confirm({ message: 'The answer is empty. Save the question as a card to prepare later?', default: false });
}

// ---------------------------------------------------------------------------------------------
// Saving and reporting

async function finish(ctx: Context, meta: Meta, content: string, interactive: boolean): Promise<number> {
  const { io, options, c } = ctx;
  const slug = slugify(meta.question);
  const check = parseAnswerFile(content, `${slug}.md`);
  const error = check.problems.find((p) => p.severity === 'error');
  if (error || check.cards.length !== 1) {
    throw new PrepError(`the answer file would not load (line ${error?.line ?? 1}: ${error?.message ?? 'no single question'}); nothing was saved, please report this with the answer text`);
  }

  if (options.dryRun) {
    const rel = path.relative(ctx.deckDir, predictAnswerFile(ctx.deckDir, slug)).split(path.sep).join('/');
    const card = parseAnswerFile(content, rel).cards[0]!;
    if (options.json) printJson(io, { ...summarizeCard(card), dryRun: true, content });
    else {
      io.stdout.write(safeText(content));
      io.stderr.write(`Dry run: nothing was written; this would be saved as ${safeLine(displayPath(path.join(ctx.deckDir, rel), io.cwd))}.\n`);
    }
    return 0;
  }

  const created = !existsSync(ctx.deckDir);
  mkdirSync(ctx.deckDir, { recursive: true });
  const deckReal = realpathSync(ctx.deckDir);
  const written = createAnswerFile(folderInsideDeck(ctx.deckDir), slug, content);
  const rel = path.relative(deckReal, written).split(path.sep).join('/');
  const shown = safeLine(displayPath(path.join(ctx.deckDir, rel), io.cwd));

  // Read it back with the loader `prep check` uses.
  const readBack = readAnswerFile(deckReal, rel);
  const card = readBack.cards[0];
  const problems: Problem[] = readBack.problems.filter((p) => p.severity === 'error');
  if (!card || problems.length > 0) {
    io.stderr.write(`prep: saved ${shown}, but it does not load (line ${problems[0]?.line ?? 1}: ${safeLine(problems[0]?.message ?? 'no question')}); fix it in the file, then run \`prep check\`.\n`);
    return 1;
  }

  if (options.json) {
    printJson(io, summarizeCard(card));
    if (isToPrepare(card) && !interactive) io.stderr.write(`No answer given, so this is a card to prepare; write the answer in ${shown}.\n`);
    return 0;
  }
  const lines: string[] = [];
  if (created) lines.push(`Created the deck folder ${safeLine(displayPath(ctx.deckDir, io.cwd))}.`);
  if (slug !== path.basename(rel, '.md')) lines.push(`${slug}.md already exists, so the answer was saved under a new name.`);
  lines.push(`${c.green('Saved')} ${shown}`);
  lines.push(spokenLine(card, c, !interactive));
  const deckFlag = options.deck !== undefined ? ` --deck ${quoteArg(options.deck)}` : '';
  lines.push(isToPrepare(card) ? `When it is written, rehearse it with: prep drill${deckFlag}` : `Rehearse it with: prep drill${deckFlag}`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function spokenLine(card: Card, c: ReturnType<typeof paint>, scripted: boolean): string {
  const limit = formatDuration(card.timeLimitSec);
  if (isToPrepare(card)) {
    const why = scripted ? 'No answer yet (none on stdin or from --answer-file)' : 'No answer yet';
    return c.yellow(`${why}, so this is a card to prepare (limit ${limit}); write the answer in the file when you are ready.`);
  }
  const version = versionForLimit(card);
  if (!version) return `Time limit: ${limit}.`;
  const spoken = card.sections[version]!.spokenSec;
  const which = version === 'answer' ? '' : ` (${version} version)`;
  if (spoken <= card.timeLimitSec) return `Spoken length: about ${formatDuration(spoken)}${which}, within the ${limit} limit.`;
  return c.yellow(`Spoken length: about ${formatDuration(spoken)}${which}, over the ${limit} limit; add a short version or raise \`time:\` in the file.`);
}

/** The name `createAnswerFile` would pick now: `<slug>.md`, else `<slug>-2.md`, … */
function quoteArg(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${safeLine(value).replace(/'/g, `'\\''`)}'`;
}
