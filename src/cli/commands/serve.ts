/** `ldh-link serve --config FILE` — the hub service. */
import { defineCommand } from 'citty';
import { loadConfig } from '../../hub/config.js';
import { createLogger } from '../../hub/log.js';
import { startHub } from '../../hub/server.js';
import { guarded } from '../guard.js';

export const serveCommand = defineCommand({
  meta: {
    name: 'serve',
    description:
      'Run the hub: HTTP API (Hono) over the DuckDB file named in the config. Logs JSON lines on stdout. ' +
      'Environment overrides: LDH_HUB_HOST, LDH_HUB_PORT, LDH_HUB_DATABASE, LDH_HUB_DATA_DIR, LDH_HUB_KEY_FILE, ' +
      'LDH_HUB_SEAL_KEY_FILE, LDH_HUB_MAX_UPLOAD_BYTES, LDH_HUB_ALLOW_UNSEALED, LDH_HUB_MEMORY_LIMIT, LDH_HUB_THREADS.',
  },
  args: { config: { type: 'string', required: true, description: 'hub configuration file (JSON)' } },
  run: guarded(async (a: { config: string }) => {
    const config = loadConfig(a.config);
    const log = createLogger();
    const hub = await startHub(config, log);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        log.info('stopping', { stage: signal });
        hub.stop().then(resolve, resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
  }),
});
