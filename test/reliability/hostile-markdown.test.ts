/**
 * Guarantee 5: hostile markdown. Random and adversarial answer files never crash the loader with
 * an unexplained error, never hang, never run code and never pollute prototypes. Every bad file
 * becomes a `file:line: what is wrong` problem while the other files still load.
 *
 * Hangs are caught by timeouts on child processes and by vitest's test timeout; nothing here
 * asserts how fast anything is.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAnswerFile, MAX_ANSWER_FILE_BYTES } from '../../src/markdown/decode.js';
import { parseAnswerFile, type ParsedFile } from '../../src/markdown/parse.js';
import { loadDeck } from '../../src/store/deck-files.js';
import { answerFile, assertBuilt, REPO, runPrep, tempDir, writeTree } from '../fixtures/hostile/harness.js';

const enc = new TextEncoder();
const lineCount = (text: string) => text.split('\n').length;

/** Names and values of Object.prototype (and friends): any pollution changes this string. */
function prototypeFingerprint(): string {
  const describe = (o: object) =>
    Object.getOwnPropertyNames(o)
      .sort()
      .map((k) => `${k}:${typeof (Object.getOwnPropertyDescriptor(o, k)?.value ?? 'accessor')}`)
      .join(',');
  return [Object.prototype, Array.prototype, String.prototype, Function.prototype].map(describe).join('|');
}
const PROTOTYPES_BEFORE = prototypeFingerprint();

function expectNoPollution(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(probe.isAdmin).toBeUndefined();
  expect(prototypeFingerprint()).toBe(PROTOTYPES_BEFORE);
}

/** The shape every parse result must have, whatever the input. */
function expectWellFormed(result: ParsedFile, text: string, file = 'f.md'): void {
  const lines = lineCount(text);
  for (const problem of result.problems) {
    expect(problem.file).toBe(file);
    expect(Number.isInteger(problem.line)).toBe(true);
    expect(problem.line).toBeGreaterThanOrEqual(1);
    expect(problem.line).toBeLessThanOrEqual(lines + 1);
    expect(['error', 'warning']).toContain(problem.severity);
    expect(problem.message.length).toBeGreaterThan(5);
    // A problem is explained: it never carries a raw stack or an internal "please report" fallback.
    expect(problem.message).not.toMatch(/please report|Maximum call stack|\bat .*\(.*:\d+:\d+\)/);
  }
  for (const card of result.cards) {
    expect(card.id).not.toBe('');
    expect(card.question.trim()).not.toBe('');
    expect(card.file).toBe(file);
    expect(Number.isFinite(card.timeLimitSec) && card.timeLimitSec > 0).toBe(true);
    expect(card.line).toBeGreaterThanOrEqual(1);
  }
  if (result.cards.length === 0) expect(result.problems.some((p) => p.severity === 'error')).toBe(true);
}

/** Bytes → text → cards, as the loader does it. */
function pipeline(bytes: Uint8Array, file = 'f.md'): ParsedFile {
  const decoded = decodeAnswerFile(bytes);
  if (!decoded.ok) return { cards: [], problems: [{ file, line: decoded.line, severity: 'error', message: decoded.message }] };
  return parseAnswerFile(decoded.text, file);
}

