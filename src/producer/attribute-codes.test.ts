import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTES, type AttributeKind, SOURCES } from '../core/fields.js';
import { attributeCodes, NULL_CODE } from './attribute-codes.js';

/** Values a minimiser can give for an attribute of kind t. */
function values(t: AttributeKind): fc.Arbitrary<string | number> {
  switch (t.kind) {
    case 'month':
      return fc
        .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 12 }))
        .map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`);
    case 'code':
      return fc.constantFrom(...t.values);
    case 'dept':
      return fc.oneof(
        fc.integer({ min: 1, max: 95 }).map((n) => String(n).padStart(2, '0')),
        fc.constantFrom('2A', '2B', '971', '976', '984', '989'),
      );
    case 'int':
      return fc.integer({ min: t.min, max: t.max });
    case 'band':
      return fc.constantFrom(...t.bands);
  }
}

describe('attribute codes', () => {
  for (const source of SOURCES) {
    it(`round-trips every ${source} attribute's values, distinct values to distinct codes`, () => {
      const specs = ATTRIBUTES[source];
      const codes = attributeCodes(specs);
      specs.forEach((spec, i) => {
        const c = codes[i];
        if (c === undefined) throw new Error('codes');
        fc.assert(
          fc.property(values(spec.type), values(spec.type), (a, b) => {
            const ca = c.encode(a);
            expect(ca).not.toBe(NULL_CODE);
            expect(c.decode(ca)).toBe(a);
            expect(ca === c.encode(b)).toBe(a === b);
          }),
          { numRuns: 200 },
        );
      });
    });
  }

  it('refuses values outside the kind', () => {
    const [month, code, dept, int] = attributeCodes([
      { name: 'm', type: { kind: 'month' }, description: '' },
      { name: 'c', type: { kind: 'code', values: ['a'] }, description: '' },
      { name: 'd', type: { kind: 'dept' }, description: '' },
      { name: 'i', type: { kind: 'int', min: 0, max: 9 }, description: '' },
    ]);
    expect(() => month?.encode('2020-13')).toThrow(/month/);
    expect(() => month?.encode('202001')).toThrow(/month/);
    for (const bad of ['2020-1', '2020-001', '202O-01', '-01', '2020-00', '2020-1x', '123456-01'])
      expect(() => month?.encode(bad)).toThrow(/month/);
    expect(() => code?.encode('b')).toThrow(/code/);
    expect(() => dept?.encode('2C')).toThrow(/département/);
    expect(() => int?.encode(1.5)).toThrow(/integer/);
    expect(() => int?.encode(NULL_CODE)).toThrow(/integer/);
  });
});
