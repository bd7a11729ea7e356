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
