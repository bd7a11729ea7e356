/** WebAssembly text → module bytes with wabt (SIMD enabled), for the generators of committed kernels. */
import wabt from 'wabt';

export async function compileWat(name: string, text: string): Promise<Uint8Array> {
  const wabtModule = await wabt();
  const mod = wabtModule.parseWat(name, text, { simd: true });
  try {
    mod.validate();
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}

/**
 * The source of a committed kernel module (formatted as Biome would leave it): the doc comment's lines,
 * then `export const NAME = '<base64 of bytes>';`.
 */
export function wasmModuleSource(doc: readonly string[], name: string, bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return ['/**', ...doc.map((l) => ` * ${l}`), ' */', `export const ${name} =`, `  '${b64}';`, ''].join('\n');
}
