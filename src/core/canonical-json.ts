/**
 * Canonical JSON — protocol v3 §7: RFC 8785 (JSON Canonicalization Scheme): object keys sorted by UTF-16
 * code units, no white space, numbers in ECMAScript shortest form, strings with the minimal escapes.
 * Python's `json.dumps(obj, sort_keys=True, separators=(',', ':'), ensure_ascii=False)` gives the same
 * bytes for the manifest (integers and ASCII keys only). Pure.
 */
import canonicalizeImport from 'canonicalize';

// canonicalize ships CommonJS typings whose default export is the function itself.
const canonicalizeFn = canonicalizeImport as unknown as (v: unknown) => string | undefined;

export function canonicalJson(value: unknown): string {
  const s = canonicalizeFn(value);
  if (s === undefined) throw new TypeError('value has no JSON form');
  return s;
}
