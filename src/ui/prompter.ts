/**
 * The questions an interactive command asks, behind a small interface so that tests can answer
 * them from a script. The real one uses @inquirer/prompts (loaded only when a prompt is shown) and
 * node:readline for multi-line text. Cancelling (Ctrl-C) rejects with an error named
 * `ExitPromptError`, which src/cli.ts turns into "Cancelled; nothing was written." and exit 0.
 */
import { createInterface } from 'node:readline';

export interface Choice {
  value: string;
  name?: string;
  checked?: boolean;
}

export interface Prompter {
  /** One line of text. `validate` returns true, or the message to show. */
  input(options: { message: string; default?: string; validate?: (value: string) => true | string }): Promise<string>;
  confirm(options: { message: string; default?: boolean }): Promise<boolean>;
  /** Pick any number of choices; returns their values. */
  checkbox(options: { message: string; choices: readonly Choice[] }): Promise<string[]>;
  /** Several lines of text, ended by a line with a single "." or by end of input (Ctrl-D). */
  multiline(options: { message: string }): Promise<string>;
}

/** The error a cancelled prompt rejects with; named like @inquirer's so src/cli.ts maps both alike. */
export class PromptCancelled extends Error {
  override name = 'ExitPromptError';
  constructor() {
    super('cancelled by the user');
  }
}

export interface TerminalStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** Prompts on the terminal, through @inquirer/prompts. */
export function terminalPrompter(streams: TerminalStreams = { input: process.stdin, output: process.stdout }): Prompter {
  const context = { input: streams.input, output: streams.output };
  return {
    async input({ message, default: initial, validate }) {
      const { input } = await import('@inquirer/prompts');
      return input({ message, ...(initial !== undefined ? { default: initial } : {}), ...(validate ? { validate } : {}) }, context);
    },
    async confirm({ message, default: initial }) {
      const { confirm } = await import('@inquirer/prompts');
      return confirm({ message, ...(initial !== undefined ? { default: initial } : {}) }, context);
    },
    async checkbox({ message, choices }) {
      const { checkbox } = await import('@inquirer/prompts');
      return checkbox<string>(
        {
          message,
          choices: choices.map((c) => ({ value: c.value, name: c.name ?? c.value, checked: c.checked ?? false })),
          pageSize: 12,
        },
        context,
      );
    },
    multiline({ message }) {
      return readLines(streams, message);
    },
  };
}

function readLines(streams: TerminalStreams, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    streams.output.write(`${message}\n(finish with a line holding only a dot, or Ctrl-D on an empty line)\n`);
    const rl = createInterface({ input: streams.input, output: streams.output, terminal: (streams.input as { isTTY?: boolean }).isTTY === true, prompt: '> ' });
    const lines: string[] = [];
    let done = false;
    const finish = (cancelled: boolean) => {
      if (done) return;
      done = true;
      rl.close();
      if (cancelled) reject(new PromptCancelled());
      else resolve(lines.join('\n'));
    };
    rl.on('line', (line) => {
      if (line.trim() === '.') finish(false);
      else {
        lines.push(line);
        rl.prompt();
      }
    });
    rl.on('SIGINT', () => {
      streams.output.write('\n');
      finish(true);
    });
    rl.on('close', () => finish(false));
    rl.prompt();
  });
}
