// Loaded with `node --import` by the benchmark: records every module file the process loads
// (one URL a line) in $PREP_BENCH_TRACE_FILE, through a resolve hook.
import { register } from 'node:module';

if (process.env.PREP_BENCH_TRACE_FILE) register('./trace-hooks.mjs', import.meta.url);
