import { describe, expect, it } from 'vitest';
import { bandOf, minimiseAttributes, RowReject } from './attributes.js';
import { MONTHLY_WAGE_BANDS } from './fields.js';
import { Mapping } from './mapping.js';

const m = Mapping.parse({
  version: 1,
  source: 'dsn',
  columns: { contract_start: 'd' },
  date_formats: { default: 'DD/MM/YYYY' },
  decimal_separator: ',',
});
const row = (o: Record<string, string>) => (f: string) => o[f] ?? null;

describe('attribute minimisation', () => {
  it('cuts dates to the month and amounts to bands', () => {
    const out = minimiseAttributes(
      'dsn',
      m,
      row({ contract_start: '15/03/2023', gross_monthly_wage: '2 450,50', employer_dept: '2a' }),
    );
    expect(out.contract_start).toBe('2023-03');
    expect(out.gross_monthly_wage).toBe(2000);
    expect(out.employer_dept).toBe('2A');
    expect(out.contract_end).toBeNull();
    expect(bandOf(12000, MONTHLY_WAGE_BANDS)).toBe(7500);
  });

  it('rejects rows with a coded reason', () => {
    const reason = (o: Record<string, string>) => {
      try {
        minimiseAttributes('dsn', m, row(o));
        return null;
      } catch (e) {
        return e instanceof RowReject ? `${e.reason}:${e.field}` : 'other';
      }
    };
    expect(reason({})).toBe('REQUIRED_MISSING:contract_start');
    expect(reason({ contract_start: '31/02/2023' })).toBe('DATE_INVALID:contract_start');
    expect(reason({ contract_start: '01/02/2023', contract_type: 'permanent' })).toBe(
      'CODE_UNKNOWN:contract_type',
    );
    expect(reason({ contract_start: '01/02/2023', gross_monthly_wage: 'abc' })).toBe(
      'NUMBER_INVALID:gross_monthly_wage',
    );
    expect(reason({ contract_start: '01/02/2023', employer_dept: '20' })).toBe('DEPT_INVALID:employer_dept');
  });
});

describe('mapping files', () => {
  it('refuse unknown canonical fields and unknown keys', () => {
    expect(Mapping.safeParse({ version: 1, source: 'pe', columns: { contract_start: 'x' } }).success).toBe(
      false,
    );
    expect(Mapping.safeParse({ version: 1, source: 'pe', columns: {}, extra: true }).success).toBe(false);
    expect(Mapping.safeParse({ version: 1, source: 'pe', columns: { reg_start: 'x' } }).success).toBe(true);
  });
});
