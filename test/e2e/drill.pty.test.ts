/**
 * `prep drill` end to end: the real built binary in a pseudo-terminal on a temporary deck.
 * No timed assertions: every step waits for the text it expects (a hang fails by the wait timeout in test/helpers/pty.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readProgress } from '../../src/store/progress.js';
import { assertBuilt, inheritedEnv, PREP_BIN as BIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';
import { ANSI, startPty, type PtySession } from '../helpers/pty.js';

let dir: string;
let deck: string;
let progressFile: string;

/** process.env without colour settings, PREP_DECK or an editor; a 256-colour terminal in UTC. */
const env = (extra: Record<string, string> = {}): Record<string, string> =>
  inheritedEnv({ TERM: 'xterm-256color', TZ: 'UTC', ...extra }, ['NO_COLOR', 'FORCE_COLOR', 'PREP_DECK', 'VISUAL', 'EDITOR']);

/** `prep drill --deck <deck> ...args` in a pseudo-terminal, or with `shell`, that command line run by /bin/sh. */
function drill(args: string[] = [], opts: { shell?: string; env?: Record<string, string> } = {}): PtySession {
  const options = { cwd: dir, env: env(opts.env), strip: ANSI };
  return opts.shell ? startPty('/bin/sh', ['-c', opts.shell], options) : startPty(process.execPath, [BIN, 'drill', '--deck', deck, ...args], options);
}

function card(file: string, question: string, time: string, answer: string) {
  writeFileSync(path.join(deck, file), `---\nquestion: "${question}"\ntags: [behavioural]\ntime: ${time}\n---\n\n## Key points\n\n- ${answer.split(' ').slice(0, 2).join(' ')}\n\n## Answer\n\n${answer}\n`);
}

beforeAll(() => assertBuilt('the end-to-end tests'));

