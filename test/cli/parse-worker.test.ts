/**
 * A cold load of a big deck parses in a worker thread with a capped young generation (peak RSS, see
 * `cachedByWorker` in src/store/deck-cache.ts), helped by a helper thread when there is a second
 * core. Through the real built binary: the workers are used only from WORKER_PARSE_FILES files to
 * parse, their cache serves the run that started them and the next, and whatever they do (helpers
 * failing included), the cards are those a parse in the main thread gives.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PREP_BIN, REPO, assertBuilt, inheritedEnv, runPrep } from '../helpers/cli.js';
import { tempDir, writeTree } from '../helpers/files.js';
import { ANSI, startPty } from '../helpers/pty.js';

const SPY = path.join(REPO, 'test', 'helpers', 'worker-spy.mjs');
const FILES = 520; // over the threshold of 500
let cwd: string;
let log: string;

function answerFile(i: number): string {
  const tag = ['behavioural', 'technical', 'motivation'][i % 3];
  const chinese = i % 4 === 0 ? '\n\n我负责把延迟降到一百毫秒以下。' : '';
  return `---\nquestion: "Question number ${i}?"\ntags: [${tag}]\ncompany: ${i % 5 === 0 ? 'Acme' : 'null'}\ntime: ${60 + (i % 3) * 30}\n---\n\nAnswer ${i}: situation, task, action, result.${chinese}\n`;
}

function writeDeck(count: number): void {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) files[`answers/group-${i % 7}/q-${String(i).padStart(4, '0')}.md`] = answerFile(i);
  files['answers/group-0/broken.md'] = '---\ntags: [unclosed\n---\n\nNo question here.\n';
  writeTree(cwd, files);
}

const prep = (args: string[], env: Record<string, string> = {}) => runPrep(args, { cwd, env: { PREP_TEST_WORKER_LOG: log, ...env }, nodeArgs: ['--import', SPY], timeoutMs: 60_000 });
type Started = { file: string; role: 'lead' | 'helper' | null; resourceLimits: Record<string, number> | null };
const workersStarted = (): Started[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Started) : []);
const leadsStarted = () => workersStarted().filter((w) => w.role === 'lead');
/** What prep starts on this machine: a helper when there is a second core. */
const HELPERS = Math.min(availableParallelism() - 1, 1);
const dropCache = () => rmSync(path.join(cwd, '.prep', 'cache'), { recursive: true, force: true });

let logs = 0;
const newLog = () => {
  log = path.join(cwd, `workers-${++logs}.jsonl`); // beside the deck folder, removed with it
};

beforeAll(() => assertBuilt());

describe('a cold load of a big deck', () => {
  let inMainThread: { stdout: string; check: string };
  let failedWorkers: number;
  beforeAll(() => {
    cwd = tempDir('parse-worker');
    writeDeck(FILES);
    // The reference: every file parsed in the main thread (each worker fails, so prep parses itself).
    newLog();
    const list = prep(['list', '--json'], { PREP_TEST_WORKER_FAIL: '1' });
    expect(list.code).toBe(0);
    dropCache();
    const check = prep(['check', '--json'], { PREP_TEST_WORKER_FAIL: '1' });
    inMainThread = { stdout: list.stdout, check: check.stdout };
    failedWorkers = leadsStarted().length;
    dropCache();
  });
  beforeEach(newLog);
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('falls back to parsing in the main thread when the worker fails', () => {
    expect(failedWorkers).toBe(2); // one per cold run, each failing
    const cards = JSON.parse(inMainThread.stdout) as { id: string; question: string; company: string | null }[];
    expect(cards).toHaveLength(FILES);
    expect(cards.find((c) => c.question === 'Question number 5?')?.company).toBe('Acme');
    expect(inMainThread.check).toContain('broken.md');
  });

  it('parses in one worker with a capped young generation and its helpers, and gives the same cards and problems', () => {
    const list = prep(['list', '--json']);
    expect(list.code).toBe(0);
    expect(list.stderr).toBe('');
    expect(list.stdout).toBe(inMainThread.stdout);
    const started = workersStarted();
    expect(started).toHaveLength(1 + HELPERS);
    for (const worker of started) expect(path.basename(worker.file)).toBe('parse-worker.js');
    expect(leadsStarted().map((w) => w.resourceLimits)).toEqual([{ maxYoungGenerationSizeMb: 12 }]);
    for (const helper of started.filter((w) => w.role === 'helper')) expect(helper.resourceLimits).toEqual({ maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 24 });
    // The worker wrote the cache: check reads it (no worker, no parse) and reports the same problems.
    expect(existsSync(path.join(cwd, '.prep', 'cache', 'deck-index'))).toBe(true);
    const check = prep(['check', '--json']);
    expect(check.stdout).toBe(inMainThread.check);
    expect(workersStarted()).toHaveLength(1 + HELPERS);
  });

  it('gives the same cards and problems when every helper fails: the worker parses their files', () => {
    dropCache();
    const list = prep(['list', '--json'], { PREP_TEST_WORKER_FAIL: 'helper' });
    expect(list.code).toBe(0);
    expect(list.stderr).toBe('');
    expect(list.stdout).toBe(inMainThread.stdout);
    expect(leadsStarted()).toHaveLength(1);
    expect(workersStarted()).toHaveLength(1 + HELPERS);
    const check = prep(['check', '--json']);
    expect(check.stdout).toBe(inMainThread.check);
    expect(workersStarted()).toHaveLength(1 + HELPERS); // the worker's cache serves the next run
  });

  it('parses a few changed files in the main thread', () => {
    writeFileSync(path.join(cwd, 'answers', 'group-1', 'q-0001.md'), answerFile(1).replace('Question number 1?', 'Question one, edited?'));
    const list = prep(['list', '--json']);
    expect(list.code).toBe(0);
    expect(workersStarted()).toHaveLength(0);
    expect(list.stdout).toContain('"Question one, edited?"');
    // contentHash covers the answer's text, not its question: only the question differs.
    expect(list.stdout).toBe(inMainThread.stdout.replace('"Question number 1?"', '"Question one, edited?"'));
  });

  it('starts a drill in a terminal through the worker, and reveals the answer from the cache it wrote', async () => {
    dropCache();
    const env = inheritedEnv({ TERM: 'xterm-256color', PREP_TEST_WORKER_LOG: log }, ['NO_COLOR', 'FORCE_COLOR', 'PREP_DECK', 'VISUAL', 'EDITOR']);
    const t = startPty(process.execPath, ['--import', SPY, PREP_BIN, 'drill', '--limit', '1'], { cwd, env, strip: ANSI, timeoutMs: 30_000 });
    const question = await t.waitFor(/Question number \d+\?/);
    t.type(' ');
    await t.waitFor(new RegExp(`Answer ${/\d+/.exec(question)![0]}: situation, task, action, result`));
    t.type('q');
    expect((await t.exited).exitCode).toBe(0);
    expect(leadsStarted()).toHaveLength(1);
  });

  it('serves a cold stats too', () => {
    dropCache();
    const stats = prep(['stats', '--json']);
    expect(stats.code).toBe(0);
    expect((JSON.parse(stats.stdout) as { overview: { cards: { total: number } } }).overview.cards.total).toBe(FILES);
    expect(leadsStarted()).toHaveLength(1);
  });
});
