/**
 * `ldh-link upload DIR --hub URL --token-file FILE` — send an extract to the hub. The client and the
 * progress bar are imported in `run`, so --help and usage errors answer at once.
 */
import { defineCommand } from 'citty';
import { LdhError } from '../../core/errors.js';
import { guarded } from '../guard.js';

export const uploadCommand = defineCommand({
  meta: {
    name: 'upload',
    description:
      'Send an extract to the hub: DIR/extract.sealed when present (pseudonymise --seal-to), else the plain bundle. ' +
      'Retries transient failures; prints the receipt (JSON) on stdout.',
  },
  args: {
    dir: { type: 'positional', required: true, description: 'extract directory' },
    hub: { type: 'string', required: true, description: 'hub base URL, e.g. https://hub.example:8443' },
    'token-file': { type: 'string', required: true, description: 'file holding this producer’s token' },
    retries: { type: 'string', default: '5', description: 'retries after a transient failure' },
    plain: {
      type: 'boolean',
      default: false,
      description: 'send the unsealed bundle even if extract.sealed exists',
    },
    progress: {
      type: 'boolean',
      default: true,
      description: 'progress bar on a TTY (--no-progress to hide)',
    },
  },
  run: guarded(
    async (a: {
      dir: string;
      hub: string;
      'token-file': string;
      retries: string;
      plain: boolean;
      progress: boolean;
    }) => {
      const retries = Number(a.retries);
      if (!Number.isInteger(retries) || retries < 0 || retries > 20)
        throw new LdhError('USAGE', '--retries must be 0–20');
      const { readTokenFile, upload } = await import('../../producer/upload.js');
      const token = await readTokenFile(a['token-file']);
      const bar =
        a.progress && process.stderr.isTTY
          ? new (await import('cli-progress')).SingleBar({
              format: 'upload [{bar}] {percentage}% | {value}/{total} MB',
              stream: process.stderr,
            })
          : null;
      let started = false;
      const r = await upload({
        dir: a.dir,
        hub: a.hub,
        token,
        retries,
        plain: a.plain,
        onProgress: (sent, total) => {
          if (!bar) return;
          if (!started) {
            bar.start(Math.ceil(total / 1e6), 0);
            started = true;
          }
          bar.update(Math.floor(sent / 1e6));
        },
        onRetry: (n, reason, ms) => {
          bar?.stop();
          started = false;
          process.stderr.write(
            `upload attempt ${n} failed (${reason}); retrying in ${Math.round(ms / 1000)} s\n`,
          );
        },
      }).finally(() => bar?.stop());
      process.stdout.write(`${JSON.stringify(r.receipt, null, 2)}\n`);
      process.stderr.write(
        `${r.status === 200 ? 'already received' : 'accepted'}: extract ${String(r.receipt.extract_id)} ` +
          `(${r.sealed ? 'sealed' : 'plain'}, ${r.bytes} bytes, ${r.attempts} attempt${r.attempts > 1 ? 's' : ''})\n`,
      );
    },
  ),
});
