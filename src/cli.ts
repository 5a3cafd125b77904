/**
 * The `prep` command line. Defines commands and options, loads each command's module only when
 * it runs (start-up stays fast), and is the one place that turns errors into exit codes:
 * 0 ok, 1 failure or problems found, 2 usage error. Ctrl-C is not a failure.
 */
import { Command, CommanderError, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { PrepError, UsageError } from './core/errors.js';
import { processIO, type CommandIO } from './commands/io.js';
import type { DeckProbe } from './store/deck-probe.js';
import { safeText } from './ui/sanitize.js';

type Runner = (options: never, io: CommandIO) => Promise<number>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A parser for a whole-number option of at least `min`, e.g. `--limit 10`. */
const wholeNumber = (name: string, min: number, example: number) => (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`${name} takes a whole number of ${min} or more, not "${value}"; for example ${name} ${example}`);
  return Number(value);
};

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/**
 * Ctrl-C is not a failure. drill and add handle it themselves (save, restore the terminal);
 * for the other commands every write is already complete when it returns, so stopping is safe.
 */
function stopQuietlyOnCtrlC(): void {
  process.once('SIGINT', () => {
    process.stderr.write('\nStopped.\n');
    process.exit(0);
  });
}

interface ActionOptions {
  /** drill and add: they handle Ctrl-C themselves (save, restore the terminal). */
  handlesCtrlC?: boolean;
  /** list, stats, check: done once their output is written (see exitWhenWritten). */
  exitWhenWritten?: boolean;
}

/** Runs a command module's `run` and records its exit code. */
function action(load: () => Promise<{ run: Runner }>, prepare: (...args: unknown[]) => unknown = (opts) => opts, options: ActionOptions = {}) {
  return async (...args: unknown[]) => {
    if (!options.handlesCtrlC) stopQuietlyOnCtrlC();
    const { run } = await load();
    const io = processIO(earlyProbe);
    process.exitCode = await run(prepare(...args) as never, io);
    if (options.exitWhenWritten) await exitWhenWritten(io.stderrUsed() ? [process.stdout, process.stderr] : [process.stdout]);
  };
}

/**
 * Ends the process as soon as everything written to `streams` has reached them. A command that has
 * printed its result and has nothing open has no use for what Node does before exiting on its own:
 * waiting for V8's background tasks (optimising compiles of the command's loops) and running the
 * ones they leave (a last garbage collection), 10–15 ms of a warm `stats` at 10,000 cards.
 */
async function exitWhenWritten(streams: readonly NodeJS.WriteStream[]): Promise<void> {
  // An empty write's callback runs once everything before it is flushed (pipes are asynchronous on macOS and Windows).
  await Promise.all(streams.map((stream) => new Promise<void>((resolve) => stream.write('', () => resolve()))));
  process.exit();
}

