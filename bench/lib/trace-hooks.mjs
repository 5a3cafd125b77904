// Module hooks for trace-loads.mjs: append each resolved URL to the trace file.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.startsWith('file:')) appendFileSync(process.env.PREP_BENCH_TRACE_FILE, `${result.url}\n`);
  return result;
}
