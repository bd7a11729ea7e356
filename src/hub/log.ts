/**
 * The hub's log: one JSON object per line on stdout (or any writable). Fields are an allow-list, typed,
 * so that no header, body, token, key, pseudonym or identity can be logged by accident: ids are the
 * request id, token ids, extract ids (SHA-256 of a signed manifest) and counts.
 */
import type { Writable } from 'node:stream';

export interface LogFields {
  readonly req?: string;
  readonly method?: string;
  /** the route pattern, e.g. `/v1/extracts/:id` — never the raw URL */
  readonly route?: string;
  readonly status?: number;
  readonly ms?: number;
  readonly code?: string;
  readonly token_id?: string;
  readonly role?: string;
  readonly extract_id?: string;
  readonly producer?: string;
  readonly rows?: number;
  readonly bytes?: number;
  readonly port?: number;
  readonly host?: string;
  readonly stage?: string;
  readonly error_class?: string;
}

export interface Logger {
  info(msg: string, f?: LogFields): void;
  warn(msg: string, f?: LogFields): void;
  error(msg: string, f?: LogFields): void;
}

export function createLogger(out: Writable = process.stdout): Logger {
  const line =
    (level: string) =>
    (msg: string, f: LogFields = {}) =>
      void out.write(`${JSON.stringify({ t: new Date().toISOString(), level, msg, ...f })}\n`);
  return { info: line('info'), warn: line('warn'), error: line('error') };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
