// Loaded with `node --require` by CLI tests: counts the fs.statSync calls on answer files (*.md)
// and writes the count to $PREP_TEST_STAT_LOG when the process exits. prep's bundle looks
// statSync up on the fs module at each call, so the wrapper sees them all.
'use strict';
const fs = require('node:fs');

if (process.env.PREP_TEST_STAT_LOG) {
  const real = fs.statSync;
  let count = 0;
  fs.statSync = function statSync(file, ...rest) {
    if (String(file).endsWith('.md')) count++;
    return real.call(this, file, ...rest);
  };
  process.on('exit', () => fs.writeFileSync(process.env.PREP_TEST_STAT_LOG, String(count)));
}
