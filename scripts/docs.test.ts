import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCUMENTS, generatedBlocks, renderDocument } from './docs.js';

describe('protocol documents', () => {
  for (const d of DOCUMENTS) {
    it(`${d.path} has up-to-date generated tables (run \`npm run docs\`)`, () => {
      const text = readFileSync(new URL(`../${d.path}`, import.meta.url), 'utf8');
      expect(renderDocument(text, d.lang)).toBe(text);
      // every generated block is present in the document
      for (const name of d.blocks) expect(text).toContain(`<!-- generated:${name} -->`);
      expect(d.blocks.every((b) => b in generatedBlocks(d.lang))).toBe(true);
    });
  }
});
