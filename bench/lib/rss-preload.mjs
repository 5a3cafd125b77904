// Loaded with `node --import` by the benchmark: writes the process's peak RSS (KB) and its CPU time
// (user and system, every thread, µs) to $PREP_BENCH_RSS_FILE at exit.
import { writeFileSync } from 'node:fs';

const file = process.env.PREP_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      const usage = process.resourceUsage();
      writeFileSync(file, `${usage.maxRSS} ${usage.userCPUTime + usage.systemCPUTime}`);
    } catch {
      // the benchmark reports n/a
    }
  });
}
