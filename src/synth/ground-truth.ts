/**
 * Ground truth, written apart from the extracts under `OUT/truth/`: `records.csv` says which true person
 * each producer record belongs to, `persons.csv` holds every true person's identity (including those in
 * no source). UTF-8, comma-separated, ISO dates. With the extracts they let anyone recompute the true
 * linkage and the true cohort statistics independently of the generator.
 */
import { PAD2 } from './calendar.js';
import { quote } from './extracts.js';
import type { TruePerson } from './population.js';

export const RECORDS_HEADER = 'source,record_id,person_id\n';
export const PERSONS_HEADER =
  'person_id,nir,sex,birth_date,birth_place,birth_name,usage_name,first_names,residence_dept\n';

export function recordLine(source: string, recordId: string, personId: string): string {
  return `${source},${recordId},${personId}\n`;
}

export function personLine(p: TruePerson): string {
  const date = `${p.birthYear}-${PAD2[p.birthMonth] ?? '00'}-${PAD2[p.birthDay] ?? '00'}`;
  return (
    `${p.personId},${p.nir},${p.sex},${date},${p.birthPlace},${quote(p.birthName, ',')},` +
    `${quote(p.usageName, ',')},${quote(p.firstNames.join(' '), ',')},${p.residenceDept}\n`
  );
}
