#!/usr/bin/env node
/** The `ldh-link` command line: one sub-command per file under commands/. */
import { defineCommand, runCommand, showUsage } from 'citty';
import { ERROR_CODES } from '../core/errors.js';
import { TOOL_VERSION } from '../version.js';
import { adminCommand } from './commands/admin.js';
import { auditCommand } from './commands/audit.js';
import { inspectCommand } from './commands/inspect.js';
import { keygenCommand } from './commands/keygen.js';
import { linkCommand } from './commands/link.js';
import { pseudonymiseCommand } from './commands/pseudonymise.js';
import { queryCommand } from './commands/query.js';
import { serveCommand } from './commands/serve.js';
import { synthCommand } from './commands/synth.js';
import { uploadCommand } from './commands/upload.js';
import { verifyCommand } from './commands/verify.js';
import { reportError } from './guard.js';

const main = defineCommand({
  meta: {
    name: 'ldh-link',
    version: TOOL_VERSION,
    description: 'Privacy-preserving record linkage for the Labor Data Hub',
  },
  subCommands: {
    keygen: keygenCommand,
    pseudonymise: pseudonymiseCommand,
    verify: verifyCommand,
    inspect: inspectCommand,
    upload: uploadCommand,
    synth: synthCommand,
    serve: serveCommand,
    admin: adminCommand,
    link: linkCommand,
    query: queryCommand,
    audit: auditCommand,
  },
});

async function resolve(rawArgs: string[]) {
  // the deepest sub-command named by the arguments, for --help
  // biome-ignore lint/suspicious/noExplicitAny: citty's sub-command map is untyped
  let cmd: any = main;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  let parent: any;
  for (const a of rawArgs) {
    const subs = cmd.subCommands as Record<string, unknown> | undefined;
    if (!subs || !(a in subs)) break;
    parent = cmd;
    cmd = subs[a];
  }
  return [cmd, parent] as const;
}

const rawArgs = process.argv.slice(2);
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
