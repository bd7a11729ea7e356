import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DICE_WASM_BASE64 } from '../src/link/dice-wasm.js';
import { compileDiceWat, DICE_WASM_TS, diceWasmSource } from './gen-dice-wasm.js';

describe('src/link/dice-wasm.ts', () => {
  it('is dice.wat as compiled now (run `npm run gen:dice` after editing dice.wat)', async () => {
    const bytes = await compileDiceWat();
    expect(Buffer.from(DICE_WASM_BASE64, 'base64').equals(Buffer.from(bytes))).toBe(true);
    expect(readFileSync(DICE_WASM_TS, 'utf8')).toBe(diceWasmSource(bytes));
  });

  it('would be caught stale: a changed kernel compiles to other bytes', async () => {
    const text = readFileSync(new URL('../src/link/dice.wat', import.meta.url), 'utf8');
    const changed = await compileDiceWat(text.replace('(f64.const 0x1.ffffep-1)', '(f64.const 0.5)'));
    expect(Buffer.from(changed).equals(Buffer.from(DICE_WASM_BASE64, 'base64'))).toBe(false);
  });
});
