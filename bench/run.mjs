// `npm run bench`: prep's performance against bare `node -e 0`, on synthetic decks and histories.
// Prints a table (each figure also as a ratio to the baseline, with the targets of issue 7) and
// writes bench/results.json. Environment: BENCH_RUNS (warm runs, default 15), BENCH_COLD_RUNS
// (cold runs, default 3), BENCH_SIZES (default 100,1000,10000), BENCH_KEEP=1 keeps the temp folder.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDeck, rng } from './lib/generate.mjs';
import { loadStore, reviewEvent, writeHistory } from './lib/store.mjs';

const repo = path.resolve(fileURLToPath(import.meta.url), '../..');

// 15: the speed of this kind of VM drifts by a fifth within minutes, and the ratios are to node -e 0 runs made in turns.
const WARM_RUNS = Number(process.env.BENCH_RUNS ?? 15);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 3);
const SIZES = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const BIG = Math.max(...SIZES);
const work = mkdtempSync(path.join(os.tmpdir(), 'prep-bench-'));
const rssPreload = path.join(repo, 'bench/lib/rss-preload.mjs');
const tracePreload = path.join(repo, 'bench/lib/trace-requires.cjs');
// A private copy of the build: a rebuild in the checkout during the run cannot change what is measured.
cpSync(path.join(repo, 'dist'), path.join(work, 'dist'), { recursive: true });
cpSync(path.join(repo, 'bin'), path.join(work, 'bin'), { recursive: true });
const bin = path.join(work, 'bin/prep.js');
const NOW = new Date();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];
const log = (text) => process.stderr.write(`${text}\n`);