// Markdown-ish material: the constructs the parser cares about, plus hostile front matter.
const word = fc.constantFrom('answer', 'Situation', 'Key points', '完整版', '删减版', '回答思路', 'Follow-up questions', 'Short version', '**bold**', '`code`', '[x](y)', '你好', 'é', '\u202e', '\x1b[2J', '…', '');
const inline = fc.array(fc.oneof(word, fc.string({ maxLength: 8 })), { maxLength: 6 }).map((ws) => ws.join(' '));
const mdLine = fc.oneof(
  inline,
  inline.map((t) => `# ${t}`),
  inline.map((t) => `## ${t}`),
  fc.tuple(fc.integer({ min: 1, max: 7 }), inline).map(([n, t]) => `${'#'.repeat(n)} ${t}`),
  fc.tuple(fc.integer({ min: 0, max: 12 }), fc.constantFrom('- ', '* ', '+ ', '1. ', '> ', '2) '), inline).map(([n, m, t]) => `${' '.repeat(n)}${m}${t}`),
  fc.constantFrom('---', '***', '```', '~~~', '', '<!-- id: custom-id -->', '<!-- id: ../../x -->', '<div>', '| a | b |', '|---|---|', '    indented code', '===', '[ref]: http://x'),
);
const yamlKey = fc.constantFrom('question', 'tags', 'company', 'time', 'id', '__proto__', 'constructor', 'prototype', '<<', '"__proto__"', 'toString', 'hasOwnProperty', 'x');
const yamlValue = fc.constantFrom(
  '"Why?"', 'Tell me about yourself', '[a, b]', 'a, b', '90s', '2m', 'forever', '-5s', '', '~', 'null', '{polluted: yes}', '{isAdmin: true}',
  '&a [x, y]', '*a', '{<<: {polluted: 1}}', '!!js/function "function(){ globalThis.pwned = 1 }"', '!!js/undefined ""', '!!binary aGk=',
  '!!set {a, b}', '[[[[]]]]', '12345', '0x1F', '.inf', '2024-01-01', "'../../etc/passwd'", '|\n  multi\n  line',
);
const frontMatter = fc
  .tuple(
    fc.constantFrom('---', '---', '---yaml', '--- ', '---js', '---javascript', '---JavaScript', '--- js', '---json', '---coffee', '---constructor', '---__proto__', '---toString', '----'),
    fc.array(fc.tuple(yamlKey, yamlValue).map(([k, v]) => `${k}: ${v}`), { maxLength: 6 }),
    fc.boolean(),
  )
  .map(([open, lines, closed]) => [open, ...lines, ...(closed ? ['---'] : [])].join('\n'));
const markdownDoc = fc
  .tuple(fc.option(frontMatter, { nil: undefined }), fc.array(mdLine, { maxLength: 30 }))
  .map(([fm, lines]) => [...(fm === undefined ? [] : [fm]), ...lines].join('\n'));

