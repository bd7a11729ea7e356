/**
 * `npm run vectors:hub`: writes protocols/test-vectors-hub-v1.json (refuses if a hand-written expectation
 * fails). package.json script: `"vectors:hub": "tsx scripts/gen-hub-vectors.ts"`.
 */
import { writeFileSync } from 'node:fs';
import { buildHubVectors, unmetHubExpectations } from './hub-vectors.js';

const unmet = unmetHubExpectations();
if (unmet.length > 0) {
  process.stderr.write(`expectations not met:\n${unmet.join('\n')}\n`);
  process.exit(1);
}
const path = new URL('../protocols/test-vectors-hub-v1.json', import.meta.url);
writeFileSync(path, `${JSON.stringify(buildHubVectors(), null, 2)}\n`);
process.stdout.write(`wrote ${path.pathname}\n`);
