/**
 * Fault injection for the crash-safety tests: when the environment variable LDH_HUB_FAULT names a
 * point, the process kills itself there with SIGKILL — no clean-up, exactly like a power cut or
 * `kill -9`. Points: `received` (bundle staged, nothing loaded), `loaded` (rows inserted, transaction
 * not committed), `committed` (committed, audit head not yet written, no response sent). Inert unless
 * the variable is set; never set it in production.
 */
export type FaultPoint = 'received' | 'loaded' | 'committed';

export function fault(point: FaultPoint): void {
  if (process.env.LDH_HUB_FAULT === point) process.kill(process.pid, 'SIGKILL');
}
