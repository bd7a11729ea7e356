import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHA256X4_WASM_BASE64 } from '../src/core/sha256x4-wasm.js';
import { compileSha256x4, SHA256X4_WASM_TS, sha256x4WasmSource } from './gen-sha256x4.js';

describe('src/core/sha256x4-wasm.ts', () => {
  it('is the output of scripts/gen-sha256x4.ts (run `npm run gen:sha256x4`)', async () => {
    const bytes = await compileSha256x4();
    expect(Buffer.from(SHA256X4_WASM_BASE64, 'base64').equals(Buffer.from(bytes))).toBe(true);
    expect(readFileSync(SHA256X4_WASM_TS, 'utf8')).toBe(sha256x4WasmSource(bytes));
  });
});
