// Loaded with `node --require` by CLI tests: counts the fs.statSync calls on answer files (*.md)
// and writes the count to $PREP_TEST_STAT_LOG when the process exits; with $PREP_TEST_READDIR_LOG,
// counts the fs.readdirSync calls on answer folders (any folder but .prep's) the same way. prep's bundle looks these functions up
// on the fs module at each call, so the wrappers see them all.
'use strict';
const fs = require('node:fs');

function counted(name, log, counts) {
  if (!log) return;
  const real = fs[name];
  let count = 0;
  fs[name] = function (file, ...rest) {
    if (counts(file)) count++;
    return real.call(this, file, ...rest);
  };
  process.on('exit', () => fs.writeFileSync(log, String(count)));
}

counted('statSync', process.env.PREP_TEST_STAT_LOG, (file) => String(file).endsWith('.md'));
counted('readdirSync', process.env.PREP_TEST_READDIR_LOG, (dir) => !String(dir).split(/[\\/]/).includes('.prep'));
