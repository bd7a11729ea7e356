/**
 * T3 — key hygiene (issue 8), the static half: how keys are made, derived, stored and whether any key
 * material sits in configuration defaults, deployment examples or committed files. The dynamic half (no
 * key, token or pseudonym in a whole hub session's logs) is in hub-attacks.int.test.ts.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sha256 } from '@noble/hashes/sha2.js';
import { runCommand } from 'citty';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { keygenCommand } from '../cli/commands/keygen.js';
import { fromHex, toHex } from '../core/bytes.js';
import { DIFFUSION_PURPOSE } from '../core/diffusion.js';
import { LdhError } from '../core/errors.js';
import {
  keyFingerprint,
  type LinkageKey,
  linkageKey,
  PUBLISHED_TEST_KEY_FINGERPRINTS,
  subkey,
} from '../core/keys.js';
import { CLK_V3, EXTRA_FIELD_PREFIX } from '../core/params.js';
import {
  HUB_KEY_BYTES,
  hubKey,
  hubSubkey,
  PUBLISHED_TEST_HUB_KEY_DIGESTS,
  REKEY_PURPOSES,
} from '../core/rekey.js';
import { defaultConfigText, HubConfig } from '../hub/config.js';
import { SAMPLE_LINKAGE_KEY_HEX } from '../hub/test-hub.js';
import {
  createHubKeyFile,
  createLinkageKeyFile,
  createSealKeyFiles,
  createSigningKeyFiles,
  readHubKey,
  readLinkageKey,
} from '../shared/key-files.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);
const HUB_VECTORS = JSON.parse(readFileSync(join(ROOT, 'protocols/test-vectors-hub-v1.json'), 'utf8')) as {
  test_hub_key_hex: string;
};
const VECTORS = JSON.parse(readFileSync(join(ROOT, 'protocols/test-vectors-v3.json'), 'utf8')) as {
  test_key_hex: string;
};

/** Key material as it could be written: 64 hex digits, a 32-byte base64 value, an ldh-link token, a PEM key. */
const HEX64 = /(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])/g;
const B64_32 = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/]{43}=(?![A-Za-z0-9+/=])/g;
const TOKEN = /ldh_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/g;
const PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----/g;
/** the private-key JSON shapes of key-files.ts and signing-keys.ts, and the vectors' secret fields */
const PRIVATE_JSON = /"(?:secret_key|secret_key_hex|signing_secret_key_hex)"\s*:\s*"[0-9a-fA-F]{16,}"/g;

function keyMaterial(text: string): string[] {
  return [HEX64, B64_32, TOKEN, PEM, PRIVATE_JSON].flatMap((re) => [...text.matchAll(re)].map((m) => m[0]));
}