describe('property: random input never throws and is always explained', () => {
  it('decodeAnswerFile on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        const decoded = decodeAnswerFile(bytes);
        if (decoded.ok) {
          expect(decoded.text).not.toContain('\r');
          expect(decoded.text).not.toContain('\0');
        } else {
          const newlines = bytes.filter((b) => b === 0x0a).length;
          expect(decoded.line).toBeGreaterThanOrEqual(1);
          expect(decoded.line).toBeLessThanOrEqual(newlines + 1);
          expect(decoded.message).toMatch(/;/); // what is wrong; what to do
        }
      }),
      { numRuns: 500 },
    );
  });

  it('invalid UTF-8 is reported on the line that holds it', () => {
    const badBytes = fc.constantFrom([0xff], [0xc0, 0xaf], [0xe0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xc3]);
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replace(/[\n\r\0]/g, '')), { minLength: 1, maxLength: 12 }), fc.nat(), badBytes, (lines, pick, bad) => {
        const at = pick % lines.length;
        const chunks = lines.map((l, i) => (i === at ? Uint8Array.from([...enc.encode(l), ...bad, 0x61]) : enc.encode(l)));
        const bytes = Uint8Array.from(chunks.flatMap((c, i) => [...c, ...(i < chunks.length - 1 ? [0x0a] : [])]));
        const decoded = decodeAnswerFile(bytes);
        expect(decoded.ok).toBe(false);
        if (!decoded.ok) expect(decoded.line).toBe(at + 1);
      }),
      { numRuns: 300 },
    );
  });

  it('parseAnswerFile on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 400 })), (text) => {
        const clean = text.replace(/\r\n?/g, '\n'); // what decode hands the parser
        expectWellFormed(parseAnswerFile(clean, 'f.md'), clean);
      }),
      { numRuns: 400 },
    );
    expectNoPollution();
  });

  it('markdown-ish documents with hostile front matter: no throw, no pollution, no code run', () => {
    fc.assert(
      fc.property(markdownDoc, (doc) => {
        const result = parseAnswerFile(doc, 'f.md');
        expectWellFormed(result, doc);
        expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
        expectNoPollution();
      }),
      { numRuns: 600 },
    );
  });

  it('CRLF and a BOM change nothing: same cards, same lines, same problems', () => {
    fc.assert(
      fc.property(markdownDoc, (doc) => {
        const lf = pipeline(enc.encode(doc));
        expect(pipeline(enc.encode(doc.replace(/\n/g, '\r\n')))).toEqual(lf);
        expect(pipeline(Uint8Array.from([0xef, 0xbb, 0xbf, ...enc.encode(doc)]))).toEqual(lf);
      }),
      { numRuns: 200 },
    );
  });

  it('loadDeck on random folders of random files accounts for every file and never throws', () => {
    const fileName = fc.constantFrom('a.md', 'b.markdown', 'sub/c.md', 'sub/deeper/d.MD', 'e.txt', 'f.md', '.hidden/g.md', '空白.md', 'x y.md');
    const content = fc.oneof(markdownDoc.map((d) => enc.encode(d)), fc.uint8Array({ maxLength: 300 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(fileName, content), { maxLength: 6 }), (entries) => {
        const base = tempDir('prop-deck');
        const dir = path.join(base, 'answers'); // the parse cache goes to .prep/ beside it, inside base
        try {
          mkdirSync(dir);
          writeTree(dir, Object.fromEntries(entries));
          const deck = loadDeck(dir);
          const named = new Set([...deck.cards.map((c) => c.file), ...deck.problems.map((p) => p.file)]);
          const expected = new Set(entries.map(([n]) => n).filter((n) => /\.(md|markdown)$/i.test(n) && !n.startsWith('.')));
          expect(deck.files).toBe(expected.size);
          for (const file of expected) expect(named.has(file)).toBe(true);
          expect(new Set(deck.cards.map((c) => c.id)).size).toBe(deck.cards.length);
        } finally {
          rmSync(base, { recursive: true, force: true });
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('fixtures: adversarial files', () => {
  it('deeply nested lists, quotes and emphasis (10,000 levels) are refused or read, never a crash', { timeout: 120_000 }, () => {
    const deep = {
      lists: `# Q\n\n${'- '.repeat(10_000)}x\n`,
      quotes: `# Q\n\n${'> '.repeat(10_000)}x\n`,
      mixed: `# Q\n\n${'> - 1. '.repeat(3_400)}x\n`,
      indented: `# Q\n\n${Array.from({ length: 10_000 }, (_, i) => `${' '.repeat(Math.min(2 * i, 4000))}- x`).join('\n')}\n`,
      emphasis: `# Q\n\n${'*a '.repeat(10_000)}${' b*'.repeat(10_000)}\n`,
      images: `# Q\n\n${'!['.repeat(10_000)}${'](x)'.repeat(10_000)}\n`,
      brackets: `# Q\n\n${'['.repeat(200_000)}\n`,
      links: `# Q\n\n${'[a\n'.repeat(50_000)}`,
      underscores: `# Q\n\n${'_a '.repeat(5_000)}${' b_'.repeat(5_000)}\n`,
      notAFence: `# Q\n\n\`\`\` not\`a fence\n${'*a '.repeat(10_000)}${' b*'.repeat(10_000)}\n`,
    };
    for (const [name, text] of Object.entries(deep)) {
      let result: ParsedFile | undefined;
      expect(() => (result = parseAnswerFile(text, `${name}.md`)), name).not.toThrow();
      expectWellFormed(result!, text, `${name}.md`);
      expect(result!.problems[0]?.message, name).toMatch(/nested more than|paragraph has more than/);
    }
    // Real notes (a few levels, a few dozen bold phrases, a long code sample) are still read.
    const code = Array.from({ length: 400 }, (_, i) => `    my_var_${i} = some_func(a_b, c_d)  # [x]`).join('\n');
    const real = `# Q\n\n${Array.from({ length: 8 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n')}\n\n> > quoted\n\n${'**point** and '.repeat(40)}\n\n\`\`\`python\n${code}\n\`\`\`\n\n---\n\n${'_'.repeat(80)}\n`;
    const read = parseAnswerFile(real, 'real.md');
    expect(read.problems).toEqual([]);
    expect(read.cards[0]?.keyPoints).toEqual(['point']);
  });

  it('a 10 MB file is refused with a reason and the rest of the deck still loads', () => {
    const base = tempDir('big');
    const dir = path.join(base, 'answers');
    writeTree(dir, { 'big.md': `# Q\n${'lorem ipsum '.repeat(Math.ceil((10 * 1024 * 1024) / 12))}`, 'ok.md': answerFile('Why us?') });
    const deck = loadDeck(dir);
    expect(deck.cards.map((c) => c.question)).toEqual(['Why us?']);
    expect(deck.problems).toEqual([expect.objectContaining({ file: 'big.md', line: 1, severity: 'error', message: expect.stringMatching(/10\.0 MB.*limit/) })]);
    // Just over the limit: still refused.
    expect(decodeAnswerFile(new Uint8Array(MAX_ANSWER_FILE_BYTES + 1).fill(0x61)).ok).toBe(false);
    rmSync(base, { recursive: true, force: true });
  });

  it('binary files, NUL bytes, invalid UTF-8, BOM and CRLF', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    expect(pipeline(png, 'img.md').problems).toEqual([expect.objectContaining({ line: 3, message: expect.stringMatching(/binary/) })]);
    expect(pipeline(enc.encode('# Q\nfine\nbad\0byte\n')).problems[0]).toMatchObject({ line: 3, message: expect.stringMatching(/NUL/) });
    const latin1 = Uint8Array.from([...enc.encode('# Qué?\n\nCaf'), 0xe9, ...enc.encode('\n')]);
    expect(pipeline(latin1).problems[0]).toMatchObject({ line: 3, message: expect.stringMatching(/UTF-8.*0xe9/) });

    const lf = answerFile('Tell me about yourself', '## Short version\nI build things.\n\n## Full version\nLonger.');
    const viaLf = pipeline(enc.encode(lf));
    expect(viaLf.cards).toHaveLength(1);
    expect(pipeline(enc.encode(lf.replace(/\n/g, '\r\n')))).toEqual(viaLf);
    expect(pipeline(enc.encode(`\ufeff${lf}`))).toEqual(viaLf);
    expect(pipeline(enc.encode(`\ufeff${lf.replace(/\n/g, '\r\n')}`))).toEqual(viaLf);
    expect(pipeline(enc.encode(lf.replace(/\n/g, '\r')))).toEqual(viaLf); // old Mac line ends
  });

  describe('front matter written as JavaScript never runs', () => {
    const dir = tempDir('js');
    const marker = path.join(dir, 'PWNED');
    // Executed, this payload creates `marker`, sets a global and still yields a valid question.
    const payload = `{ question: (process.getBuiltinModule('fs').writeFileSync(${JSON.stringify(marker)}, 'x'), globalThis.pwned = 1, "Q") }`;
    const openers = ['---js', '---javascript', '---JavaScript', '--- js', '---JS ', '---  javascript'];
    const files = Object.fromEntries(openers.map((open, i) => [`js-${i}.md`, `${open}\n${payload}\n---\nAnswer.\n`]));

    it('the side effect is observable: plain gray-matter does run the payload', () => {
      const script = `require('gray-matter')(${JSON.stringify(files['js-0.md'])}); require('gray-matter')(${JSON.stringify(files['js-2.md'])}, {engines: {js: false}})`;
      const r = spawnSync(process.execPath, ['-e', script], { cwd: REPO, timeout: 20_000, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(existsSync(marker)).toBe(true);
      rmSync(marker);
    });

    it('prep refuses every spelling, in process and in the real binary', () => {
      for (const [name, text] of Object.entries(files)) {
        const result = parseAnswerFile(text, name);
        expect(result.cards).toEqual([]);
        expect(result.problems).toEqual([expect.objectContaining({ line: 1, severity: 'error', message: expect.stringMatching(/never run|must be YAML/) })]);
      }
      expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();

      assertBuilt();
      writeTree(path.join(dir, 'answers'), { ...files, 'ok.md': answerFile('Why us?') });
      const check = runPrep(['check'], { cwd: dir });
      expect(check.status).toBe(1);
      for (const name of Object.keys(files)) expect(check.stdout).toContain(`answers/${name}:1: error`);
      expect(runPrep(['list', '--json'], { cwd: dir }).stdout).toContain('Why us?');
      expect(existsSync(marker)).toBe(false);
    });

    it('js-yaml code types (!!js/function) are refused too', () => {
      const text = `---\nquestion: !!js/function "function () { globalThis.pwned = 1 }"\n---\nA\n`;
      const result = parseAnswerFile(text, 'f.md');
      expect(result.cards).toEqual([]);
      expect(result.problems[0]?.message).toMatch(/not valid YAML/);
      expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
  });

  it('YAML __proto__, constructor, prototype and << merge keys pollute nothing', () => {
    const hostile = [
      '__proto__: {polluted: yes}\nquestion: Q',
      '"__proto__": {polluted: yes}\nquestion: Q',
      'constructor: {prototype: {polluted: yes}}\nquestion: Q',
      'prototype: {polluted: yes}\nquestion: Q',
      '<<: {__proto__: {polluted: yes}}\nquestion: Q',
      'base: &b {__proto__: {isAdmin: true}, question: Q}\n<<: *b',
      'base: &b {polluted: yes}\n__proto__: *b\nquestion: Q',
      '<<: [{constructor: {prototype: {polluted: 1}}}, {question: Q}]',
      'question: Q\ntags: {__proto__: [polluted]}',
      'question: Q\ntags: [__proto__, constructor, prototype]',
      'question: Q\ncompany: {__proto__: {toString: 1}}',
      '? __proto__\n: {polluted: yes}\nquestion: Q',
    ];
    for (const yaml of hostile) {
      const result = parseAnswerFile(`---\n${yaml}\n---\nAnswer.\n`, 'f.md');
      expectWellFormed(result, yaml);
      expectNoPollution();
      for (const card of result.cards) {
        expect(card.question).toBe('Q');
        expect(Object.getPrototypeOf(card)).toBe(Object.prototype);
      }
    }
    // The plain tag names are just tags.
    expect(parseAnswerFile(`---\n${hostile[9]}\n---\nA\n`, 'f.md').cards[0]?.tags).toEqual(['__proto__', 'constructor', 'prototype']);
  });

  it('YAML bombs (billion laughs) finish with a clear error within a 96 MB heap', () => {
    assertBuilt();
    const levels = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    const bomb = [`a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`, ...levels.slice(1).map((l, i) => `${l}: &${l} [${Array(9).fill(`*${levels[i]}`).join(',')}]`)].join('\n');
    const dir = tempDir('bomb');
    writeTree(path.join(dir, 'answers'), {
      'question.md': `---\n${bomb}\nquestion: *i\n---\nA\n`,
      'tags.md': `---\n${bomb}\nquestion: Q1\ntags: *i\n---\nA\n`,
      'merge.md': `---\n${bomb}\nquestion: Q2\ncompany: {<<: [*i]}\n---\nA\n`,
      'time.md': `---\n${bomb}\nquestion: Q3\ntime: *i\n---\nA\n`,
      'id.md': `---\n${bomb}\nquestion: Q5\nid: *i\n---\nA\n`,
      'unused.md': `---\n${bomb}\nquestion: Q4\n---\nA\n`,
      'ok.md': answerFile('Why us?'),
    });
    for (const args of [['check'], ['check', '--json'], ['list'], ['list', '--json']]) {
      const r = runPrep(args, { cwd: dir, nodeArgs: ['--max-old-space-size=96', '--stack-size=900'], timeoutMs: 60_000 });
      expect(r.signal, `${args.join(' ')} was killed: ${r.stderr.slice(0, 300)}`).toBeNull();
      expect(r.stderr).not.toMatch(/heap out of memory|unexpected error/);
      expect(r.status).toBe(args[0] === 'check' ? 1 : 0);
    }
    const check = runPrep(['check'], { cwd: dir, timeoutMs: 60_000 });
    for (const name of ['question', 'tags', 'merge', 'time', 'id']) expect(check.stdout).toMatch(new RegExp(`answers/${name}\\.md:\\d+: error`));
    const listed = JSON.parse(runPrep(['list', '--json'], { cwd: dir }).stdout) as { question: string }[];
    expect(listed.map((c) => c.question).sort()).toEqual(['Q4', 'Why us?']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('symlink loops, links to devices, FIFOs and folders named *.md do not hang the loader', () => {
    assertBuilt();
    const dir = tempDir('links');
    const deck = path.join(dir, 'answers');
    writeTree(deck, { 'ok.md': answerFile('Why us?'), 'a/b/inner.md': answerFile('Inner?') });
    symlinkSync('.', path.join(deck, 'self-loop'));
    symlinkSync('..', path.join(deck, 'a', 'b', 'up'));
    symlinkSync('../..', path.join(deck, 'a', 'b', 'out-of-deck'));
    symlinkSync('loop.md', path.join(deck, 'loop.md'));
    symlinkSync('ping.md', path.join(deck, 'pong.md'));
    symlinkSync('pong.md', path.join(deck, 'ping.md'));
    symlinkSync('/dev/zero', path.join(deck, 'zero.md'));
    symlinkSync('/dev/urandom', path.join(deck, 'random.md'));
    symlinkSync('missing.md', path.join(deck, 'dangling.md'));
    mkdirSync(path.join(deck, 'folder.md'));
    const fifo = spawnSync('mkfifo', [path.join(deck, 'pipe.md')]);

    const r = runPrep(['check', '--json'], { cwd: dir, timeoutMs: 60_000 });
    expect(r.signal, 'prep check hung on links').toBeNull();
    const report = JSON.parse(r.stdout) as { cards: number; problems: { file: string; message: string }[] };
    expect(report.cards).toBe(2);
    for (const file of ['loop.md', 'ping.md', 'pong.md', 'dangling.md']) expect(report.problems.map((p) => p.file)).toContain(file);
    expect(report.problems.map((p) => p.file)).not.toContain('zero.md'); // devices are not answer files: skipped
    if (fifo.status === 0) expect(report.problems.map((p) => p.file)).not.toContain('pipe.md');
    rmSync(dir, { recursive: true, force: true });
  });

  it('unreadable files and folders are reported and the rest loads (as root: run prep as nobody)', () => {
    assertBuilt();
    const dir = tempDir('unreadable');
    const deck = path.join(dir, 'answers');
    writeTree(deck, { 'ok.md': answerFile('Why us?'), 'secret.md': answerFile('Hidden?'), 'locked/inner.md': answerFile('Inner?') });
    chmodSync(path.join(deck, 'secret.md'), 0o000);
    chmodSync(path.join(deck, 'locked'), 0o000);
    // chmod 000 does not stop root (CAP_DAC_OVERRIDE), so as root the binary runs as nobody (uid 65534).
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = runPrep(['check', '--json'], { cwd: dir, ...asNobody });
    chmodSync(path.join(deck, 'locked'), 0o755);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { cards: number; problems: { file: string; line: number; message: string }[] };
    expect(report.cards).toBe(1);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'secret.md', line: 1, message: expect.stringMatching(/cannot be read \(permission denied\)/) }),
        expect.objectContaining({ file: 'locked', message: expect.stringMatching(/cannot be read \(permission denied\)/) }),
      ]),
    );
    expect(r.status).toBe(1);
    rmSync(dir, { recursive: true, force: true });
  });
});

beforeAll(() => expectNoPollution());
afterAll(() => expectNoPollution());
