// Loaded with `node --import` by test/cli/parse-worker.test.ts: records every worker thread prep
// starts (file, role and resource limits) to $PREP_TEST_WORKER_LOG, one JSON line each. With
// $PREP_TEST_WORKER_FAIL set, each such worker fails at once instead, as a broken build's would;
// set to `helper`, only the parse helpers fail.
import { appendFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { syncBuiltinESMExports } from 'node:module';
import workerThreads from 'node:worker_threads';

if (isMainThread && process.env.PREP_TEST_WORKER_LOG) {
  const Real = workerThreads.Worker;
  workerThreads.Worker = class SpiedWorker extends Real {
    constructor(file, options) {
      const role = options?.workerData?.role ?? null;
      const fail = process.env.PREP_TEST_WORKER_FAIL;
      if (fail && (fail !== 'helper' || role === 'helper')) super('throw new Error("worker-spy: failing as asked")', { eval: true });
      else super(file, options);
      appendFileSync(process.env.PREP_TEST_WORKER_LOG, `${JSON.stringify({ file: String(file), role, resourceLimits: options?.resourceLimits ?? null })}\n`);
    }
  };
  syncBuiltinESMExports(); // so `import('node:worker_threads')` in prep sees the spy too
}
