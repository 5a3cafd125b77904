/** Bundles a helper script (TypeScript importing src/) into one .mjs that a child `node` can run. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function bundleHelper(name: string): Promise<string> {
  const outfile = path.join(mkdtempSync(path.join(tmpdir(), 'prep-helper-')), `${name}.mjs`);
  await build({ entryPoints: [path.join(here, `${name}.ts`)], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
  return outfile;
}
