// Builds dist/ as CommonJS, so start-up pays neither for resolving hundreds of module files nor for
// Node's ES module loader:
// - dist/cli.js: prep's own code with commander and get-east-asian-width, one file. Each command's
//   modules run only when that command does (esbuild's lazy module wrappers).
// - dist/cli.js.cache: the V8 code cache made from that source after a run of the everyday
//   commands (scripts/code-cache.cjs); dist/boot.js (what bin/prep.js runs) compiles cli.js with it,
//   so start-up deserializes compiled code instead of parsing and compiling it.
// - dist/vendor/*.js: the packages only some commands need (the markdown parser, YAML, prompts,
//   chalk), each its own file, required only by the code that uses it: `list` and `stats` on a warm
//   cache never load the parser, and the benchmark can see what each command loads.
// - dist/parse-worker.js: the worker thread a cold parse of a big deck runs in (deck-cache.ts).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** Packages kept out of dist/cli.js, each as dist/vendor/<file>.js; `default` when prep uses its default export. */
const VENDORS = [
  { pkg: 'unified' },
  { pkg: 'remark-parse', default: true },
  { pkg: 'mdast-util-to-string' },
  { pkg: 'gray-matter', default: true },
  { pkg: '@inquirer/prompts' },
  { pkg: 'chalk' },
];
const vendorFile = (pkg) => `${pkg.replace(/^@/, '').replace(/\//g, '-')}.js`;
const byPackage = new Map(VENDORS.map((v) => [v.pkg, v]));

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  // js-yaml only loads esprima for the unsafe !!js/function type, which prep never enables.
  external: ['esprima'],
  metafile: true,
};

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist/vendor', { recursive: true });
// dist/*.js are CommonJS, whatever the package around them says ("type": "module" here).
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');

const outputs = {};
for (const { pkg, default: hasDefault } of VENDORS) {
  const result = await build({
    ...common,
    // As ES modules, so esbuild hoists the package's modules into one scope (required, it would wrap
    // each in a function run on first use, and the parser ran about 10 % slower).
    stdin: { contents: hasDefault ? `export { default } from '${pkg}';` : `export * from '${pkg}';`, resolveDir: process.cwd(), sourcefile: `vendor:${pkg}`, loader: 'js' },
    outfile: `dist/vendor/${vendorFile(pkg)}`,
  });
  Object.assign(outputs, result.metafile.outputs);
}

const result = await build({
  ...common,
  entryPoints: { cli: 'src/cli.ts', 'parse-worker': 'src/store/parse-worker.ts', boot: 'src/boot.ts' },
  outdir: 'dist',
  // The stats digest cache (.prep/cache/stats-digest) likewise trusts only the stats code that wrote it.
  define: {
    __PREP_BUILD_ID__: JSON.stringify(await parserBuildId()),
    __PREP_STATS_BUILD_ID__: JSON.stringify(await parserBuildId(['src/store/stats-cache.ts'])),
    'import.meta.url': '__prepImportMeta.url',
  },
  // The sources are ES modules; the few `import.meta.url` they use (not at start-up) name the bundle's own file.
  banner: { js: "var __prepImportMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
  plugins: [
    {
      name: 'vendor-files',
      setup(b) {
        // commander requires node:child_process on load, for git-style subcommands prep does not
        // have; loading it (with net and dgram) at every start is wasted: it is looked up on use.
        b.onResolve({ filter: /^node:child_process$/ }, (args) =>
          /commander[\\/]lib[\\/]command\.js$/.test(args.importer) ? { path: args.path, namespace: 'looked-up-on-use' } : undefined,
        );
        b.onLoad({ filter: /.*/, namespace: 'looked-up-on-use' }, (args) => ({
          contents: `module.exports = new Proxy({}, { get: (_, key) => require(${JSON.stringify(args.path)})[key] });`,
          loader: 'js',
        }));
        b.onResolve({ filter: /^[@a-z]/ }, (args) => {
          const vendor = byPackage.get(args.path);
          const target = vendor ? `./vendor/${vendorFile(vendor.pkg)}` : args.path.startsWith('node:') ? args.path : undefined;
          if (target === undefined) return undefined;
          // esbuild leaves `import()` of an external as is, which Node would run through its ES
          // module loader (and boot.js's compiled script has none): a dynamic import becomes a
          // bundled module that requires the file, run when the import happens.
          if (args.kind === 'dynamic-import') return { path: target, namespace: 'required-lazily' };
          // A default import through a module that takes the vendor file's `default` export (prep's
          // sources are ES modules of a "type": "module" package, for which esbuild would take the
          // whole module.exports as the default, as Node does).
          if (vendor?.default) return { path: target, namespace: 'default-export' };
          return vendor ? { path: target, external: true } : undefined;
        });
        b.onLoad({ filter: /.*/, namespace: 'default-export' }, (args) => ({ contents: `export { default } from ${JSON.stringify(args.path)};`, loader: 'js' }));
        b.onResolve({ filter: /^\.\/vendor\//, namespace: 'default-export' }, (args) => ({ path: args.path, external: true }));
        b.onLoad({ filter: /.*/, namespace: 'required-lazily' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
        b.onResolve({ filter: /^\.\/vendor\//, namespace: 'required-lazily' }, (args) => ({ path: args.path, external: true }));
      },
    },
  ],
});
Object.assign(outputs, result.metafile.outputs);
for (const file of ['dist/cli.js', 'dist/parse-worker.js', 'dist/boot.js']) {
  if (/\bimport\(/.test(readFileSync(file, 'utf8'))) throw new Error(`${file} still has a dynamic import(); see the vendor-files plugin in scripts/build.mjs`);
}

// Which sources each output holds: `npm run bench` uses it to check what each command loads.
writeFileSync('dist/meta.json', JSON.stringify({ outputs }));

// dist/cli.js.cache: the V8 code cache, made after a run of the everyday commands (see
// scripts/code-cache.cjs; test/cli/boot.test.ts checks that V8 accepts it as boot.js compiles it).
const cache = spawnSync(process.execPath, ['scripts/code-cache.cjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (cache.status !== 0) throw new Error(`scripts/code-cache.cjs failed (exit ${cache.status ?? cache.signal}); see above`);
