/** `npm run vectors`: writes protocols/test-vectors-v3.json (refuses if a hand-written expectation fails). */
import { writeFileSync } from 'node:fs';
import { buildVectors, unmetExpectations } from './vectors.js';

const unmet = unmetExpectations();
if (unmet.length > 0) {
  process.stderr.write(`expectations not met:\n${unmet.join('\n')}\n`);
  process.exit(1);
}
const path = new URL('../protocols/test-vectors-v3.json', import.meta.url);
writeFileSync(path, `${JSON.stringify(buildVectors(), null, 2)}\n`);
process.stdout.write(`wrote ${path.pathname}\n`);
