/**
 * Coverage counters of a run (manifest `coverage`): NIR classes, missing and invalid identity fields,
 * identities with a secondary identity key — counted per identity row of the extract — plus kept rows and
 * rejects by reason. Mergeable, so each worker counts its own batches.
 */
import type { IdentityField } from '../core/fields.js';
import type { Identity } from '../core/identity.js';
import type { NirClass } from '../core/nir.js';

/** Identity fields whose absence is counted (the NIR counts as missing when its class is `missing`). */
export const MISSING_FIELDS = [
  'nir',
  'birth_name',
  'usage_name',
  'first_names',
  'birth_date',
  'sex',
  'birth_place',
] as const satisfies readonly IdentityField[];

export interface Coverage {
  /** input rows kept (events) */
  kept: number;
  /** identity rows */
  identities: number;
  withIdkey: number;
  nirClasses: Record<NirClass, number>;
  missing: Record<(typeof MISSING_FIELDS)[number], number>;
  invalid: Record<string, number>;
  rejects: Record<string, number>;
}

export function emptyCoverage(): Coverage {
  return {
    kept: 0,
    identities: 0,
    withIdkey: 0,
    // literals, not built from the lists: objects of a fixed shape, whose counters are cheap to update
    nirClasses: { certified: 0, unverified: 0, provisional: 0, invalid: 0, missing: 0 },
    missing: { nir: 0, birth_name: 0, usage_name: 0, first_names: 0, birth_date: 0, sex: 0, birth_place: 0 },
    invalid: {},
    rejects: {},
  };
}

export function countIdentity(c: Coverage, id: Identity, hasIdkey: boolean): void {
  c.identities++;
  c.nirClasses[id.nir.class]++;
  if (id.nir.class === 'missing') c.missing.nir++;
  if (id.birthName === '') c.missing.birth_name++;
  if (id.usageName === '') c.missing.usage_name++;
  if (id.firstNames.length === 0) c.missing.first_names++;
  if (id.birthDate === null) c.missing.birth_date++;
  if (id.sex === null) c.missing.sex++;
  if (id.birthPlace === null) c.missing.birth_place++;
  for (const f of id.invalid) c.invalid[f] = (c.invalid[f] ?? 0) + 1;
  if (hasIdkey) c.withIdkey++;
}

export function countReject(c: Coverage, reason: string): void {
  c.rejects[reason] = (c.rejects[reason] ?? 0) + 1;
}

function addInto(a: Record<string, number>, b: Record<string, number>): void {
  for (const [k, v] of Object.entries(b)) a[k] = (a[k] ?? 0) + v;
}

export function mergeCoverage(into: Coverage, from: Coverage): void {
  into.kept += from.kept;
  into.identities += from.identities;
  into.withIdkey += from.withIdkey;
  addInto(into.nirClasses, from.nirClasses);
  addInto(into.missing, from.missing);
  addInto(into.invalid, from.invalid);
  addInto(into.rejects, from.rejects);
}
