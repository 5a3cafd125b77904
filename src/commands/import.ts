/**
 * `prep import FILE…`: turn interview notes into answer files, one per question.
 *
 * Reads every file first (a missing one is a usage error before anything is written), finds the
 * questions (src/import), skips those already in the deck or earlier in this import, and writes
 * each new card with serializeAnswer after checking that the deck's own parser reads it back to
 * the same question and sections. Files are created exclusively inside the deck; nothing is
 * overwritten. Text that belongs to no question is reported with file:line, never dropped silently,
 * and so is a title-like line the importer kept inside the answer above it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { summarizeCard, type CardSummary, type SectionName, SECTION_NAMES } from '../core/card.js';
import { PrepError, UsageError } from '../core/errors.js';
import { findSimilarQuestion } from '../core/similarity.js';
import { slugify } from '../core/slug.js';
import { formatDuration } from '../core/text.js';
import { normalizeTag } from '../core/time-limits.js';
import { importNotes, type NotesLine } from '../import/index.js';
import { decodeNotes } from '../import/decode.js';
import { parseAnswerFile } from '../markdown/parse.js';
import { serializeAnswer } from '../markdown/serialize.js';
import { splitTagList } from '../core/tags.js';
import { createAnswerFile, folderInsideDeck, predictAnswerFile } from '../store/answer-writer.js';
import { loadDeck } from '../store/deck-files.js';
import { displayPath, findDeck } from '../store/paths.js';
import { safeLine } from '../ui/sanitize.js';
import { renderTable } from '../ui/table.js';
import { truncate } from '../ui/width.js';
import { paint } from '../ui/paint.js';
import { printJson, printLines, type CommandIO } from './io.js';

export interface ImportOptions {
  files: string[];
  into?: string;
  tag?: string[];
  company?: string;
  dryRun?: boolean;
  json?: boolean;
  deck?: string;
}

/** One card `import` creates (or would create); printed by --json. */
export interface ImportedCard {
  question: string;
  /** Answer file, relative to the deck, forward slashes. */
  file: string;
  source: { file: string; line: number };
  tags: string[];
  company: string | null;
  versions: CardSummary['versions'];
  spokenSec: CardSummary['spokenSec'];
  sections: SectionName[];
  status: CardSummary['status'];
  written: boolean;
}

interface Skipped {
  source: string;
  line: number;
  question: string;
  reason: string;
}

interface Unplaced {
  source: string;
  lines: NotesLine[];
}

/** Title-like lines the importer kept inside the answer above them, in cards this import makes. */
interface Kept {
  source: string;
  lines: Array<NotesLine & { question: string }>;
}

interface Plan {
  card: ImportedCard;
  slug: string;
  text: string;
}