export function buildProgram(): Command {
  const program = new Command('prep')
    .description('Rehearse interview answers out loud, on time, with spaced repetition.')
    .version(pkg.version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false })
    // Commander echoes unknown options and arguments; neutralise control characters in them.
    .configureOutput({ outputError: (text, write) => write(safeText(text)) })
    .addHelpText(
      'after',
      `${examples('prep list', 'prep drill', 'prep drill --tag behavioural --cram', 'prep add', 'prep stats', 'prep import notes.md --dry-run', 'prep check')}
Answers live in ./answers (or the nearest answers/ folder above, or --deck DIR).
Progress is kept in .prep/ beside that folder; your answer files are never changed by drill, stats, list or check.`,
    );

  const deckOption = () => new Option('-d, --deck <dir>', 'folder of answer files (default: nearest answers/)');
  const progressOption = () => new Option('-p, --progress <file>', 'progress file (default: .prep/progress.json beside the deck)');
  const tagOption = (what: string) => new Option('-t, --tag <tag>', `${what} (repeat for several)`).argParser(collect);
  const companyOption = (what: string) => new Option('-c, --company <name>', what);
  const jsonOption = () => new Option('--json', 'print JSON for scripts');

  program
    .command('drill')
    .description('rehearse due answers: question, live timer, reveal, self-grade')
    .addOption(tagOption('only cards with this tag'))
    .addOption(companyOption('only cards for this company'))
    .addOption(new Option('-n, --limit <n>', 'at most this many cards this session').argParser(wholeNumber('--limit', 1, 5)))
    .addOption(new Option('--new <n>', 'new cards allowed today (default 10)').argParser(wholeNumber('--new', 0, 5)))
    .addOption(new Option('--max-reviews <n>', 'reviews allowed today (default 100)').argParser(wholeNumber('--max-reviews', 0, 50)))
    .addOption(new Option('--time <seconds>', 'time limit for every card, overriding the files').argParser(wholeNumber('--time', 1, 90)))
    .addOption(new Option('--cram', 'rehearse every matching card now, whatever the schedule'))
    .addOption(new Option('--shuffle', 'random order'))
    .addOption(new Option('--seed <n>', 'seed for --shuffle, to repeat an order (implies --shuffle)').argParser(wholeNumber('--seed', 0, 42)))
    .addOption(new Option('--type', 'type your answer; prep checks which key points you covered'))
    .addOption(new Option('--retention <r>', 'desired retention, 0.7 to 0.99 (default 0.9)'))
    .addOption(deckOption())
    .addOption(progressOption())
    .addHelpText(
      'after',
      `
Keys: Enter/Space reveal · 1 Again · 2 Hard · 3 Good · 4 Easy · Enter accept suggested grade
      s skip · u undo last grade · e edit the card in $EDITOR · q quit (Ctrl-C also saves and quits)
      --type: type the answer, Enter checks it, Tab skips; the keys above work after the reveal
Every grade is saved before the next question. A day starts at 4 a.m. --cram records reviews but
keeps the schedule, except for cards that are really due (those are reviewed normally).
${examples('prep drill', 'prep drill --tag behavioural --limit 5', 'prep drill --company Acme --cram', 'prep drill --type --time 90', 'prep drill --shuffle --seed 7')}`,
    )
    .action(action(() => import('./commands/drill.js'), undefined, { handlesCtrlC: true }));

  program
    .command('add')
    .description('write a new answer file (interactive, or from flags and stdin)')
    .addOption(new Option('-q, --question <text>', 'the interview question (skips the prompts)'))
    .addOption(tagOption('tag for the answer'))
    .addOption(companyOption('company the question is for'))
    .addOption(new Option('--time <duration>', 'time limit, e.g. 90s or 2m (default: from the tags)'))
    .addOption(new Option('-f, --answer-file <file>', 'read the answer from this file ("-" for stdin)'))
    .addOption(new Option('--dry-run', 'print the file instead of writing it'))
    .addOption(new Option('--force', 'add even when a similar question exists'))
    .addOption(jsonOption())
    .addOption(deckOption())
    .addHelpText(
      'after',
      examples(
        'prep add',
        'prep add -q "Tell me about a conflict at work" -t behavioural < answer.md',
        'prep add -q "How does a B-tree index work?" -t technical --time 3m -f btree.md',
        'prep add -q "Why Acme?" -c Acme --dry-run',
      ),
    )
    .action(action(() => import('./commands/add.js'), undefined, { handlesCtrlC: true }));

  program
    .command('list')
    .description('show the deck: questions, tags, time limits, versions, spoken length')
    .addOption(tagOption('only cards with this tag'))
    .addOption(companyOption('only cards for this company'))
    .addOption(jsonOption())
    .addOption(deckOption())
    .addHelpText('after', examples('prep list', 'prep list --tag behavioural', 'prep list --json | jq ".[].question"'))
    .action(action(() => import('./commands/list.js'), undefined, { exitWhenWritten: true }));

  program
    .command('stats')
    .description('weakest answers, what is due, review history')
    .addOption(new Option('-n, --limit <n>', 'rows in the weakest-questions table (default 10)').argParser(wholeNumber('--limit', 1, 20)))
    .addOption(tagOption('only cards with this tag'))
    .addOption(companyOption('only cards for this company'))
    .addOption(new Option('--since <date>', 'only reviews on or after this date (YYYY-MM-DD)'))
    .addOption(jsonOption())
    .addOption(deckOption())
    .addOption(progressOption())
    .addHelpText('after', examples('prep stats', 'prep stats --tag behavioural --limit 5', 'prep stats --since 2026-11-01 --json'))
    .action(action(() => import('./commands/stats.js'), undefined, { exitWhenWritten: true }));

  program
    .command('check')
    .description('find problems in answer files (exit 1 if any is an error)')
    .addOption(jsonOption())
    .addOption(deckOption())
    .addOption(progressOption())
    .addHelpText('after', examples('prep check', 'prep check --deck ~/interview/answers', 'prep check --json'))
    .action(action(() => import('./commands/check.js'), undefined, { exitWhenWritten: true }));

  program
    .command('import')
    .description('turn existing interview notes into answer files')
    .argument('<files...>', 'notes to import (markdown or plain text)')
    .addOption(new Option('--into <dir>', 'folder to write to, inside the deck (default: the deck)'))
    .addOption(tagOption('tag for every imported card'))
    .addOption(companyOption('company for every imported card'))
    .addOption(new Option('--dry-run', 'show what would be created; write nothing'))
    .addOption(jsonOption())
    .addOption(deckOption())
    .addHelpText('after', examples('prep import notes.txt --dry-run', 'prep import star-story.md --tag behavioural', 'prep import interview.txt --company Acme --into acme'))
    .action(action(() => import('./commands/import.js'), (files, opts) => ({ ...(opts as object), files })));

  return program;
}

/** find, started by boot.ts for the deck the command line names, before this module was even loaded. */
let earlyProbe: DeckProbe | undefined;

export async function main(argv: string[] = process.argv, probe?: DeckProbe): Promise<void> {
  earlyProbe = probe;
  // A reader that stops early (`prep list --json | head`) is not a failure: stop quietly.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  const program = buildProgram();
  const args = argv.slice(2);
  // Bare `prep` asks what prep can do: the help, on stdout, exit 0 (commander would print it as an error).
  if (args.length === 0) {
    program.outputHelp();
    return;
  }
  // `prep help nosuch`: commander would show the general help and exit 0, as if nosuch were known.
  if (args[0] === 'help' && args[1] !== undefined && !args[1].startsWith('-') && !program.commands.some((c) => c.name() === args[1] || c.aliases().includes(args[1]!))) {
    process.stderr.write(`error: unknown command '${safeText(args[1])}'; the commands are ${program.commands.map((c) => c.name()).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  program.exitOverride();
  // Subcommands copy settings when created, so they need it too: a bad option must exit 2, not 1.
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeFor(error);
  } finally {
    probe?.cancel(); // not adopted (a usage error, say): no need to wait for it
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (unknown option, missing argument, …).
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof Error && error.name === 'ExitPromptError') {
    process.stderr.write('Cancelled; nothing was written.\n');
    return 0;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`prep: ${safeText(error.message)}\n`);
    return 2;
  }
  if (error instanceof PrepError) {
    process.stderr.write(`prep: ${safeText(error.message)}\n`);
    return 1;
  }
  const err = error as Error;
  process.stderr.write(`prep: unexpected error: ${safeText(err?.message ?? String(error))}\n${err?.stack ?? ''}\nPlease report this; your answer files and progress were not changed by it.\n`);
  return 1;
}