/** Runs a command to completion (stdout read in full, as a script would); returns ms, exit code, output. */
function timed(args, { cwd = work, env = {}, rss = false } = {}) {
  const rssFile = path.join(work, `rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const fullEnv = { ...process.env, NO_COLOR: '1', ...env, ...(rss ? { PREP_BENCH_RSS_FILE: rssFile } : {}) };
  const nodeArgs = rss ? ['--import', rssPreload, ...args] : args;
  const start = process.hrtime.bigint();
  // stdout as bytes: the output is read through a pipe, as a script reading it would, but decoding its
  // 3.5 MB (list --json at 10,000 cards) as UTF-8 is the bench's own work, not prep's.
  const result = spawnSync(process.execPath, nodeArgs, { cwd, env: fullEnv, maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  let rssKb;
  let cpuMs;
  if (rss && existsSync(rssFile)) [rssKb, cpuMs] = readFileSync(rssFile, 'utf8').split(' ').map(Number).map((n, i) => (i === 1 ? n / 1000 : n));
  return { ms, status: result.status, stdout: result.stdout ?? Buffer.alloc(0), stderr: String(result.stderr ?? ''), rssKb, cpuMs };
}

const baselineSamples = [];
/** `node -e 0`, sampled next to every measurement so both see the same machine load. */
function baselineSample() {
  const ms = timed(['-e', '0']).ms;
  baselineSamples.push(ms);
  return ms;
}

const notBuilt = (r) => r.status !== 0 && /not available yet|not built/i.test(r.stderr);

/**
 * Median of `runs` runs of `prep ...args`; `before` runs before each (untimed), e.g. to drop the cache.
 * With `reference` ({ name, args }: a script run with node), that script runs right after each run of
 * prep and gets a row of its own, so both see the same machine (this VM's speed drifts within minutes).
 */
function measureInTurns(name, args, { runs, before, rss = false, env, reference } = {}) {
  const times = [];
  const referenceTimes = [];
  const cpu = [];
  const referenceCpu = [];
  const local = []; // node -e 0 beside each run: the ratio's baseline
  let last;
  let rssKb;
  let referenceRssKb;
  for (let i = 0; i < runs; i++) {
    before?.();
    local.push(baselineSample());
    last = timed([bin, ...args], { rss, env });
    if (notBuilt(last)) return [{ name, status: 'not built' }];
    if (last.status !== 0) return [{ name, status: `failed (exit ${last.status}): ${last.stderr.trim().split('\n')[0]}` }];
    times.push(last.ms);
    if (last.cpuMs !== undefined) cpu.push(last.cpuMs);
    if (last.rssKb) rssKb = Math.max(rssKb ?? 0, last.rssKb);
    if (reference) {
      const r = timed(reference.args, { rss });
      referenceTimes.push(r.ms);
      if (r.cpuMs !== undefined) referenceCpu.push(r.cpuMs);
      if (r.rssKb) referenceRssKb = Math.max(referenceRssKb ?? 0, r.rssKb);
    }
  }
  log(`  ${name}: ${median(times).toFixed(0)} ms${reference ? `; ${reference.name}: ${median(referenceTimes).toFixed(0)} ms` : ''}`);
  const baselineMs = median(local);
  // CPU time (every thread) beside the wall time: a cold parse runs on two threads when it can.
  const row = { name, ms: median(times), samples: times, baselineMs, cpuMs: cpu.length ? median(cpu) : undefined, rssKb, outputBytes: Buffer.byteLength(last.stdout) };
  return reference ? [row, { name: reference.name, ms: median(referenceTimes), samples: referenceTimes, baselineMs, cpuMs: referenceCpu.length ? median(referenceCpu) : undefined, rssKb: referenceRssKb, reference: true }] : [row];
}

const measure = (name, args, options) => measureInTurns(name, args, options)[0];

/** Peak RSS of one run (with the RSS preload; its time is not used). */
function peakRss(args, before) {
  before?.();
  const r = timed([bin, ...args], { rss: true });
  return r.status === 0 ? r.rssKb : undefined;
}

/** Time from spawning `prep drill` in a pseudo-terminal until the first question is on screen. */
async function firstQuestion(deckDir, runs) {
  let pty;
  try {
    pty = await import('node-pty');
  } catch {
    return { status: 'node-pty missing' };
  }
  const spawnPty = pty.spawn ?? pty.default?.spawn;
  const times = [];
  const local = [];
  for (let i = 0; i < runs; i++) {
    local.push(baselineSample());
    const result = await new Promise((resolve) => {
      let out = '';
      const start = process.hrtime.bigint();
      const term = spawnPty(process.execPath, [bin, 'drill', '--deck', deckDir], { cols: 100, rows: 30, cwd: work, env: { ...process.env, NO_COLOR: '1', TERM: 'xterm-256color' } });
      const timer = setTimeout(() => finish({ error: `no question after 60 s; screen: ${out.slice(-300)}` }), 20_000);
      let done = false;
      function finish(value) {
        if (done) return;
        done = true;
        clearTimeout(timer);
        try {
          term.write('q');
        } catch {
          // already gone
        }
        setTimeout(() => {
          try {
            term.kill();
          } catch {
            // exited
          }
          resolve(value);
        }, 300);
      }
      term.onData((data) => {
        out += data;
        // eslint-disable-next-line no-control-regex
        const plain = out.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '');
        if (/\(#\d+\)\?/.test(plain)) finish({ ms: Number(process.hrtime.bigint() - start) / 1e6 });
        else if (/not available yet/.test(plain)) finish({ notBuilt: true });
      });
      term.onExit(() => setTimeout(() => finish({ error: `drill exited before a question; screen: ${out.slice(-300)}` }), 50));
    });
    if (result.notBuilt) return { status: 'not built' };
    if (result.error) return { status: `failed: ${result.error.replace(/\s+/g, ' ')}` };
    times.push(result.ms);
    // let the store release its lock and compact before the next run
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`  drill first question: ${median(times).toFixed(0)} ms`);
  return { ms: median(times), samples: times, baselineMs: median(local) };
}

/** Median and p95 of one grade persisted (append + fsync) with `reviews` reviews stored. */
function gradeLatency(store, deckDir, ids, reviews, grades) {
  const file = writeHistory(store, deckDir, ids, reviews, NOW);
  const progress = store.openProgress(file, { now: NOW });
  const r = rng(5);
  const times = [];
  try {
    if (progress.data.reviews.length !== reviews) throw new Error(`store holds ${progress.data.reviews.length} reviews, expected ${reviews}`);
    for (let i = 0; i < grades; i++) {
      const event = reviewEvent(progress.nextSeq(), ids[i % ids.length], new Date(NOW.getTime() + i * 1000), 3, r);
      const start = process.hrtime.bigint();
      progress.append(event);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  } finally {
    progress.close();
  }
  return { median: median(times), p95: p95(times), samples: times.length };
}

/**
 * Which packages each command's process loads: the files it required (dist/cli.js, which boot.js
 * compiles in every run, and the dist/vendor files it needed) mapped to the packages bundled in
 * them through dist/meta.json.
 */
function modulesLoaded(args) {
  const traceFile = path.join(work, `trace-${Math.random().toString(36).slice(2)}`);
  spawnSync(process.execPath, ['--require', tracePreload, bin, ...args], { cwd: work, env: { ...process.env, PREP_BENCH_TRACE_FILE: traceFile }, encoding: 'utf8', maxBuffer: 1 << 30 });
  const meta = JSON.parse(readFileSync(path.join(work, 'dist/meta.json'), 'utf8'));
  const files = [path.join(work, 'dist/cli.js'), ...(existsSync(traceFile) ? readFileSync(traceFile, 'utf8').split('\n').filter(Boolean) : [])];
  const packages = new Set();
  for (const file of files) {
    const out = Object.entries(meta.outputs).find(([name]) => path.resolve(work, name) === file);
    const inputs = out ? Object.keys(out[1].inputs) : [file];
    for (const input of inputs) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      if (m) packages.add(m[1]);
    }
  }
  return [...packages].sort();
}

// ---------------------------------------------------------------------------------------------

log(`prep bench in ${work} (${os.cpus().length} cores, node ${process.version}); warm runs ${WARM_RUNS}, cold runs ${COLD_RUNS}`);
const results = { machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}`, node: process.version }, date: NOW.toISOString(), rows: [], targets: [] };
const rows = results.rows;
const add = (row) => rows.push(row);

