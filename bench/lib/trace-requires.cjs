// Loaded with `node --require` by the benchmark: at exit, writes every file the process loaded with
// require() (one path a line: dist/boot.js, the dist/vendor files a command needed, ...) to
// $PREP_BENCH_TRACE_FILE. dist/cli.js is compiled by boot.js, not required, so it is not listed.
const { writeFileSync } = require('node:fs');

const file = process.env.PREP_BENCH_TRACE_FILE;
if (file) {
  process.on('exit', () => {
    try {
      writeFileSync(file, Object.keys(require.cache).join('\n'));
    } catch {
      // the benchmark reports no modules
    }
  });
}
