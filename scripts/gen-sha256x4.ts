/**
 * `npm run gen:sha256x4`: writes src/core/sha256x4-wasm.ts, a WebAssembly kernel that computes four
 * HMAC-SHA-256 of one-block messages at once, one per 32-bit lane of the SIMD registers (i32x4). The
 * kernel is generated here as WebAssembly text — both compressions with their 64 rounds unrolled, the
 * message schedule in 16 locals, the working variables renamed from round to round, the outer block's
 * constant words (padding and length) folded into the schedule and the round constants — compiled with
 * wabt, and committed as base64, so that nothing is compiled at run time and wabt stays a devDependency.
 * Written by a program rather than by hand so that no round can be mistyped; scripts/sha256x4.test.ts
 * fails when the committed file is not this program's output and checks the kernel against
 * @noble/hashes. The caller's side (memory layout, lanes) is src/core/hmac-lanes.ts.
 *
 * Memory layout, per group of four jobs at byte offset 512·g (each 16-byte vector holds one 32-bit word
 * of the four jobs, lane i = job 4g + i):
 *   [0, 128)    inner (ipad) state, 8 vectors — replaced by the MAC, 8 vectors
 *   [128, 256)  outer (opad) state, 8 vectors
 *   [256, 512)  the inner hash's message block (already padded), 16 vectors
 * `hmac(groups)` processes groups 0 … groups − 1.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SHA256_K } from './gen-sha256.js';
import { compileWat, wasmModuleSource } from './wat.js';

export const SHA256X4_WASM_TS = new URL('../src/core/sha256x4-wasm.ts', import.meta.url);

/** Bytes per group of four jobs. */
export const GROUP_BYTES = 512;

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n)) | 0;
const sigma0 = (x: number) => rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
const sigma1 = (x: number) => rotr(x, 17) ^ rotr(x, 19) ^ (x >>> 10);

/** A message word: a local variable, or a constant known when the kernel is generated. */
type Word = { local: string } | { value: number };