const decks = {};
for (const size of SIZES) {
  const dir = path.join(work, `deck-${size}`);
  decks[size] = { dir, ...generateDeck(dir, size) };
  log(`generated ${size} answer files (${(decks[size].bytes / 1e6).toFixed(1)} MB)`);
}
// Folders changed in the last 3 s are walked on every start (the racy rule, src/store/deck-walk.ts):
// the new decks settle first, as a user's deck has between one edit and the next start.
await new Promise((resolve) => setTimeout(resolve, 3500));
const store = await loadStore(repo, work).catch((error) => {
  log(`progress store could not be bundled: ${error.message}`);
  return undefined;
});
// 10,000 reviews with the 1,000-card deck (drill), 100,000 with the biggest deck (stats, grades).
// Written once the deck's cache is warm (below), with the answers' hashes from `prep list --json`.
const histories = { [BIG]: 100_000 };
if (SIZES.includes(1000) && BIG !== 1000) histories[1000] = 10_000;
/** The deck's card ids with their content hashes, as `prep list --json` prints them (none when it fails). */
function contentHashes(deckDir) {
  const listed = timed([bin, 'list', '--json', '--deck', deckDir]);
  if (listed.status !== 0) return undefined;
  return new Map(JSON.parse(listed.stdout.toString('utf8')).map((card) => [card.id, card.contentHash]));
}

const dropCache = (size) => () => rmSync(path.join(decks[size].dir, '.prep', 'cache'), { recursive: true, force: true });

for (let i = 0; i < 3; i++) baselineSample();
for (const size of SIZES) {
  const { deckDir } = decks[size];
  log(`deck of ${size}:`);
  const coldRuns = size >= 10_000 ? COLD_RUNS : Math.max(COLD_RUNS, 3);
  // At the biggest size the cold load runs in turns with remark-parse alone on the same files, and the
  // warm list with its floor: walk, stat every file, print the stored list, nothing else (references).
  const big = size === BIG;
  const [cold, remarkOnly] = measureInTurns(`prep list --json, cold, ${size} cards`, ['list', '--json', '--deck', deckDir], {
    runs: coldRuns,
    before: dropCache(size),
    rss: true,
    reference: big ? { name: `remark-parse alone, same ${size} files (reference)`, args: [path.join(repo, 'bench/lib/remark-only.mjs'), deckDir] } : undefined,
  });
  add({ id: `list-cold-${size}`, ...cold });
  if (remarkOnly) add({ id: `remark-only-${size}`, ...remarkOnly });
  timed([bin, 'list', '--json', '--deck', deckDir]); // first warm run settles the cache (see README)
  // Settled since they were written (the wait above), the decks' folders should have their record by now.
  if (!existsSync(path.join(decks[size].dir, '.prep', 'cache', 'deck-folders'))) log(`  no record of the walk for the deck of ${size}: warm runs walk its folders`);
  const [warm, floor] = measureInTurns(`prep list --json, warm, ${size} cards`, ['list', '--json', '--deck', deckDir], {
    runs: WARM_RUNS,
    reference: big ? { name: `stat every folder and file + print stored list, ${size} files (reference)`, args: [path.join(repo, 'bench/lib/list-floor.cjs'), deckDir, path.join(decks[size].dir, '.prep', 'cache')] } : undefined,
  });
  add({ id: `list-warm-${size}`, ...warm });
  if (floor) add({ id: `list-floor-${size}`, ...floor });
  const reviews = histories[size];
  if (store && reviews !== undefined) writeHistory(store, deckDir, decks[size].ids, reviews, NOW, { hashes: contentHashes(deckDir) });
  const label = reviews ? `${size} cards, ${reviews.toLocaleString('en')} reviews` : `${size} cards, no reviews`;
  if (reviews !== undefined || size === SIZES[0]) {
    add({ id: `stats-cold-${size}`, ...measure(`prep stats --json, cold, ${label}`, ['stats', '--json', '--deck', deckDir], { runs: coldRuns, before: dropCache(size), rss: true }) });
    timed([bin, 'stats', '--json', '--deck', deckDir]);
    add({ id: `stats-warm-${size}`, ...measure(`prep stats --json, warm, ${label}`, ['stats', '--json', '--deck', deckDir], { runs: WARM_RUNS }) });
    // What a person runs: the tables (piped here, so plain text, not cut to a width).
    add({ id: `stats-tables-warm-${size}`, ...measure(`prep stats (tables), warm, ${label}`, ['stats', '--deck', deckDir], { runs: WARM_RUNS }) });
  }
  if (size === BIG) {
    rows.find((r) => r.id === `list-warm-${size}`).rssKb = peakRss(['list', '--json', '--deck', deckDir]);
    const sw = rows.find((r) => r.id === `stats-warm-${size}`);
    if (sw && sw.ms !== undefined) sw.rssKb = peakRss(['stats', '--json', '--deck', deckDir]);
  }
}

