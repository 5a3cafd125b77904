/**
 * Guarantee 6: terminal safety. Card text (questions, answers, tags, companies, ids, file names)
 * containing escape sequences, C1 controls, BEL, backspace, carriage return or bidi overrides is
 * shown harmlessly (caret notation, <U+XXXX>) by list, check, drill, stats, add and import; the
 * only escape sequences that reach the terminal are prep's own, from the exact sets below.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeLine, safeText } from '../../src/ui/sanitize.js';
import { assertBuilt, runPrep, runPrepPty, tempDir, writeTree, type RunResult } from '../fixtures/hostile/harness.js';

/** Everything a hostile note might use to take over a terminal. */
const EVIL_PARTS = {
  title: '\x1b]0;pwned\x07', // OSC: retitle the window
  clipboard: '\x1b]52;c;cGF5bG9hZA==\x07', // OSC 52: write the clipboard
  link: '\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\', // OSC 8 hyperlink, ST-terminated
  clear: '\x1b[2J', // CSI: clear the screen
  colour: '\x1b[31m', // CSI: a colour that is not prep's
  report: '\x1b[6n', // CSI: ask the terminal to type into stdin
  dcs: '\x1bP$q"p\x1b\\', // DCS
  c1csi: '\x9b2J', // C1 CSI
  c1osc: '\x9d0;c1pwned\x9c', // C1 OSC … ST
  nel: '\x85',
  bell: '\x07',
  backspace: 'abc\x08\x08\x08XYZ',
  carriage: 'visible\rHIDDEN',
  del: '\x7f',
  bidi: '\u202eevil\u202c\u2066iso\u2069\u200f',
} as const;
const EVIL = Object.values(EVIL_PARTS).join(' ');

