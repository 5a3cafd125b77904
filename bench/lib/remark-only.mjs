// The reference for "cold load": read every answer file under a folder and run remark-parse on it,
// nothing else (no front matter, no cards). Usage: node remark-only.mjs DECK_DIR
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import remarkParse from 'remark-parse';
import { unified } from 'unified';

const processor = unified().use(remarkParse);
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.md') ? [path.join(dir, e.name)] : []));
let nodes = 0;
for (const file of walk(process.argv[2])) nodes += processor.parse(readFileSync(file, 'utf8')).children.length;
process.stdout.write(`${nodes}\n`);
