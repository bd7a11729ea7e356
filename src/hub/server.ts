/**
 * `ldh-link serve`: checks the configuration, secrets and database before listening, removes staging
 * directories a crash may have left, and stops gracefully on SIGTERM / SIGINT (stop accepting, finish
 * the requests in flight, checkpoint the database).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { highsSolver } from '../disclosure/lp.js';
import { TOOL_VERSION } from '../version.js';
import { loadSecrets, openStore } from './admin.js';
import { createApp } from './app.js';
import { audit, checkAuditAtStart } from './audit.js';
import type { HubConfig } from './config.js';
import { LinkageRuns } from './linkage-runs.js';
import { createLogger, type Logger } from './log.js';

export interface RunningHub {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

export async function startHub(config: HubConfig, log: Logger = createLogger()): Promise<RunningHub> {
  const secrets = await loadSecrets(config);
  const store = await openStore(config);
  await rm(join(config.data_dir, 'staging'), { recursive: true, force: true });
  const chain = await checkAuditAtStart(store);
  if (!chain.ok)
    log.error('the audit chain does not verify: run `ldh-link audit verify`', { code: chain.problem });
  else if (chain.beyondHead > 0)
    log.warn('audit head moved forward after an interrupted commit', { rows: chain.beyondHead });
  const runs = new LinkageRuns(store, log);
  await runs.recover();
  // the LP solver of disclosure control (WebAssembly, a few hundred ms to compile): loaded before the
  // first query rather than during it
  void highsSolver().catch(() => undefined);
  const app = createApp({ store, config, secrets, log, version: TOOL_VERSION, runs });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.listen.port, hostname: config.listen.host }, () =>
      resolve(s),
    );
    s.once('error', reject);
  });
  // uploads of several GB over slow links: no overall request deadline, but headers must come quickly;
  // idle keep-alive connections live longer than a reverse proxy's (and a client's pause between calls),
  // so that the server never closes a connection a client is about to reuse
  const http = server as unknown as {
    requestTimeout: number;
    headersTimeout: number;
    keepAliveTimeout: number;
  };
  http.requestTimeout = 0;
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.listen.port;
  await audit(store, {
    actor: 'system',
    action: 'hub.started',
    target: null,
    outcome: 'ok',
    detail: { version: TOOL_VERSION },
  });
  log.info('listening', { host: config.listen.host, port });
  let stopping: Promise<void> | undefined;
  return {
    port,
    url: `http://${config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host}:${port}`,
    stop() {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await runs.cancelActive('system');
        await audit(store, {
          actor: 'system',
          action: 'hub.stopped',
          target: null,
          outcome: 'ok',
          detail: {},
        });
        await store.close();
        log.info('stopped');
      })();
      return stopping;
    },
  };
}
