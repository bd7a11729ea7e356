/**
 * One place where command failures become exit codes and messages. An LdhError prints its code and
 * message; anything else prints "internal error" only — its detail (which may quote data, e.g. a DuckDB
 * conversion message) is shown only when LDH_DEBUG=1 is set by the operator on their own machine.
 */
import { ERROR_CODES, LdhError } from '../core/errors.js';

export function reportError(e: unknown): number {
  if (e instanceof LdhError) {
    process.stderr.write(`ldh-link: error ${e.code}: ${e.message}\n`);
    return e.exitCode;
  }
  process.stderr.write(
    'ldh-link: error INTERNAL: internal error (set LDH_DEBUG=1 to see the detail on this machine)\n',
  );
  if (process.env.LDH_DEBUG === '1')
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return ERROR_CODES.INTERNAL.exit;
}

/** Wraps a command body: sets process.exitCode instead of throwing. */
export function guarded<A>(body: (args: A) => Promise<void>): (ctx: { args: A }) => Promise<void> {
  return async ({ args }) => {
    try {
      await body(args);
    } catch (e) {
      process.exitCode = reportError(e);
    }
  };
}