beforeEach(() => {
  dir = tempDir('drill');
  deck = path.join(dir, 'answers');
  mkdirSync(deck);
  card('a-conflict.md', 'Tell me about a conflict', '30s', 'Listened first, then agreed on data to decide.');
  card('b-failure.md', 'Tell me about a failure', '30s', 'Missed a deadline, told the team early, fixed the plan.');
  card('c-why.md', 'Why this company', '30s', 'Product I use daily and a team I can learn from.');
  progressFile = path.join(dir, '.prep', 'progress.json');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('prep drill in a terminal', () => {
  it('shows the question, runs the timer, reveals, grades, quits, and the review is on disk', async () => {
    const t = drill();
    await t.waitFor(/Tell me about a conflict/);
    await t.waitFor(/#behavioural {2}limit 30s/);
    await t.waitFor(/0:01 \/ 0:30/);
    await t.waitFor(/0:02 \/ 0:30/); // the timer moves in place
    t.type(' ');
    await t.waitFor(/Took 0:0\d of 0:30: within time/);
    await t.waitFor(/KEY POINTS/);
    await t.waitFor(/Listened first, then agreed/);
    await t.waitFor(/1 Again \S+ +2 Hard \S+ +3 Good \S+ +4 Easy \S+/);
    t.type('4');
    await t.waitFor(/Tell me about a failure/);
    t.type('q');
    await t.waitFor(/Session stopped: 1 card graded/);
    await t.waitFor(/Easy 1/);
    expect((await t.exited).exitCode).toBe(0);

    const data = readProgress(progressFile);
    expect(data.reviews).toHaveLength(1);
    expect(data.reviews[0]).toMatchObject({ cardId: expect.stringContaining('conflict'), grade: 4, timeLimitSec: 30, mode: 'scheduled', typed: false });
    expect(data.reviews[0]!.elapsedMs).toBeGreaterThanOrEqual(2000);
    expect(data.cards[data.reviews[0]!.cardId]!.memory.phase).toBe('review');
    expect(existsSync(`${progressFile}.lock`)).toBe(false);
  });

  it('keeps the history of a card whose question is edited and then an id: is added (README tutorial, step 5)', async () => {
    const first = drill();
    await first.waitFor(/Tell me about a conflict/);
    first.type(' ');
    await first.waitFor(/3 Good/);
    first.type('4');
    await first.waitFor(/Tell me about a failure/);
    first.type('q');
    expect((await first.exited).exitCode).toBe(0);
    // New wording first, then an id (the derived id "a-conflict" is gone and the question is new).
    card('a-conflict.md', 'Describe a disagreement with a colleague', '30s', 'Listened first, then agreed on data to decide.');
    writeFileSync(path.join(deck, 'a-conflict.md'), readFileSync(path.join(deck, 'a-conflict.md'), 'utf8').replace('---\n', '---\nid: conflict-story\n'));
    const check = spawnSync(process.execPath, [BIN, 'check', '--deck', deck], { cwd: dir, env: env(), encoding: 'utf8' });
    expect(check.stdout).toMatch(/history of card "a-conflict" .*reattaches it to card "conflict-story", now the only card in a-conflict\.md/);
    const second = drill();
    await second.waitFor(/Tell me about a failure/); // the Easy card is not due again today
    second.type('q');
    expect((await second.exited).exitCode).toBe(0);
    const data = readProgress(progressFile);
    expect(Object.keys(data.cards)).toEqual(['conflict-story']);
    expect(data.reviews.map((r) => [r.cardId, r.grade])).toEqual([['conflict-story', 4]]);
    expect(data.log.find((entry) => entry.type === 'reattached')).toMatchObject({ from: 'a-conflict', to: 'conflict-story', reason: 'same-file' });
  });

  it('Ctrl-C saves what was graded, restores the terminal and exits 0 with a one-line summary', async () => {
    const t = drill([], { shell: `"${process.execPath}" "${BIN}" drill --deck "${deck}"; echo "exit=$?"; stty -a` });
    await t.waitFor(/Tell me about a conflict/);
    t.type('\r');
    await t.waitFor(/3 Good/);
    t.type('3');
    await t.waitFor(/Tell me about a failure/);
    t.type('\x03');
    await t.waitFor(/Stopped: 1 grade saved/);
    await t.waitFor(/exit=0/);
    await t.waitFor(/\n.*(-?icanon)/);
    await t.exited;
    const raw = t.raw();
    const lastEnter = raw.lastIndexOf('\x1b[?1049h');
    expect(raw.indexOf('\x1b[?1049l', lastEnter)).toBeGreaterThan(lastEnter); // alternate screen left
    expect(raw.indexOf('\x1b[?25h', lastEnter)).toBeGreaterThan(lastEnter); // cursor shown
    const stty = raw.slice(raw.indexOf('exit=0')).replace(ANSI, '');
    expect(stty).toMatch(/(^|\s)icanon/); // raw mode is off again
    expect(stty).toMatch(/(^|\s)echo(\s|$)/);
    expect(readProgress(progressFile).reviews).toHaveLength(1);
  });

  it('SIGKILL after grading N cards leaves N reviews in a valid progress file', async () => {
    const t = drill(['--new', '3']);
    for (const [i, next] of [/conflict/, /failure/, /company/].entries()) {
      await t.waitFor(next);
      if (i === 2) break;
      t.type(' ');
      await t.waitFor(/4 Easy/);
      t.type(String(2 + i)); // Hard, then Good
    }
    // The third question is on screen, so both grades were acknowledged before it was drawn.
    t.pty.kill('SIGKILL');
    await t.exited;
    const data = readProgress(progressFile);
    expect(data.reviews.map((r) => r.grade)).toEqual([2, 3]);
    // The lock left by the killed process is recovered by the next drill.
    const again = drill(['--cram']);
    await again.waitFor(/prep drill · 1\//);
    again.type('q');
    expect((await again.exited).exitCode).toBe(0);
  });

  it('undo takes the last grade back on disk too', async () => {
    const t = drill();
    await t.waitFor(/conflict/);
    t.type(' ');
    await t.waitFor(/4 Easy/);
    t.type('3');
    await t.waitFor(/failure/);
    t.type('u');
    await t.waitFor(/Undid the last grade/);
    t.type('q');
    await t.waitFor(/0 cards graded/);
    expect((await t.exited).exitCode).toBe(0);
    expect(readProgress(progressFile).reviews).toHaveLength(0);
  });

  it('a second drill on the same progress gets the lock message and exits 1', async () => {
    const first = drill();
    await first.waitFor(/conflict/);
    const second = drill();
    await second.waitFor(/in use by another prep/);
    expect((await second.exited).exitCode).toBe(1);
    first.type('q');
    expect((await first.exited).exitCode).toBe(0);
  });

  it('with nothing due, says when the next card is due and suggests --cram', async () => {
    const t = drill(['--new', '0']);
    await t.waitFor(/Nothing is due right now/);
    await t.waitFor(/prep drill --cram/);
    expect((await t.exited).exitCode).toBe(0);
  });

  it('PREP_NOW sets where the session clock starts (scheduling, due dates); the timer still runs in real time', async () => {
    const pinned = '2031-03-09T22:30:00Z'; // 06:30 on 10 March in Shanghai
    const t = drill([], { env: { PREP_NOW: pinned, TZ: 'Asia/Shanghai' } });
    await t.waitFor(/conflict/);
    await t.waitFor(/0:01 \/ 0:30/);
    t.type(' ');
    await t.waitFor(/4 Easy/);
    t.type('4');
    await t.waitFor(/failure/);
    t.type('q');
    const nextDue = await t.waitFor(/Next card due in \S+ \([^)]*\)/);
    expect((await t.exited).exitCode).toBe(0);
    const data = readProgress(progressFile);
    const review = data.reviews[0]!;
    // Graded after the timer showed 0:01, well within the session's deadline.
    expect(review.at.getTime()).toBeGreaterThanOrEqual(Date.parse(pinned) + 1000);
    expect(review.at.getTime()).toBeLessThan(Date.parse(pinned) + 60_000);
    const due = data.cards[review.cardId]!.memory.due;
    expect(due.getTime()).toBeGreaterThan(Date.parse(pinned) + 86_400_000);
    // The end screen names the day in the terminal's time zone, as Intl does.
    const day = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', weekday: 'short', day: 'numeric', month: 'short' }).format(due);
    expect(nextDue).toContain(`(${day})`);
  });

  it('typing mode checks the typed answer against the key points', async () => {
    const t = drill(['--type', '--limit', '1']);
    await t.waitFor(/Type your answer/);
    t.type('I listened first to both');
    await t.waitFor(/listened first to both/);
    t.type('\r');
    await t.waitFor(/KEY POINTS · 1 of 1 covered/);
    await t.waitFor(/YOU TYPED/);
    t.type('\r'); // accept the suggestion
    // Good on a new card is a 10-minute learning step: the card comes back in this session (as in Anki).
    await t.waitFor(/prep drill · 2\/2 · learning step/);
    t.type('\t'); // Tab skips in typing mode
    await t.waitFor(/Session done: 1 card graded in \S+, 1 skipped/);
    expect((await t.exited).exitCode).toBe(0);
    expect(readProgress(progressFile).reviews[0]).toMatchObject({ typed: true, grade: 3 });
  });
});

describe('prep drill without a terminal', () => {
  it('exits 2 with a clear message instead of hanging', () => {
    const result = spawnSync(process.execPath, [BIN, 'drill', '--deck', deck], { cwd: dir, env: env(), input: '', encoding: 'utf8', timeout: 15_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/needs a terminal/);
    expect(existsSync(progressFile)).toBe(false);
  });
});