/** `ldh-link keygen linkage --out FILE`, run in this process: what it prints, and its exit code. */
async function keygen(out: string): Promise<{ output: string; exitCode: number }> {
  const printed: string[] = [];
  const capture = (chunk: unknown) => {
    printed.push(String(chunk));
    return true;
  };
  const so = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const se = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const before = process.exitCode;
  try {
    await runCommand(keygenCommand, { rawArgs: ['linkage', '--out', out] });
    return { output: printed.join(''), exitCode: Number(process.exitCode ?? 0) };
  } finally {
    so.mockRestore();
    se.mockRestore();
    process.exitCode = before;
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ldh-sec-keys-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('T3 — key hygiene', () => {
  /*
   * Threat: weak, reused, leaked or shared keys. A linkage key that is short, predictable, readable by
   * other users, or the same for two purposes; a key printed by a command, left in a default config, a
   * deployment example or a committed fixture. Attacker's knowledge: the repository, the deployment
   * files, the machine's other accounts. Measured: key lengths, file modes, the randomness source,
   * distinctness of every derived subkey, and every committed file scanned for key material.
   */

  describe('keys are 256-bit values from the operating system CSPRNG, in 0600 files', () => {
    it('`ldh-link keygen linkage` writes 32 random bytes as hex, mode 0600, and prints only the fingerprint', async () => {
      const out = join(dir, 'cli-linkage.key');
      const first = await keygen(out);
      const text = await readFile(out, 'utf8');
      expect(text).toMatch(/^[0-9a-f]{64}\n$/);
      const bytes = fromHex(text.trim());
      expect(bytes.length).toBe(32);
      expect((await stat(out)).mode & 0o777).toBe(0o600);
      expect(first.exitCode).toBe(0);
      expect(first.output).toContain(keyFingerprint(await readLinkageKey(out)));
      for (const leak of [text.trim(), text.trim().slice(0, 16), Buffer.from(bytes).toString('base64')]) {
        expect(first.output).not.toContain(leak);
      }
      // never overwrites a key, and says so without quoting it
      const again = await keygen(out);
      expect(again.exitCode).not.toBe(0);
      expect(again.output).not.toContain(text.trim());
      expect(await readFile(out, 'utf8')).toBe(text);
    });

    it('two keygens differ; key bits look uniform; every secret key file is 0600', async () => {
      const keys: LinkageKey[] = [];
      for (let i = 0; i < 16; i++) keys.push(await createLinkageKeyFile(join(dir, `k${i}.key`)));
      expect(new Set(keys.map((k) => toHex(k.bytes))).size).toBe(16);
      for (const k of keys) expect(k.bytes.length).toBe(32);
      // 16 × 256 bits: a fixed or badly seeded generator would be far from half ones
      let ones = 0;
      for (const k of keys) for (const b of k.bytes) for (let j = 0; j < 8; j++) ones += (b >> j) & 1;
      expect(ones / (16 * 256)).toBeGreaterThan(0.45);
      expect(ones / (16 * 256)).toBeLessThan(0.55);
      for (let i = 0; i < 16; i++) expect((await stat(join(dir, `k${i}.key`))).mode & 0o777).toBe(0o600);

      await createHubKeyFile(join(dir, 'hub1.key'));
      await createHubKeyFile(join(dir, 'hub2.key'));
      const h1 = (await readFile(join(dir, 'hub1.key'), 'utf8')).trim();
      const h2 = (await readFile(join(dir, 'hub2.key'), 'utf8')).trim();
      expect(h1).toMatch(/^[0-9a-f]{64}$/);
      expect(fromHex(h1).length).toBe(HUB_KEY_BYTES);
      expect(h1).not.toBe(h2);
      const seal = await createSealKeyFiles(join(dir, 'seal', 'hub-seal.key'));
      const signing = await createSigningKeyFiles('cnaf', join(dir, 'signing'));
      for (const f of [join(dir, 'hub1.key'), join(dir, 'seal', 'hub-seal.key'), signing.secretPath]) {
        expect((await stat(f)).mode & 0o777, f).toBe(0o600);
      }
      // the public halves carry no secret
      for (const f of [seal.publicPath, signing.publicPath]) {
        expect(await readFile(f, 'utf8')).not.toMatch(/secret/);
      }
    });

    it('the generators draw from node:crypto, and nothing key-related uses Math.random', () => {
      const keyFiles = readFileSync(join(ROOT, 'src/shared/key-files.ts'), 'utf8');
      expect(keyFiles).toMatch(/import \{[^}]*\brandomBytes\b[^}]*\} from 'node:crypto'/);
      // the linkage key, K_hub and the sealing secret: 32 bytes each from randomBytes
      expect(keyFiles.match(/randomBytes\(32\)/g)?.length).toBe(3);
      for (const f of [
        'src/shared/key-files.ts',
        'src/core/keys.ts',
        'src/core/rekey.ts',
        'src/core/seal.ts',
        'src/core/signing-keys.ts',
        'src/hub/tokens.ts',
        'src/hub/releases.ts',
        'src/disclosure/dp.ts',
        'src/producer/pseudonymise.ts',
      ]) {
        expect(readFileSync(join(ROOT, f), 'utf8'), f).not.toMatch(/Math\.random/);
      }
      // tokens: 32 random bytes of secret; DP noise: node:crypto randomInt
      expect(readFileSync(join(ROOT, 'src/hub/tokens.ts'), 'utf8')).toMatch(/randomBytes\(32\)/);
      expect(readFileSync(join(ROOT, 'src/hub/releases.ts'), 'utf8')).toMatch(
        /import \{ randomInt \} from 'node:crypto'/,
      );
    });

    // FINDING (low): the published test keys are accepted as real linkage keys. The tool refuses an
    // all-zero key but not the test key of protocols/test-vectors-v3.json (000102…1f) nor the fixtures'
    // SAMPLE_LINKAGE_KEY_HEX, whose pseudonyms anyone can compute; and the hub pins their fingerprints.
    // Expected: refused (by readLinkageKey / linkageKey, with a test-only escape hatch, and by
    // `admin producer add` on their fingerprints). Remove `.fails` once refused.
    it('a key file holding a published test key is refused as a linkage key', async () => {
      for (const [name, hex] of [
        ['vectors', VECTORS.test_key_hex],
        ['sample', SAMPLE_LINKAGE_KEY_HEX],
      ] as const) {
        const f = join(dir, `published-${name}.key`);
        await writeFile(f, `${hex}\n`, { mode: 0o600 });
        const err = await readLinkageKey(f, { allowTestKeys: false }).catch((e: unknown) => e);
        expect(err, name).toBeInstanceOf(LdhError);
        expect((err as LdhError).code).toBe('KEY_INVALID');
        expect((err as LdhError).message).not.toContain(hex);
        // the test suite (LDH_ALLOW_TEST_KEYS=1, vitest.config.ts) may use them
        expect(toHex((await readLinkageKey(f, { allowTestKeys: true })).bytes)).toBe(hex);
      }
      // a real key is not refused
      const real = join(dir, 'real.key');
      await writeFile(real, `${toHex(crypto.getRandomValues(new Uint8Array(32)))}\n`, { mode: 0o600 });
      await expect(readLinkageKey(real, { allowTestKeys: false })).resolves.toBeDefined();
    });

    it('the list of published keys holds exactly the fingerprints of the vectors’ and the fixtures’ keys', () => {
      const fp = (hex: string) => keyFingerprint(linkageKey(fromHex(hex)));
      expect([...PUBLISHED_TEST_KEY_FINGERPRINTS].sort()).toEqual(
        [fp(VECTORS.test_key_hex), fp(SAMPLE_LINKAGE_KEY_HEX)].sort(),
      );
    });

    it('the hub key of the hub vectors is refused as K_hub, and is the one key of its digest list', async () => {
      const hex = HUB_VECTORS.test_hub_key_hex;
      expect([...PUBLISHED_TEST_HUB_KEY_DIGESTS]).toEqual([toHex(sha256(fromHex(hex)))]);
      const f = join(dir, 'published-hub.key');
      await writeFile(f, `${hex}\n`, { mode: 0o600 });
      const err = await readHubKey(f, { allowTestKeys: false }).catch((e: unknown) => e);
      expect((err as LdhError).code).toBe('KEY_INVALID');
      expect((err as LdhError).message).not.toContain(hex);
      expect(toHex((await readHubKey(f, { allowTestKeys: true })).bytes)).toBe(hex);
      const real = join(dir, 'real-hub.key');
      await writeFile(real, `${toHex(crypto.getRandomValues(new Uint8Array(32)))}\n`, { mode: 0o600 });
      await expect(readHubKey(real, { allowTestKeys: false })).resolves.toBeDefined();
    });
  });

  describe('HKDF: one subkey per purpose', () => {
    const purposes = [
      'nir',
      'idkey',
      'fingerprint',
      ...CLK_V3.fields.map((f) => `clk/${f.name}`),
      `clk/${EXTRA_FIELD_PREFIX}address`,
      DIFFUSION_PURPOSE,
    ];

    it('every subkey of the linkage key is distinct from the others, from the master and from the fingerprint', () => {
      expect(purposes.length).toBe(3 + 14 + 1 + 1);
      for (let trial = 0; trial < 3; trial++) {
        const k = linkageKey(crypto.getRandomValues(new Uint8Array(32)));
        const all = [toHex(k.bytes), keyFingerprint(k), ...purposes.map((p) => toHex(subkey(k, p)))];
        expect(new Set(all).size).toBe(all.length);
        for (const p of purposes) expect(subkey(k, p).length).toBe(32);
      }
    });

    it('the hub’s subkeys are distinct from each other and from K_hub — and from the linkage subkeys, even for equal bytes', () => {
      const bytes = crypto.getRandomValues(new Uint8Array(32));
      const kh = hubKey(bytes);
      const hub = REKEY_PURPOSES.map((p) => toHex(hubSubkey(kh, p)));
      const link = purposes.map((p) => toHex(subkey(linkageKey(Uint8Array.from(bytes)), p)));
      const all = [toHex(bytes), ...hub, ...link];
      expect(new Set(all).size).toBe(all.length);
    });

    it('the master key is never used directly: only keys.ts and rekey.ts read key bytes, to derive subkeys', () => {
      const core = [
        'encoder.ts',
        'pseudonym.ts',
        'clk.ts',
        'composite.ts',
        'diffusion.ts',
        'soundex.ts',
        'manifest.ts',
        'seal.ts',
        'audit-chain.ts',
      ];
      for (const f of core) {
        const src = readFileSync(join(ROOT, 'src/core', f), 'utf8');
        expect(src, f).not.toMatch(/\bkey\.bytes\b/);
      }
      for (const f of ['keys.ts', 'rekey.ts']) {
        const uses = readFileSync(join(ROOT, 'src/core', f), 'utf8').match(/\bkey\.bytes\b/g) ?? [];
        expect(uses.length, f).toBe(1); // inside hkdf(…) only
      }
    });
  });

  describe('no key material in configuration defaults, deployment examples or committed files', () => {
    it('the hub configuration defaults name key files (paths), never hold a key', () => {
      const defaults = HubConfig.parse({});
      expect(defaults.secrets).toEqual({ hub_key: 'secrets/hub.key', seal_key: 'secrets/hub-seal.key' });
      expect(keyMaterial(JSON.stringify(defaults))).toEqual([]);
      expect(keyMaterial(defaultConfigText())).toEqual([]);
    });

    it('deploy/*.example* name key files, never hold a key', async () => {
      const { stdout } = await run('git', ['ls-files', 'deploy'], { cwd: ROOT, encoding: 'utf8' });
      const examples = stdout.split('\n').filter((f) => /\.example/.test(f));
      expect(examples.length).toBeGreaterThanOrEqual(2);
      for (const f of examples) {
        const text = await readFile(join(ROOT, f), 'utf8');
        expect(keyMaterial(text), f).toEqual([]);
        expect(text, f).not.toMatch(/Bearer\s+\S/);
      }
    });

    it('no committed file outside tests holds key material, but for the published test keys and digests allowed below', async () => {
      /**
       * Allowed occurrences, each with its reason. `value` narrows an entry to one value; without it,
       * every match in the file is allowed.
       */
      const allowed: { file: RegExp; value?: string; reason: string }[] = [
        {
          file: /^protocols\/test-vectors(-v3|-seal-v1|-hub-v1)\.json$/,
          reason: 'conformance vectors: outputs under published TEST keys (documented, never for real data)',
        },
        {
          file: /^protocols\/hub-v1(\.fr)?\.md$/,
          value: '0'.repeat(64),
          reason: 'the audit chain’s genesis hash (64 zeros), not a key',
        },
        {
          file: /^scripts\/vectors\.ts$/,
          value: VECTORS.test_key_hex,
          reason: 'the published test key the vectors are made with (in test-vectors-v3.json too)',
        },
        {
          file: /^src\/hub\/test-hub\.ts$/,
          value: SAMPLE_LINKAGE_KEY_HEX,
          reason: 'the documented test key of the test fixtures ("a test key: never use it for real data")',
        },
        ...[...PUBLISHED_TEST_HUB_KEY_DIGESTS].map((value) => ({
          file: /^src\/core\/rekey\.ts$/,
          value,
          reason: 'SHA-256 digest (not the key) of the published hub test key, which the hub refuses',
        })),
        ...[...PUBLISHED_TEST_KEY_FINGERPRINTS].map((value) => ({
          file: /^src\/core\/keys\.ts$/,
          value,
          reason: 'fingerprints (not keys) of the published test keys, which the tool refuses',
        })),
        {
          file: /^synthetic-data\/names\/README\.md$/,
          reason: 'SHA-256 checksums of the public name-frequency files',
        },
      ];
      const { stdout } = await run('git', ['ls-files', '-z'], {
        cwd: ROOT,
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      });
      const files = stdout.split('\0').filter((f) => f !== '' && !/\.test\.ts$/.test(f));
      expect(files.length).toBeGreaterThan(100);
      const found: string[] = [];
      let scanned = 0;
      let allowedHits = 0;
      for (const f of files) {
        let buf: Buffer;
        try {
          buf = await readFile(join(ROOT, f));
        } catch {
          continue; // deleted in the working tree
        }
        if (buf.includes(0)) continue; // binary
        scanned++;
        for (const m of keyMaterial(buf.toString('utf8'))) {
          const ok = allowed.some((a) => a.file.test(f) && (a.value === undefined || m.includes(a.value)));
          if (ok) allowedHits++;
          else found.push(`${f}: ${m.slice(0, 24)}…`);
        }
      }
      expect(scanned).toBeGreaterThan(100);
      // the scan does see key material: the allowed test keys and vectors
      expect(allowedHits).toBeGreaterThan(10);
      expect(found).toEqual([]);
      // the allowed test keys are the documented ones
      expect(readFileSync(join(ROOT, 'src/hub/test-hub.ts'), 'utf8')).toMatch(/never use it for real data/);
      expect(
        JSON.parse(readFileSync(join(ROOT, 'protocols/test-vectors-v3.json'), 'utf8')).description,
      ).toMatch(/published TEST key/);
    });
  });
});