export async function run(options: ImportOptions, io: CommandIO): Promise<number> {
  const files = options.files ?? [];
  if (files.length === 0) throw new UsageError('name the notes to import, e.g. `prep import notes.md`');
  const flagTags = options.tag === undefined ? undefined : splitTagList(options.tag);
  if (flagTags !== undefined && flagTags.length === 0) throw new UsageError('--tag is empty; give a tag name, e.g. --tag behavioural');
  const flagCompany = options.company === undefined ? undefined : options.company.replace(/\s+/gu, ' ').trim();
  if (flagCompany === '') throw new UsageError('--company is empty; give the company name, e.g. --company Acme');

  // Every file is checked before anything is read or written.
  const sources = files.map((file) => {
    const absolute = path.resolve(io.cwd, file);
    if (!existsSync(absolute)) throw new UsageError(`${file} does not exist; check the path of the notes to import`);
    if (statSync(absolute).isDirectory()) throw new UsageError(`${file} is a folder; name the notes files inside it, e.g. prep import ${path.join(file, `*${notesExtension(absolute)}`)}`);
    return { file, absolute, shown: displayPath(absolute, io.cwd) };
  });

  const { deckDir } = findDeck({ deck: options.deck, cwd: io.cwd, env: io.env, mustExist: false });
  if (existsSync(deckDir) && !statSync(deckDir).isDirectory()) {
    throw new UsageError(`${displayPath(deckDir, io.cwd)} is a file, not a folder; --deck takes the folder that holds your answer files`);
  }
  const into = options.into ?? '';
  checkInto(into);
  const deckExists = existsSync(deckDir);
  const targetDir = deckExists ? folderInsideDeck(deckDir, into) : path.resolve(deckDir, into);
  const existing = deckExists ? loadDeck(deckDir).cards : [];

  const c = paint(io.term);
  const plans: Plan[] = [];
  const skipped: Skipped[] = [];
  const unplaced: Unplaced[] = [];
  const kept: Kept[] = [];
  const taken = new Set<string>();
  let readable = 0;
  let found = 0;

  for (const source of sources) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(source.absolute);
    } catch (error) {
      io.stderr.write(`prep: ${safeLine(source.shown)} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); check that you may read it\n`);
      continue;
    }
    const decoded = decodeNotes(bytes);
    if (!decoded.ok) {
      io.stderr.write(`prep: ${safeLine(source.shown)}:${decoded.line}: ${decoded.message}\n`);
      continue;
    }
    readable++;
    const notes = importNotes(decoded.text);
    found += notes.questions.length;
    if (notes.unplaced.length > 0) unplaced.push({ source: source.shown, lines: notes.unplaced });
    const planned: typeof notes.questions = [];

    for (const q of notes.questions) {
      const inDeck = findSimilarQuestion(q.question, existing);
      if (inDeck) {
        skipped.push({ source: source.shown, line: q.line, question: q.question, reason: `already in the deck as ${inDeck.match.file}:${inDeck.match.line}` });
        continue;
      }
      const earlier = findSimilarQuestion(q.question, plans.map((p) => p.card));
      if (earlier) {
        const e = earlier.match.source;
        skipped.push({ source: source.shown, line: q.line, question: q.question, reason: `same question as ${e.file}:${e.line} earlier in this import` });
        continue;
      }
      const tags = flagTags ?? q.tags;
      const company = flagCompany ?? q.company;
      const text = serializeAnswer({ question: q.question, tags: [...new Set(tags.map(normalizeTag))], company, timeSec: q.timeSec, sections: q.sections });
      const slug = slugify(q.question);
      const file = path.relative(deckDir, predictAnswerFile(targetDir, slug, taken)).split(path.sep).join('/');
      const parsed = parseAnswerFile(text, file);
      const card = parsed.cards[0];
      if (parsed.cards.length !== 1 || !card || !sameCard(card, q.question, q.sections)) {
        // Should not happen; if it does, the text is reported rather than written wrongly.
        unplaced.push({ source: source.shown, lines: q.lines.map((line) => ({ line, text: `(not imported: prep could not write this answer faithfully) ${q.question}` })).slice(0, 1) });
        continue;
      }
      const summary = summarizeCard(card);
      plans.push({
        slug,
        text,
        card: {
          question: card.question,
          file,
          source: { file: source.shown, line: q.line },
          tags: card.tags,
          company: card.company,
          versions: summary.versions,
          spokenSec: summary.spokenSec,
          sections: SECTION_NAMES.filter((name) => card.sections[name] !== undefined),
          status: summary.status,
          written: false,
        },
      });
      planned.push(q);
    }
    // Only for the cards this import makes: a skipped question's answer is not imported at all.
    const keptLines = notes.keptInAnswers.filter((k) => planned.some((q) => q.lines.includes(k.line)));
    if (keptLines.length > 0) kept.push({ source: source.shown, lines: keptLines });
  }
  if (readable === 0) throw new PrepError(`none of the notes could be read; save ${files.length === 1 ? 'the file' : 'them'} as UTF-8 text and try again`);

  if (!options.dryRun && plans.length > 0) {
    mkdirSync(deckDir, { recursive: true });
    const dir = folderInsideDeck(deckDir, into);
    for (const plan of plans) {
      const written = createAnswerFile(dir, plan.slug, plan.text);
      plan.card.file = path.relative(deckDir, written).split(path.sep).join('/');
      plan.card.written = true;
    }
  }

  const report = reportLines(skipped, unplaced, kept, c);
  if (options.json) {
    printJson(io, plans.map((p) => p.card));
    if (report.length > 0) io.stderr.write(`${report.join('\n')}\n`);
  } else {
    const deckShown = displayPath(targetDir, io.cwd);
    const lines: string[] = [];
    if (plans.length > 0) {
      const verb = options.dryRun ? 'Would create' : 'Created';
      lines.push(`${verb} ${plans.length} answer file${plans.length === 1 ? '' : 's'} in ${safeLine(deckShown)}${options.dryRun ? ' (dry run: nothing was written)' : ''}:`, '');
      lines.push(...previewTable(plans.map((p) => p.card), io.term.columns, c), '');
      const meta = metaSummary(plans.map((p) => p.card));
      if (meta) lines.push(meta, '');
    } else if (found > 0) {
      lines.push('Nothing new to import: every question is already in the deck.', '');
    }
    if (report.length > 0) lines.push(...report, '');
    if (plans.length > 0 && !options.dryRun) lines.push('Next: `prep check` to review them, `prep drill` to rehearse.');
    if (plans.length > 0 && options.dryRun) lines.push('Run the same command without --dry-run to write them.');
    printLines(io, trimBlank(lines));
  }
  if (found === 0) {
    io.stderr.write(
      `prep: found no questions in ${sources.map((s) => safeLine(s.shown)).join(', ')}; write each question as a heading, a line ending in "?", a "Q:" line or a numbered question list (see \`prep import --help\`)\n`,
    );
    return 1;
  }
  return 0;
}

