// Bundles the CLI so start-up does not pay for resolving hundreds of module files.
// Each command is a separate chunk, loaded only when that command runs.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  // Bundled CommonJS dependencies (gray-matter, fs-extra) call require() for Node built-ins.
  banner: { js: "import { createRequire as __prepCreateRequire } from 'node:module'; const require = __prepCreateRequire(import.meta.url);" },
  // js-yaml only loads esprima for the unsafe !!js/function type, which prep never enables.
  external: ['esprima'],
});
