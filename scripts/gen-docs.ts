/** `npm run docs`: regenerates the parameter tables inside protocols/*.md from the code. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DOCUMENTS, renderDocument } from './docs.js';

for (const d of DOCUMENTS) {
  const path = new URL(`../${d.path}`, import.meta.url);
  if (!existsSync(path)) continue;
  const before = readFileSync(path, 'utf8');
  const after = renderDocument(before, d.lang);
  if (after !== before) writeFileSync(path, after);
  process.stdout.write(`${after === before ? 'unchanged' : 'updated  '} ${d.path}\n`);
}
