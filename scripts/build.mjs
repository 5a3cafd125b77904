// Bundles the CLI so start-up does not pay for resolving hundreds of module files.
// Each command is a separate chunk, loaded only when that command runs; the markdown parser
// (remark, gray-matter) is its own chunk too, loaded only when a file has to be parsed.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * Identifies the parser of this build, so the parse cache (.prep/cache) never serves cards parsed
 * by a different prep: a hash of every source file the parser and the cache are built from (found
 * by esbuild, so it follows the imports) and of the versions of the packages they use.
 */
async function parserBuildId(entryPoints = ['src/markdown/parse.ts', 'src/store/deck-cache.ts']) {
  const probe = await build({
    entryPoints,
    bundle: true,
    write: false,
    outdir: 'dist-probe',
    format: 'esm',
    platform: 'node',
    metafile: true,
    logLevel: 'silent',
    external: ['esprima'],
  });
  const hash = createHash('sha256');
  const packages = new Set();
  for (const input of Object.keys(probe.metafile.inputs).sort()) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    if (pkg) packages.add(pkg[1]);
    else hash.update(input).update('\0').update(readFileSync(input)).update('\0');
  }
  for (const pkg of [...packages].sort()) {
    try {
      hash.update(`${pkg}@${JSON.parse(readFileSync(`node_modules/${pkg}/package.json`, 'utf8')).version}\0`);
    } catch {
      hash.update(`${pkg}@?\0`);
    }
  }
  return hash.digest('hex').slice(0, 16);
}

const result = await build({
  entryPoints: { cli: 'src/cli.ts', 'parse-worker': 'src/store/parse-worker.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  // The stats digest cache (.prep/cache/stats-digest) likewise trusts only the stats code that wrote it.
  define: { __PREP_BUILD_ID__: JSON.stringify(await parserBuildId()), __PREP_STATS_BUILD_ID__: JSON.stringify(await parserBuildId(['src/store/stats-cache.ts'])) },
  // Bundled CommonJS dependencies (gray-matter, fs-extra) call require() for Node built-ins.
  banner: { js: "import { createRequire as __prepCreateRequire } from 'node:module'; const require = __prepCreateRequire(import.meta.url);" },
  // js-yaml only loads esprima for the unsafe !!js/function type, which prep never enables.
  external: ['esprima'],
  metafile: true,
});

// Which sources each chunk holds: `npm run bench` uses it to check what each command loads.
writeFileSync('dist/meta.json', JSON.stringify(result.metafile));

// Chunks of earlier builds (their names carry hashes) would pile up; remove those no longer built,
// once they are old enough that no prep started from an earlier build can still be loading them.
const built = new Set(Object.keys(result.metafile.outputs).map((file) => path.resolve(file)));
for (const name of readdirSync('dist')) {
  const file = path.resolve('dist', name);
  try {
    if (name !== 'meta.json' && !built.has(file) && Date.now() - statSync(file).mtimeMs > 10 * 60_000) unlinkSync(file);
  } catch {
    // removed by a concurrent build
  }
}
