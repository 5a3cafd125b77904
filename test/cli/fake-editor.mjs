// A stand-in for the user's editor in prep add tests: EDITOR="<node> test/cli/fake-editor.mjs".
// The file to edit is the last argument. FAKE_EDITOR_MODE picks what it does:
//   fill (default)  put FAKE_EDITOR_FILL (JSON: {"line to find": "text to put after it"}) into the file
//   empty           leave the file empty;          untouched   change nothing
//   fail            fill, then exit with status 1; fail-untouched  exit 1 without a change
//   break           remove the question: line from the front matter
// FAKE_EDITOR_LOG, when set, gets the arguments it was called with (JSON), one call per line.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.at(-1);
if (process.env.FAKE_EDITOR_LOG) appendFileSync(process.env.FAKE_EDITOR_LOG, `${JSON.stringify(args)}\n`);
const mode = process.env.FAKE_EDITOR_MODE ?? 'fill';

function fill() {
  const replacements = JSON.parse(process.env.FAKE_EDITOR_FILL ?? '{}');
  const lines = readFileSync(file, 'utf8').split('\n');
  const out = [];
  for (const line of lines) {
    out.push(line);
    if (Object.hasOwn(replacements, line)) out.push('', replacements[line]);
  }
  writeFileSync(file, out.join('\n'));
}

if (mode === 'fill' || mode === 'fail') fill();
if (mode === 'empty') writeFileSync(file, '');
if (mode === 'break') writeFileSync(file, readFileSync(file, 'utf8').replace(/^question:.*\n/m, ''));
process.exit(mode === 'fail' || mode === 'fail-untouched' ? 1 : 0);
