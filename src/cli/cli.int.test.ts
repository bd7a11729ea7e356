import { spawn, spawnSync } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProducerInput } from '../../bench/producer-input.js';
import { ERROR_CODES } from '../core/errors.js';
import { fixture } from '../producer/test-fixtures.js';

const MAIN = new URL('./main.ts', import.meta.url).pathname;
const cli = (...args: string[]) =>
  spawnSync('node', ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8' });

describe('ldh-link CLI', () => {
  it('documents every command and the exit codes', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    for (const c of ['keygen', 'pseudonymise', 'verify', 'inspect']) expect(r.stdout).toContain(c);
    for (const [code, v] of Object.entries(ERROR_CODES))
      expect(r.stdout).toMatch(new RegExp(`${v.exit}\\s+${code}`));
    expect(cli('pseudonymise', '--help').stdout).toContain('--linkage-key');
  });

  it('exits 2 on bad usage', () => {
    const r = cli('pseudonymise', '--source', 'dsn');
    expect(r.status).toBe(ERROR_CODES.USAGE.exit);
    expect(r.stderr).toContain('USAGE');
    expect(cli('keygen', 'producer', '--producer', 'xyz', '--out', '/tmp/x').status).toBe(
      ERROR_CODES.USAGE.exit,
    );
  });

  it('creates a 0600 linkage key, prints only its fingerprint, and never overwrites it', async () => {
    const f = await fixture();
    const path = join(f.dir, 'new.key');
    const r = cli('keygen', 'linkage', '--out', path);
    expect(r.status).toBe(0);
    const key = (await readFile(path, 'utf8')).trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(r.stdout).toMatch(/fingerprint [0-9a-f]{64}/);
    expect(r.stdout + r.stderr).not.toContain(key);
    expect(cli('keygen', 'linkage', '--out', path).status).toBe(ERROR_CODES.USAGE.exit);
    expect((await readFile(path, 'utf8')).trim()).toBe(key);
    const p = cli('keygen', 'producer', '--producer', 'pe', '--out', join(f.dir, 'pe'));
    expect(p.status).toBe(0);
    expect((await stat(join(f.dir, 'pe', 'pe-signing-key.json'))).mode & 0o777).toBe(0o600);
  });

  it('runs pseudonymise → verify → inspect with documented exit codes, without printing identities', async () => {
    const f = await fixture();
    const input = await f.csv();
    const out = join(f.dir, 'out');
    const args = [
      'pseudonymise',
      '--source',
      'dsn',
      '--input',
      input,
      '--mapping',
      f.mapping,
      '--linkage-key',
      f.key,
      '--signing-key',
      f.signingKey,
      '--out',
      out,
    ];
    const r = cli(...args);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('5 rows read, 5 kept, 0 rejected');
    expect(r.stderr).not.toMatch(/DUPONT|Dupont|185077505612323|A1/);
    expect(cli(...args).status).toBe(ERROR_CODES.OUTPUT_EXISTS.exit);
    expect(cli('verify', out, '--public-key', f.publicKey).status).toBe(0);
    const ins = cli('inspect', out, '--json');
    expect(JSON.parse(ins.stdout).counts.identities).toBe(4);
    const m = join(out, 'manifest.json');
    await writeFile(m, (await readFile(m, 'utf8')).replace('"identities": 4', '"identities": 3'));
    const bad = cli('verify', out, '--public-key', f.publicKey);
    expect(bad.status).toBe(ERROR_CODES.EXTRACT_SIGNATURE_INVALID.exit);
    expect(bad.stderr).toContain('EXTRACT_SIGNATURE_INVALID');
    const wrongKey = cli(...args.slice(0, -2), '--out', join(f.dir, 'o2'), '--delimiter', ';');
    expect(wrongKey.status).toBe(ERROR_CODES.INPUT_COLUMNS.exit);
    expect(wrongKey.stderr).toContain('check --delimiter');
  });

  it('leaves nothing that looks complete when killed mid-run, and the next run cleans up', async () => {
    const f = await fixture();
    const big = join(f.dir, 'big.csv');
    await writeProducerInput(big, 300_000);
    const { MAPPING } = await import('../../bench/producer-input.js');
    await writeFile(f.mapping, JSON.stringify(MAPPING));
    const out = join(f.dir, 'out');
    const args = [
      '--import',
      'tsx',
      MAIN,
      'pseudonymise',
      '--source',
      'dsn',
      '--mapping',
      f.mapping,
      '--linkage-key',
      f.key,
      '--signing-key',
      f.signingKey,
      '--out',
      out,
    ];
    const child = spawn('node', [...args, '--input', big], { stdio: 'ignore' });
    // wait until the run has started writing, then kill it hard
    for (let i = 0; i < 200; i++) {
      const entries = await readdir(out).catch(() => [] as string[]);
      const tmp = entries.find((e) => e.startsWith('.ldh-tmp-'));
      if (tmp && (await readdir(join(out, tmp))).some((e) => e.startsWith('events-'))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const left = await readdir(out);
    expect(left.filter((e) => ['manifest.json', 'extract.parquet', 'events.parquet'].includes(e))).toEqual(
      [],
    );
    expect(left.some((e) => e.startsWith('.ldh-tmp-'))).toBe(true);
    const small = join(f.dir, 'small.csv');
    await writeProducerInput(small, 100);
    const again = spawnSync('node', [...args, '--input', small], { encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect((await readdir(out)).some((e) => e.startsWith('.ldh-tmp-'))).toBe(false);
  });
});
