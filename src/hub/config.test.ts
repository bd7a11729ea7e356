import { describe, expect, it } from 'vitest';
import { LdhError } from '../core/errors.js';
import { defaultConfigText, parseConfig, settingRows } from './config.js';

describe('hub configuration', () => {
  it('fills every default and resolves relative paths from the config file', () => {
    const c = parseConfig({}, {}, '/etc/ldh');
    expect(c).toMatchObject({
      listen: { host: '127.0.0.1', port: 8787 },
      database: '/etc/ldh/hub.duckdb',
      data_dir: '/etc/ldh/data',
      secrets: { hub_key: '/etc/ldh/secrets/hub.key', seal_key: '/etc/ldh/secrets/hub-seal.key' },
      ingest: { allow_unsealed: false },
    });
    expect(c.ingest.max_upload_bytes).toBeGreaterThanOrEqual(4 * 1024 ** 3);
    expect(parseConfig({ database: '/var/lib/ldh/hub.duckdb' }, {}, '/etc/ldh').database).toBe(
      '/var/lib/ldh/hub.duckdb',
    );
  });

  it('lets the environment override the file', () => {
    const c = parseConfig(
      { listen: { port: 1 }, ingest: { allow_unsealed: false } },
      { LDH_HUB_PORT: '9000', LDH_HUB_ALLOW_UNSEALED: 'true', LDH_HUB_DATABASE: 'x.duckdb' },
      '/srv',
    );
    expect(c.listen.port).toBe(9000);
    expect(c.ingest.allow_unsealed).toBe(true);
    expect(c.database).toBe('/srv/x.duckdb');
  });

  it('fails fast naming the setting, and the environment variable it came from', () => {
    const fail = (json: unknown, env: Record<string, string> = {}) => {
      try {
        parseConfig(json, env, '/x');
      } catch (e) {
        expect(e).toBeInstanceOf(LdhError);
        expect((e as LdhError).code).toBe('CONFIG_INVALID');
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(fail({ listen: { port: 'eighty' } })).toMatch(/listen\.port/);
    expect(fail({}, { LDH_HUB_PORT: 'abc' })).toMatch(/listen\.port \(from LDH_HUB_PORT\)/);
    expect(fail({ ingest: { max_upload_bytes: 10 } })).toMatch(/ingest\.max_upload_bytes/);
    expect(fail({ unknown_setting: 1 })).toMatch(/unknown_setting|root/);
    expect(fail({}, { LDH_HUB_ALLOW_UNSEALED: 'maybe' })).toMatch(/LDH_HUB_ALLOW_UNSEALED/);
    expect(fail([])).toMatch(/JSON object/);
  });

  it('documents every setting, and the default file round-trips', () => {
    const rows = settingRows();
    expect(rows.every((r) => r.description.length > 0)).toBe(true);
    expect(rows.filter((r) => r.env === null)).toEqual([]);
    expect(parseConfig(JSON.parse(defaultConfigText()), {}, '/x')).toEqual(parseConfig({}, {}, '/x'));
  });
});