/** The kernel's WebAssembly text. */
export function sha256x4Wat(): string {
  const o: string[] = [];
  const op = (...s: string[]) => {
    for (const x of s) o.push(`    ${x}`);
  };
  const splat = (x: number) => `v128.const i32x4 ${x | 0} ${x | 0} ${x | 0} ${x | 0}`;
  const get = (x: string) => `local.get $${x}`;
  // rotr and shr on all four lanes (WebAssembly SIMD has no rotate: two shifts and an or)
  const vrotr = (x: string, n: number) => {
    op(get(x), `i32.const ${n}`, 'i32x4.shr_u', get(x), `i32.const ${32 - n}`, 'i32x4.shl', 'v128.or');
  };
  const bigSigma = (x: string, [r1, r2, r3]: readonly number[]) => {
    vrotr(x, r1 as number);
    vrotr(x, r2 as number);
    op('v128.xor');
    vrotr(x, r3 as number);
    op('v128.xor');
  };
  const smallSigma = (x: string, [r1, r2, s]: readonly number[]) => {
    vrotr(x, r1 as number);
    vrotr(x, r2 as number);
    op('v128.xor', get(x), `i32.const ${s}`, 'i32x4.shr_u', 'v128.xor');
  };

  /**
   * One compression of the state held in a…h with the message words `w` (locals w0…w15 or constants),
   * the feed-forward added from the state as loaded from memory at p + `from` (reloaded rather than kept
   * in 8 more locals: the registers are the scarce resource): the new state is left in a…h.
   */
  const compress = (w: Word[], from: number) => {
    let v = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (let t = 0; t < 64; t++) {
      if (t >= 16) {
        // W[t] = σ1(W[t−2]) + W[t−7] + σ0(W[t−15]) + W[t−16], constant terms folded
        const terms: [Word, ((x: number) => number) | null, readonly number[] | null][] = [
          [w[(t - 2) & 15] as Word, sigma1, [17, 19, 10]],
          [w[(t - 7) & 15] as Word, null, null],
          [w[(t - 15) & 15] as Word, sigma0, [7, 18, 3]],
          [w[(t - 16) & 15] as Word, null, null],
        ];
        let constant = 0;
        let locals = 0;
        for (const [word, f, r] of terms) {
          if ('value' in word) {
            constant = (constant + (f === null ? word.value : f(word.value))) | 0;
            continue;
          }
          if (r === null) op(get(word.local));
          else smallSigma(word.local, r);
          if (locals++ > 0) op('i32x4.add');
        }
        const name = `w${t & 15}`;
        if (locals === 0) w[t & 15] = { value: constant };
        else {
          if (constant !== 0) op(splat(constant), 'i32x4.add');
          op(`local.set $${name}`);
          w[t & 15] = { local: name };
        }
      }
      const [a, b, c, d, e, f, g, h] = v as [string, string, string, string, string, string, string, string];
      const word = w[t & 15] as Word;
      // T1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t]; Ch is a bit select of f and g by e
      op(get(h));
      bigSigma(e, [6, 11, 25]);
      op('i32x4.add', get(f), get(g), get(e), 'v128.bitselect', 'i32x4.add');
      if ('value' in word) op(splat(((SHA256_K[t] as number) + word.value) | 0), 'i32x4.add');
      else op(splat(SHA256_K[t] as number), 'i32x4.add', get(word.local), 'i32x4.add');
      op('local.set $t1');
      // d += T1; h = T1 + Σ0(a) + Maj(a, b, c), Maj a bit select of c and a by a ^ b
      op(get(d), 'local.get $t1', 'i32x4.add', `local.set $${d}`);
      op('local.get $t1');
      bigSigma(a, [2, 13, 22]);
      op('i32x4.add', get(c), get(a), get(a), get(b), 'v128.xor', 'v128.bitselect', 'i32x4.add');
      op(`local.set $${h}`);
      v = [h, a, b, c, d, e, f, g];
    }
    // 64 rounds rename the variables 8 times over: a…h are in place again
    v.forEach((x, i) => {
      op(get(x), 'local.get $p', `v128.load offset=${from + 16 * i}`, 'i32x4.add', `local.set $${x}`);
    });
  };

  const state = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const locals = [...state, 't1', ...Array.from({ length: 16 }, (_, i) => `w${i}`)];
  o.push(
    ';; generated by scripts/gen-sha256x4.ts: four HMAC-SHA-256 of one-block messages, one per lane',
    '(module',
    '  (memory (export "memory") 1)',
    '  (func (export "hmac") (param $groups i32)',
    '    (local $p i32) (local $end i32)',
    `    ${locals.map((x) => `(local $${x} v128)`).join(' ')}`,
  );
  op('local.get $groups', `i32.const ${GROUP_BYTES}`, 'i32.mul', 'local.set $end');
  op('block $done', 'loop $next');
  op('local.get $p', 'local.get $end', 'i32.ge_u', 'br_if $done');
  // inner hash: the ipad state and the message block
  state.forEach((x, i) => {
    op('local.get $p', `v128.load offset=${16 * i}`, `local.set $${x}`);
  });
  for (let i = 0; i < 16; i++) op('local.get $p', `v128.load offset=${256 + 16 * i}`, `local.set $w${i}`);
  compress(
    Array.from({ length: 16 }, (_, i) => ({ local: `w${i}` })),
    0,
  );
  // outer hash: the opad state and one block — the inner digest, 0x80, zeros, the length (64 + 32) · 8
  state.forEach((x, i) => {
    op(get(x), `local.set $w${i}`);
  });
  state.forEach((x, i) => {
    op('local.get $p', `v128.load offset=${128 + 16 * i}`, `local.set $${x}`);
  });
  compress(
    [
      ...state.map((_, i) => ({ local: `w${i}` })),
      { value: 0x80000000 | 0 },
      ...Array.from({ length: 6 }, () => ({ value: 0 })),
      { value: (64 + 32) * 8 },
    ],
    128,
  );
  state.forEach((x, i) => {
    op('local.get $p', get(x), `v128.store offset=${16 * i}`);
  });
  op('local.get $p', `i32.const ${GROUP_BYTES}`, 'i32.add', 'local.set $p', 'br $next', 'end', 'end');
  o.push('  )', ')', '');
  return o.join('\n');
}

/** The kernel's module bytes. */
export async function compileSha256x4(): Promise<Uint8Array> {
  return compileWat('sha256x4.wat', sha256x4Wat());
}

/** The source of src/core/sha256x4-wasm.ts for these bytes (formatted as Biome would leave it). */
export function sha256x4WasmSource(bytes: Uint8Array): string {
  return wasmModuleSource(
    [
      'Four HMAC-SHA-256 of one-block messages at once in WebAssembly SIMD, as base64 (layout:',
      'scripts/gen-sha256x4.ts; caller: hmac-lanes.ts). Generated by `npm run gen:sha256x4`: do not edit;',
      'scripts/sha256x4.test.ts checks it against its generator.',
    ],
    'SHA256X4_WASM_BASE64',
    bytes,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await compileSha256x4();
  writeFileSync(SHA256X4_WASM_TS, sha256x4WasmSource(bytes));
  process.stdout.write(`wrote ${fileURLToPath(SHA256X4_WASM_TS)} (${bytes.length} bytes of WebAssembly)\n`);
}
