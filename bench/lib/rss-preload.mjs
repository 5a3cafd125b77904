// Loaded with `node --import` by the benchmark: writes the process's peak RSS (KB) to $PREP_BENCH_RSS_FILE at exit.
import { writeFileSync } from 'node:fs';

const file = process.env.PREP_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      writeFileSync(file, String(process.resourceUsage().maxRSS));
    } catch {
      // the benchmark reports n/a
    }
  });
}