/** Prep's own colours: SGR with numeric parameters. */
const SGR = /\x1b\[[0-9;]*m/y;
/** What drill adds for its full-screen view (src/commands/drill.ts): alternate screen, cursor show/hide,
 * home, absolute row, erase to end of line and of screen, save/restore cursor. Nothing else. */
const DRILL_CONTROLS = [SGR, /\x1b\[\?1049[hl]/y, /\x1b\[\?25[hl]/y, /\x1b\[H/y, /\x1b\[\d{1,4};1H/y, /\x1b\[K/y, /\x1b\[J/y, /\x1b[78]/y];
/** Characters that must never reach the terminal raw (after prep's own sequences are removed). */
const FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\x1b|\r(?![\r\n])/g;

/** Every ESC starts an allowed sequence, and nothing else dangerous is left. Returns the offending bits, with context. */
function violations(output: string, allowed: RegExp[] = [SGR]): string[] {
  const found: string[] = [];
  let rest = '';
  for (let i = 0; i < output.length; ) {
    if (output[i] === '\x1b') {
      const match = allowed.map((re) => ((re.lastIndex = i), re.exec(output))).find((m) => m !== null);
      if (match) {
        i += match[0].length;
        continue;
      }
    }
    rest += output[i];
    i++;
  }
  for (const m of rest.matchAll(FORBIDDEN)) found.push(JSON.stringify(rest.slice(Math.max(0, m.index - 20), m.index + 20)));
  return found;
}

function expectSafe(result: Pick<RunResult, 'all'> | string, allowed?: RegExp[]): void {
  const output = typeof result === 'string' ? result : result.all;
  expect(violations(output, allowed)).toEqual([]);
}

const yamlString = (s: string) => JSON.stringify(s).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

let dir: string;
let deck: string;

beforeAll(() => {
  assertBuilt();
  dir = tempDir('terminal');
  deck = path.join(dir, 'answers');
  writeTree(deck, {
    'evil.md': [
      '---',
      `question: ${yamlString(`Why ${EVIL} us?`)}`,
      `tags: [${yamlString(`tag ${EVIL}`)}, behavioural]`,
      `company: ${yamlString(`Acme ${EVIL}`)}`,
      'time: 2m',
      '---',
      '## Key points',
      `- point ${EVIL}`,
      '',
      '## Short version',
      `short ${EVIL}`,
      '',
      '## Full version',
      `full ${EVIL}`,
      '',
      '## Follow-up questions',
      `- follow ${EVIL}?`,
      '',
    ].join('\n'),
    // Raw control characters in a heading question and its answer.
    'raw.md': `# Raw ${EVIL} question\n\nanswer ${EVIL}\n\n<!-- comment ${EVIL} -->\n`,
    // The same hostile id twice: the duplicate-id error quotes it.
    'ids.md': `# First\n<!-- id: x${EVIL_PARTS.title} -->\nOne.\n\n# Second\n<!-- id: x${EVIL_PARTS.title} -->\nTwo.\n`,
    // Close enough to a plain question for add's similar-question warning to quote it.
    'conflict.md': `---\nquestion: ${yamlString(`Tell me about a conflict at work ${EVIL_PARTS.c1csi}${EVIL_PARTS.bell}`)}\n---\nA\n`,
    // A hostile file name with a hostile bad value: check prints both.
    [`name-${EVIL_PARTS.title}${EVIL_PARTS.clear}.md`]: `---\nquestion: Named\ntime: ${yamlString(EVIL)}\n---\nA\n`,
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COLOUR = { FORCE_COLOR: '1' };
const PLAIN = { NO_COLOR: '1' };

describe('sanitize', () => {
  it('leaves no control character, bidi override or raw ESC in any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expect(violations(safeLine(s), [])).toEqual([]);
        expect(safeLine(s)).not.toContain('\n');
        expect(violations(safeText(s), [])).toEqual([]);
      }),
      { numRuns: 1000 },
    );
    expect(safeLine(EVIL_PARTS.title)).toBe('^[]0;pwned^G');
    expect(safeLine(EVIL_PARTS.c1csi)).toBe('<U+009B>2J');
    expect(safeLine('visible\rHIDDEN')).toBe('visible^MHIDDEN');
    expect(safeLine('\u202eevil')).toBe('<U+202E>evil');
    expect(safeText('a\nb\tc')).toBe('a\nb    c');
    expect(safeLine('普通话 and émojis 🙂 stay')).toBe('普通话 and émojis 🙂 stay');
  });
});

describe('commands print hostile card text harmlessly', () => {
  for (const [name, env] of [
    ['with colour', COLOUR],
    ['without colour', PLAIN],
  ] as const) {
    it(`prep list ${name}`, () => {
      const r = runPrep(['list'], { cwd: dir, env });
      expect(r.status).toBe(0);
      expectSafe(r);
      expect(r.stdout).toContain('^[]0;pwned^G');
      expect(r.stdout).toContain('<U+009B>2J');
      if (name === 'with colour') expect(r.stdout).toMatch(/\x1b\[\d+m/); // the test would see prep's colours
    });

    it(`prep check ${name}`, () => {
      const r = runPrep(['check'], { cwd: dir, env });
      expect(r.status).toBe(1);
      expectSafe(r);
      expect(r.stdout).toContain('name-^[]0;pwned^G^[[2J.md'); // the file name, neutralised
      expect(r.stdout).toMatch(/id "x\^\[\]0;pwned\^G" is already used/);
    });
  }

  it('--json output escapes every control and bidi character and round-trips the exact text', () => {
    for (const args of [['list', '--json'], ['check', '--json']]) {
      const r = runPrep(args, { cwd: dir, env: COLOUR });
      expectSafe(r.stdout, []);
      expect(r.stdout).toMatch(/\\u001b\]0;pwned\\u0007/);
      if (args[0] === 'list') {
        const cards = JSON.parse(r.stdout) as { question: string; tags: string[]; company: string }[];
        expect(cards.map((c) => c.question)).toContain(`Why ${EVIL} us?`);
      }
    }
  });

  it('prep add shows a hostile question, tag, company and answer harmlessly (dry run, json, and the similar-question warning)', () => {
    const question = `Why ${EVIL} us now?`;
    const args = ['add', '-q', question, '-t', 'evil', '-c', `Acme ${EVIL_PARTS.title}`, '-f', '-', '--dry-run'];
    for (const env of [COLOUR, PLAIN]) {
      const r = runPrep(args, { cwd: dir, env, input: `My answer ${EVIL}\n` });
      expectSafe(r);
      expect(r.all).toContain('^[]0;pwned^G');
    }
    const json = runPrep([...args, '--json'], { cwd: dir, env: COLOUR, input: `My answer ${EVIL}\n` });
    expectSafe(json.stdout, []);
    expectSafe(json.stderr);
    // Adding the hostile question again quotes the existing one in a warning.
    const again = runPrep(['add', '-q', 'Tell me about a conflict at work', '-f', '-', '--dry-run'], { cwd: dir, env: COLOUR, input: 'x\n' });
    expectSafe(again);
    expect(again.stderr).toMatch(/already in the deck.*conflict at work <U\+009B>2J\^G/);
  });

  it('prep import shows hostile notes harmlessly', () => {
    const notes = path.join(dir, 'notes.md');
    writeFileSync(notes, `# Imported ${EVIL} question?\n\nanswer ${EVIL}\n\n# Second ${EVIL_PARTS.clear} one?\n\nmore\n`);
    for (const env of [COLOUR, PLAIN]) {
      const r = runPrep(['import', notes, '--dry-run'], { cwd: dir, env });
      expectSafe(r);
      expect(r.all).toContain('<U+202E>evil');
      expect(r.all).toContain('Second ^[[2J one?');
    }
    const json = runPrep(['import', notes, '--dry-run', '--json'], { cwd: dir, env: COLOUR });
    expectSafe(json.stdout, []);
  });

  it('prep drill (in a pseudo-terminal) and then prep stats show hostile cards harmlessly', { timeout: 90_000 }, async () => {
    const t = await runPrepPty(['drill', '--cram', '--tag', 'behavioural'], { cwd: dir, env: COLOUR, cols: 200, rows: 50 });
    await t.waitFor(/pwned/, 'the hostile question');
    t.type(' ');
    await t.waitFor(/4 Easy/, 'the grade keys');
    t.type('3');
    await t.waitFor(/Session|graded|done|Nothing/i, 'the end of the session');
    t.type('q');
    const { exitCode } = await t.exited;
    expect(exitCode).toBe(0);
    expectSafe(t.raw(), DRILL_CONTROLS);
    expect(t.raw()).toContain('^[]0;pwned^G');
    expect(t.raw()).toContain('point ^[]0;pwned^G'); // key points, neutralised

    for (const env of [COLOUR, PLAIN]) {
      const stats = runPrep(['stats'], { cwd: dir, env });
      expect(stats.status).toBe(0);
      expectSafe(stats);
      expect(stats.all).toContain('pwned');
    }
    expectSafe(runPrep(['stats', '--json'], { cwd: dir, env: COLOUR }).stdout, []);
  });

  it('command-line errors echo hostile arguments harmlessly', () => {
    for (const args of [['list', `--${EVIL_PARTS.title}`], [`lis${EVIL_PARTS.clear}`], ['list', '--tag'], ['drill', '--limit', EVIL_PARTS.c1csi], ['add', '--time', EVIL, '-q', 'Q?', '--dry-run']]) {
      const r = runPrep(args, { cwd: dir, env: COLOUR });
      expect(r.status, args.join(' ')).toBe(2);
      expectSafe(r);
    }
  });

  it('the checker itself catches a raw sequence (so the tests above can fail)', () => {
    expect(violations(`ok \x1b[1mbold\x1b[22m ${EVIL_PARTS.title}`)).not.toEqual([]);
    expect(violations('\x1b[2J', DRILL_CONTROLS)).not.toEqual([]);
    expect(violations('\x9b2J')).not.toEqual([]);
    expect(violations('a\rb')).not.toEqual([]);
    expect(violations('\u202e')).not.toEqual([]);
    expect(violations('\x1b[1mok\x1b[22m\r\n', DRILL_CONTROLS)).toEqual([]);
  });
});