// drill: first question at 1,000 cards (warm cache, 10,000 reviews stored)
const drillSize = SIZES.includes(1000) ? 1000 : SIZES[0];
timed([bin, 'list', '--json', '--deck', decks[drillSize].deckDir]);
const drill = await firstQuestion(decks[drillSize].deckDir, WARM_RUNS);
add({ id: `drill-first-${drillSize}`, name: `prep drill, first question on screen (pty), ${drillSize} cards`, ...drill });

// one grade persisted with 100,000 reviews stored
let grade = { status: 'not built' };
if (store) {
  try {
    grade = gradeLatency(store, decks[BIG].deckDir, decks[BIG].ids, 100_000, 60);
    log(`grade persisted: median ${grade.median.toFixed(2)} ms, p95 ${grade.p95.toFixed(2)} ms`);
  } catch (error) {
    grade = { status: `failed: ${error.message}` };
  }
}
add({ id: 'grade-100000', name: 'one grade persisted (append + fsync), 100,000 reviews stored', ms: grade.median, p95: grade.p95, status: grade.status });

// what each command loads
const loads = {};
for (const [name, args] of Object.entries({ 'list (warm)': ['list', '--json', '--deck', decks[drillSize].deckDir], 'stats (warm)': ['stats', '--json', '--deck', decks[drillSize].deckDir], 'check (warm)': ['check', '--json', '--deck', decks[drillSize].deckDir], '--help': ['--help'] })) {
  loads[name] = modulesLoaded(args);
}
results.modules = loads;

const baseline = median(baselineSamples);
results.baseline = { name: 'node -e 0', ms: baseline, samples: baselineSamples.length };
// Each ratio is to the median of the node -e 0 runs made in turns with that measurement's runs, so
// both saw the machine at the same moment (this VM's speed drifts by 20 % within minutes). The one
// row without such runs (a grade persisted, measured in this process) uses the median of all.
for (const row of rows) if (row.ms !== undefined) row.ratio = row.ms / (row.baselineMs ?? baseline);

