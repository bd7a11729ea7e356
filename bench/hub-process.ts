/**
 * The compiled hub as a child process for the end-to-end benchmarks: started through bench/with-rss.mjs
 * (which reports the process's peak resident set at exit), its URL read from the `listening` log line.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface HubProcess {
  readonly url: string;
  /** stops the hub (SIGTERM), waits for it, returns its peak RSS in MB and its stderr */
  stop(): Promise<{ peakRssMb: number; stderr: string }>;
}

export async function startHubProcess(root: string, config: string): Promise<HubProcess> {
  const server = spawn('node', [join(root, 'bench/with-rss.mjs'), 'serve', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  server.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => server.on('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"msg":"listening","host":"([^"]+)","port":(\d+)/.exec(out);
      if (m) resolve(`http://${m[1]}:${m[2]}`);
    });
    server.on('exit', () => reject(new Error(`the hub did not start: ${stderr}`)));
  });
  return {
    url,
    async stop() {
      server.kill('SIGTERM');
      await exited;
      return { peakRssMb: Number(/maxrss_kb=(\d+)/.exec(stderr)?.[1] ?? 0) / 1024, stderr };
    },
  };
}