/** The extension most notes in `dir` have (.md, .markdown or .txt), for the example in an error. */
function notesExtension(dir: string): string {
  const counts = new Map<string, number>();
  for (const name of readdirSync(dir)) {
    const ext = path.extname(name).toLowerCase();
    if (['.md', '.markdown', '.txt'].includes(ext)) counts.set(ext, (counts.get(ext) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '.md';
}

function checkInto(into: string): void {
  if (path.isAbsolute(into) || into.split(/[\\/]/u).some((part) => part === '..' || part.startsWith('.'))) {
    throw new UsageError(`--into ${into} is outside the deck folder; give a folder inside the deck, e.g. --into acme`);
  }
}

/** Letters and digits only, comments removed: what must survive the round trip. */
function fingerprint(markdown: string | undefined): string {
  return (markdown ?? '').replace(/<!--[\s\S]*?-->/gu, '').replace(/[^\p{L}\p{N}]+/gu, '');
}

function sameCard(card: { question: string; sections: Partial<Record<SectionName, { markdown: string }>> }, question: string, sections: Partial<Record<SectionName, string>>): boolean {
  if (card.question !== question.replace(/\s+/gu, ' ').trim()) return false;
  return SECTION_NAMES.every((name) => fingerprint(card.sections[name]?.markdown) === fingerprint(sections[name]));
}

function previewTable(cards: ImportedCard[], width: number, c: ReturnType<typeof paint>): string[] {
  const rows = cards.map((card) => {
    const main = card.versions.length > 0 ? Math.max(...card.versions.map((v) => card.spokenSec[v] ?? 0)) : undefined;
    return [
      safeLine(card.question),
      main === undefined ? '—' : formatDuration(main),
      card.status === 'to-prepare' ? 'to prepare' : card.versions.join(', '),
      safeLine(card.file),
    ];
  });
  return renderTable(
    [{ header: 'Question', flexible: true }, { header: 'Answer', align: 'right' }, { header: 'Versions', drop: 1 }, { header: 'File', max: 48, drop: 2 }],
    rows,
    width,
    (column, text, row) => (column === 2 && cards[row]!.status === 'to-prepare' ? c.yellow(text) : text),
    (text) => c.bold(text),
    { minFlexible: 24 },
  );
}

function metaSummary(cards: ImportedCard[]): string | undefined {
  const count = (values: string[]) => {
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts].map(([v, n]) => `${safeLine(v)} (${n})`).join(', ');
  };
  const companies = cards.flatMap((c) => (c.company ? [c.company] : []));
  const tags = cards.flatMap((c) => c.tags);
  const parts = [];
  if (companies.length > 0) parts.push(`company ${count(companies)}`);
  if (tags.length > 0) parts.push(`tags ${count(tags)}`);
  return parts.length > 0 ? `With ${parts.join('; ')}.` : undefined;
}

function reportLines(skipped: Skipped[], unplaced: Unplaced[], kept: Kept[], c: ReturnType<typeof paint>): string[] {
  const lines: string[] = [];
  if (skipped.length > 0) {
    lines.push(`Skipped ${skipped.length} question${skipped.length === 1 ? '' : 's'} (already in the deck, or asked twice in these notes):`);
    for (const s of skipped) lines.push(`  ${c.bold(safeLine(`${s.source}:${s.line}`))}: ${safeLine(clip(s.question, 60))} (${safeLine(s.reason)})`);
    lines.push('');
  }
  const total = unplaced.reduce((n, u) => n + u.lines.length, 0);
  if (total > 0) {
    lines.push(`Could not place ${total} line${total === 1 ? '' : 's'} (text under no question; not imported, still in your notes):`);
    for (const u of unplaced) {
      for (const range of ranges(u.lines)) {
        const where = range.first === range.last ? `${u.source}:${range.first}` : `${u.source}:${range.first}-${range.last}`;
        lines.push(`  ${c.bold(safeLine(where))}: ${safeLine(clip(range.text, 60))}`);
      }
    }
    lines.push('');
  }
  const keptTotal = kept.reduce((n, k) => n + k.lines.length, 0);
  if (keptTotal > 0) {
    const one = keptTotal === 1;
    lines.push(
      `Kept ${keptTotal} title-like line${one ? '' : 's'} inside ${one ? 'an answer' : 'answers'} (if ${one ? 'it is a question' : 'one is a question'} of its own, put two blank lines before it or make it a heading, then import again):`,
    );
    for (const k of kept) {
      for (const l of k.lines) lines.push(`  ${c.bold(safeLine(`${k.source}:${l.line}`))}: ${safeLine(clip(l.text, 40))} (in "${safeLine(clip(l.question, 50))}")`);
    }
  }
  return trimBlank(lines);
}

/** Consecutive line numbers together: 3,4,5 → 3-5. */
function ranges(lines: NotesLine[]): { first: number; last: number; text: string }[] {
  const out: { first: number; last: number; text: string }[] = [];
  for (const l of lines) {
    const last = out.at(-1);
    if (last && l.line === last.last + 1) last.last = l.line;
    else out.push({ first: l.line, last: l.line, text: l.text });
  }
  return out;
}

/** One line of at most `columns` terminal columns (Chinese counts double). */
function clip(text: string, columns: number): string {
  return truncate(text.replace(/\s+/gu, ' '), columns);
}

function trimBlank(lines: string[]): string[] {
  const out = [...lines];
  while (out.length > 0 && out.at(-1) === '') out.pop();
  return out;
}