// targets
const get = (id) => rows.find((r) => r.id === id);
const target = (name, value, limit, unit, note) => results.targets.push({ name, value, limit, unit, pass: value === undefined || Number.isNaN(value) ? null : value <= limit, note });
const floorRatio = get(`list-floor-${BIG}`)?.ratio;
target(`warm prep list --json at ${BIG} cards`, get(`list-warm-${BIG}`)?.ratio, 2.0, '× node', floorRatio ? `stat'ing every folder and file and printing the stored list alone: ${floorRatio.toFixed(2)} × node` : undefined);
target(`warm prep stats --json at ${BIG} cards`, get(`stats-warm-${BIG}`)?.ratio, 2.0, '× node');
target(`first question of prep drill at ${drillSize} cards`, get(`drill-first-${drillSize}`)?.ratio, 2.5, '× node');
const coldList = get(`list-cold-${BIG}`)?.ms;
const remarkOnly = get(`remark-only-${BIG}`)?.ms;
const coldCpu = get(`list-cold-${BIG}`)?.cpuMs;
const remarkCpu = get(`remark-only-${BIG}`)?.cpuMs;
target(
  `cold load of ${BIG} cards (prep list --json, no cache) vs remark-parse alone`,
  coldList && remarkOnly ? coldList / remarkOnly : undefined,
  1.2,
  '× remark',
  coldCpu && remarkCpu ? `wall time; CPU time (every thread: prep parses on two when it can, remark alone on one) ${(coldCpu / remarkCpu).toFixed(2)} × remark's` : undefined,
);
target('one grade persisted, 100,000 reviews stored (median)', grade.median, 10, 'ms', grade.p95 !== undefined ? `p95 ${grade.p95.toFixed(2)} ms` : undefined);
const rss = rows.filter((r) => r.id?.endsWith(`-${BIG}`) && !r.reference && r.rssKb).map((r) => r.rssKb / 1024);
target(`peak RSS at ${BIG} cards (list, stats; cold and warm)`, rss.length ? Math.max(...rss) : undefined, 200, 'MB');
const forbidden = { 'list (warm)': ['chalk', '@inquirer/prompts', '@inquirer/core', 'remark-parse', 'unified', 'micromark', 'gray-matter', 'js-yaml'], 'stats (warm)': ['chalk', '@inquirer/prompts', '@inquirer/core', 'remark-parse', 'unified', 'micromark', 'gray-matter', 'js-yaml'], 'check (warm)': ['@inquirer/prompts', 'remark-parse', 'micromark'] };
for (const [name, bad] of Object.entries(forbidden)) {
  const found = loads[name].filter((p) => bad.includes(p));
  results.targets.push({ name: `${name} loads none of ${bad.join(', ')}`, pass: found.length === 0, note: found.length ? `loads ${found.join(', ')}` : undefined });
}

// table
const fmt = (row) => (row.ms === undefined ? `n/a (${row.status ?? 'not built'})` : `${row.ms.toFixed(row.ms < 20 ? 2 : 0)} ms`);
const lines = [];
lines.push(`prep bench · ${results.machine.cpus} cores · ${results.machine.model} · node ${process.version} · ${WARM_RUNS} warm / ${COLD_RUNS} cold runs, median`);
lines.push(`baseline: node -e 0, run in turns with each measurement's runs; each ratio is to the median of those (all ${baselineSamples.length}: median ${baseline.toFixed(0)} ms)`);
lines.push('');
const width = Math.max(...rows.map((r) => r.name.length)) + 2;
lines.push(`${'measurement'.padEnd(width)}${'median'.padStart(12)}${'node -e 0'.padStart(11)}${'× node'.padStart(9)}${'peak RSS'.padStart(11)}`);
for (const row of rows) {
  const cpuNote = row.cpuMs !== undefined && row.ms >= 1000 ? `   CPU ${(row.cpuMs / 1000).toFixed(1)} s` : '';
  lines.push(`${row.name.padEnd(width)}${fmt(row).padStart(12)}${(row.baselineMs ? `${row.baselineMs.toFixed(0)} ms` : '').padStart(11)}${(row.ratio ? row.ratio.toFixed(2) : '').padStart(9)}${(row.rssKb ? `${(row.rssKb / 1024).toFixed(0)} MB` : '').padStart(11)}${row.p95 !== undefined ? `   p95 ${row.p95.toFixed(2)} ms` : ''}${cpuNote}`);
}
lines.push('');
lines.push('targets');
for (const t of results.targets) {
  const value = t.value === undefined ? '' : Number.isNaN(t.value) ? 'n/a' : `${t.value.toFixed(2)} ${t.unit}`;
  const verdict = t.pass === null ? 'n/a' : t.pass ? 'pass' : 'FAIL';
  lines.push(`  ${verdict.padEnd(5)} ${t.name}${t.limit !== undefined ? `: ${value || 'n/a'} (target ≤ ${t.limit} ${t.unit})` : ''}${t.note ? ` — ${t.note}` : ''}`);
}
lines.push('');
lines.push('packages in the files each command loads (dist/cli.js is loaded by every command; the packages bundled in it run only when used):');
for (const [name, pk] of Object.entries(loads)) lines.push(`  ${name}: ${pk.join(', ') || '(none)'}`);
process.stdout.write(`${lines.join('\n')}\n`);
writeFileSync(path.join(repo, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
log(`\nwrote bench/results.json`);
if (process.env.BENCH_KEEP !== '1') rmSync(work, { recursive: true, force: true });
