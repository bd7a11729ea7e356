#!/usr/bin/env node
/**
 * The `ldh-link` command line: one sub-command per file under commands/. Each is imported only when
 * it is named (or when --help lists it), so a producer's command does not load the hub or DuckDB first.
 */
import { defineCommand, runCommand, showUsage } from 'citty';
import { ERROR_CODES } from '../core/errors.js';
import { TOOL_VERSION } from '../version.js';
import { reportError } from './guard.js';

const main = defineCommand({
  meta: {
    name: 'ldh-link',
    version: TOOL_VERSION,
    description: 'Privacy-preserving record linkage for the Labor Data Hub',
  },
  subCommands: {
    keygen: () => import('./commands/keygen.js').then((m) => m.keygenCommand),
    pseudonymise: () => import('./commands/pseudonymise.js').then((m) => m.pseudonymiseCommand),
    verify: () => import('./commands/verify.js').then((m) => m.verifyCommand),
    inspect: () => import('./commands/inspect.js').then((m) => m.inspectCommand),
    upload: () => import('./commands/upload.js').then((m) => m.uploadCommand),
    synth: () => import('./commands/synth.js').then((m) => m.synthCommand),
    serve: () => import('./commands/serve.js').then((m) => m.serveCommand),
    admin: () => import('./commands/admin.js').then((m) => m.adminCommand),
    link: () => import('./commands/link.js').then((m) => m.linkCommand),
    query: () => import('./commands/query.js').then((m) => m.queryCommand),
    audit: () => import('./commands/audit.js').then((m) => m.auditCommand),
  },
});

async function resolve(rawArgs: string[]) {
  // the deepest sub-command named by the arguments, for --help; entries may be lazy (citty's Resolvable)
  // biome-ignore lint/suspicious/noExplicitAny: citty's sub-command map is untyped
  let cmd: any = main;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  let parent: any;
  for (const a of rawArgs) {
    const subs = cmd.subCommands as Record<string, unknown> | undefined;
    if (!subs || !(a in subs)) break;
    parent = cmd;
    const sub = subs[a];
    cmd = await (typeof sub === 'function' ? sub() : sub);
  }
  return [cmd, parent] as const;
}

const rawArgs = process.argv.slice(2);
if (rawArgs[0] === 'pseudonymise' && !rawArgs.includes('--help') && !rawArgs.includes('-h')) {
  // the worker threads load their code while this process loads the command's
  const { defaultWorkers, prestartWorkers } = await import('../producer/worker-start.js');
  const at = rawArgs.indexOf('--workers');
  const n = at < 0 ? defaultWorkers() : Number(rawArgs[at + 1]);
  if (Number.isInteger(n) && n > 0 && n <= 64) prestartWorkers(n);
}
if (rawArgs.includes('--help') || rawArgs.includes('-h') || rawArgs.length === 0) {
  const [cmd, parent] = await resolve(rawArgs);
  await showUsage(cmd, parent);
  if (cmd === main) {
    process.stdout.write(
      `\nExit codes:\n${Object.entries(ERROR_CODES)
        .map(([code, v]) => `  ${String(v.exit).padStart(3)}  ${code.padEnd(26)} ${v.summary}`)
        .join('\n')}\n`,
    );
  }
} else if (rawArgs.length === 1 && (rawArgs[0] === '--version' || rawArgs[0] === '-v')) {
  process.stdout.write(`${TOOL_VERSION}\n`);
} else {
  try {
    await runCommand(main, { rawArgs });
  } catch (e) {
    if (e instanceof Error && e.name === 'CLIError') {
      const [cmd, parent] = await resolve(rawArgs);
      await showUsage(cmd, parent);
      process.stderr.write(`ldh-link: error USAGE: ${e.message}\n`);
      process.exitCode = ERROR_CODES.USAGE.exit;
    } else {
      process.exitCode = reportError(e);
    }
  }
}
