/**
 * Sex — protocol v3 §1.4: INSEE coding, `1` male, `2` female; anything else is missing. A producer's own
 * codes are translated by its mapping file first; these defaults cover the common spellings. Pure.
 */
import { normaliseName } from './text.js';

export type Sex = '1' | '2';

const DEFAULTS: Readonly<Record<string, Sex>> = {
  '1': '1',
  M: '1',
  H: '1',
  HOMME: '1',
  MASCULIN: '1',
  MALE: '1',
  '2': '2',
  F: '2',
  FEMME: '2',
  FEMININ: '2',
  FEMALE: '2',
};

export function normaliseSex(raw: string | null | undefined): Sex | null {
  if (raw == null) return null;
  const t = raw.trim();
  if (t === '1' || t === '2') return t;
  return DEFAULTS[normaliseName(t)] ?? null;
}
