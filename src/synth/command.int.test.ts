import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runSynth, synthCommand } from '../cli/commands/synth.js';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ldh-synth-cli-'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const base = { persons: '300', seed: '3', from: '2021-01', to: '2022-06', force: false, workers: '0' };

describe('ldh-link synth', () => {
  it('declares the documented options and defaults', async () => {
    const args =
      typeof synthCommand.args === 'function' ? await synthCommand.args() : await synthCommand.args;
    expect(args?.persons).toMatchObject({ default: '100000' });
    expect(args?.seed).toMatchObject({ default: '1' });
    expect(args?.out).toMatchObject({ default: 'out/synth' });
    expect(args?.from).toMatchObject({ default: '2019-01' });
    expect(args?.to).toMatchObject({ default: '2025-12' });
    expect(args?.force).toMatchObject({ type: 'boolean', default: false });
  });

  it('generates the data set for the period asked and prints the error report', async () => {
    let printed = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += String(chunk);
      return true;
    });
    const out = join(root, 'ok');
    await runSynth({ ...base, out });
    expect(printed).toMatch(/^synth: 300 persons, seed 3, 2021-01\.\.2022-06/);
    expect(printed).toMatch(/PE: \d+ persons, \d+ records/);
    expect(printed).toMatch(/nir\.missing\s+configured\s+0\.80 %/);
    for (const f of [
      'pe.csv',
      'dsn.csv',
      'cnaf.csv',
      'pe.mapping.json',
      'truth/records.csv',
      'truth/error-report.json',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const stats = JSON.parse(readFileSync(join(out, 'truth/reference-stats.json'), 'utf8')) as {
      period: unknown;
    };
    expect(stats.period).toEqual({ from: '2021-01', to: '2022-06' });
  });

  it('applies a JSON rate override and rejects invalid ones with a usage error', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const good = join(root, 'rates.json');
    writeFileSync(good, JSON.stringify({ errors: { pe: { nir: { missing: 0.5 } } } }));
    const out = join(root, 'override');
    await runSynth({ ...base, out, config: good });
    const gen = JSON.parse(readFileSync(join(out, 'truth/generation.json'), 'utf8')) as {
      config: { errors: { pe: { nir: { missing: number; typo: number } } } };
    };
    expect(gen.config.errors.pe.nir).toMatchObject({ missing: 0.5, typo: 0.007 });

    const bad = join(root, 'bad.json');
    writeFileSync(bad, JSON.stringify({ errors: { dsn: { nir: { missing: 0.9, provisional: 0.2 } } } }));
    await expect(runSynth({ ...base, out: join(root, 'bad'), config: bad })).rejects.toMatchObject({
      code: 'USAGE',
    });
    await expect(runSynth({ ...base, out: join(root, 'x'), persons: 'many' })).rejects.toMatchObject({
      code: 'USAGE',
    });
    await expect(runSynth({ ...base, out: join(root, 'y'), from: '2019-13' })).rejects.toMatchObject({
      code: 'USAGE',
    });
    await expect(
      runSynth({ ...base, out: join(root, 'z'), config: join(root, 'missing.json') }),
    ).rejects.toMatchObject({
      code: 'INPUT_NOT_FOUND',
    });
  });
});
