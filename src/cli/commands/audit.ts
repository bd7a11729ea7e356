/** `ldh-link audit verify --config FILE` — check the hub's audit chain on the database file. */
import { defineCommand } from 'citty';
import { LdhError } from '../../core/errors.js';
import { withHubStore } from '../../hub/admin.js';
import { verifyAudit } from '../../hub/audit.js';
import { guarded } from '../guard.js';

const verify = defineCommand({
  meta: {
    name: 'verify',
    description:
      'Verify the hash chain of the audit log and its recorded head: names the first entry that was edited, ' +
      'deleted, inserted or reordered. Exit 0 when intact.',
  },
  args: { config: { type: 'string', required: true, description: 'hub configuration file (JSON)' } },
  run: guarded(async (a: { config: string }) => {
    const r = await withHubStore(a.config, (store) => verifyAudit(store));
    if (!r.ok) {
      throw new LdhError(
        'AUDIT_CHAIN_BROKEN',
        `audit chain broken at entry ${r.seq} (${r.problem}): ${r.message}`,
      );
    }
    process.stdout.write(
      `audit chain intact: ${r.entries} entries, head ${r.head}${r.beyondHead ? ` (${r.beyondHead} after the recorded head)` : ''}\n`,
    );
  }),
});

export const auditCommand = defineCommand({
  meta: { name: 'audit', description: "The hub's audit log" },
  subCommands: { verify },
});
