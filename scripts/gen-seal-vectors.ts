/** `npm run vectors:seal`: writes protocols/test-vectors-seal-v1.json. */
import { writeFileSync } from 'node:fs';
import { buildSealVectors } from './seal-vectors.js';

const path = new URL('../protocols/test-vectors-seal-v1.json', import.meta.url);
writeFileSync(path, `${JSON.stringify(buildSealVectors(), null, 2)}\n`);
process.stdout.write(`wrote ${path.pathname}\n`);
