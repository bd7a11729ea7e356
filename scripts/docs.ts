/**
 * The generated parts of protocols/: parameter tables built from the code, in English and French — and,
 * for the CNIL dossier, tables derived by running the code (what leaves a producer, what the hub stores).
 * `npm run docs` rewrites every block between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`
 * in the protocol documents; scripts/docs.test.ts fails when a committed block is stale.
 */
import { readFileSync } from 'node:fs';
import { minimiseAttributes, REJECT_REASONS, RowReject } from '../src/core/attributes.js';
import { AUDIT_CONTEXT, GENESIS_HASH } from '../src/core/audit-chain.js';
import { compositeTokens } from '../src/core/composite.js';
import { DIFFUSION_PURPOSE } from '../src/core/diffusion.js';
import { clkInput } from '../src/core/encoder.js';
import { ERROR_CODES } from '../src/core/errors.js';
import { eventColumns, IDENTITY_COLUMNS } from '../src/core/extract-schema.js';
import {
  ATTRIBUTES,
  type AttributeKind,
  IDENTITY_FIELDS,
  type IdentityField,
  REQUIRED_ATTRIBUTES,
  SOURCES,
  type Source,
} from '../src/core/fields.js';
import { normaliseIdentity, type RawIdentity } from '../src/core/identity.js';
import {
  FINGERPRINT_MESSAGE,
  HKDF_INFO_PREFIX,
  HKDF_SALT,
  LINKAGE_KEY_BYTES,
  linkageKey,
} from '../src/core/keys.js';
import { SIGNATURE_CONTEXT } from '../src/core/manifest.js';
import { Mapping } from '../src/core/mapping.js';
import { DATE_FORMATS } from '../src/core/mapping-read.js';
import { NIR_CLASS_RULES, NIR_CLASSES, withControlKey } from '../src/core/nir.js';
import {
  CLK_V3,
  COMPOSITE_V3,
  clkBits,
  clkParamsWithExtras,
  EXTRA_FIELD_PREFIX,
  EXTRA_NAME,
  NORMALISATION_VERSION,
  PROTOCOL_VERSION,
} from '../src/core/params.js';
import { IDKEY_DOMAIN, NIR_DOMAIN } from '../src/core/pseudonym.js';
import { HUB_INFO_PREFIX, HUB_KEY_BYTES, REKEY_PURPOSES } from '../src/core/rekey.js';
import { RID_BITS, RidPermutation } from '../src/core/rid.js';
import {
  DEFAULT_CHUNK_SIZE,
  MAX_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
  SEAL_HEADER_BYTES,
  SEAL_INFO,
  SEAL_MAGIC,
} from '../src/core/seal.js';
import { NAME_PLACEHOLDERS } from '../src/core/text.js';
import { DEFAULT_THRESHOLD, THRESHOLD_FLOOR } from '../src/disclosure/policy.js';
import { BUNDLE_FILES, MEDIA_SEALED, MEDIA_TAR } from '../src/extract/bundle-pack.js';
import { AUDIT_ACTIONS } from '../src/hub/audit.js';
import { settingRows } from '../src/hub/config.js';
import { DOMAINS, FACT_INPUTS, OUTCOME_BITS, OUTCOME_KINDS } from '../src/hub/facts.js';
import { MIGRATIONS } from '../src/hub/migrations.js';
import { PROBLEMS } from '../src/hub/problems.js';
import { ACCESS } from '../src/hub/roles.js';
import { DEFAULT_LINK_CONFIG } from '../src/link/engine.js';
import { DEFAULT_LSH } from '../src/link/lsh.js';
import { countIdentity, emptyCoverage } from '../src/producer/coverage.js';
import { LineWriter } from '../src/producer/files.js';
import {
  identityRecordBytes,
  readIdentityRecord,
  writeIdentityRecord,
} from '../src/producer/intermediate.js';
import { RowProcessor } from '../src/producer/row-processor.js';

export type Lang = 'en' | 'fr';

const FR: Readonly<Record<string, string>> = JSON.parse(
  readFileSync(new URL('./docs-fr.json', import.meta.url), 'utf8'),
);

/** French translation of a phrase that comes from the code; a missing one is an error (docs.test.ts). */
export function tr(lang: Lang, en: string): string {
  if (lang === 'en') return en;
  const fr = FR[en];
  if (fr === undefined) throw new Error(`no French translation for: ${en}`);
  return fr;
}

function table(lang: Lang, head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const esc = (c: string | number) => String(c).replace(/\|/g, '\\|');
  return [
    `| ${head.map((h) => tr(lang, h)).join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

const code = (s: string | number) => `\`${s}\``;

/** The CLK field of an extra field `<name>` (protocol v3 §4.1), as the code builds it. */
function extraField() {
  const f = clkParamsWithExtras(['<name>']).fields.at(-1);
  if (f === undefined || !f.name.startsWith(EXTRA_FIELD_PREFIX)) throw new Error('no extra CLK field');
  return f;
}

/**
 * @param typography French typography (a no-break space before the colon) and translated units — the
 *   dossier's tables; the protocol documents' `attributes` block keeps its original form.
 */
function kindText(lang: Lang, k: AttributeKind, typography = false): string {
  const colon = typography ? colonOf(lang) : ': ';
  switch (k.kind) {
    case 'month':
      return tr(lang, 'date cut to the month (YYYY-MM)');
    case 'code':
      return `${tr(lang, 'code')}${colon}${k.values.map(code).join(', ')}`;
    case 'dept':
      return tr(lang, 'département code');
    case 'int':
      return `${tr(lang, 'integer')} ${k.min}–${k.max}`;
    case 'band':
      return `${tr(lang, 'band lower bound')} (${typography ? tr(lang, k.unit) : k.unit})${colon}${k.bands.join(', ')}`;
  }
}

/** `: ` in English, a no-break space and `: ` in French. */
const colonOf = (lang: Lang): string => (lang === 'fr' ? '\u00a0: ' : ': ');

// ---------------------------------------------------------------------------------------------------
// The CNIL dossier (protocols/dossier.md, dossier.fr.md). Its tables are derived by running the code on
// probes — what each identity field feeds, how each attribute is minimised — or by reading the hub's
// migrations, so that a change in what leaves a producer or what the hub stores makes the dossier stale.

/** Two complete, valid, made-up identities that differ in every field. */
const PROBE: Readonly<Record<IdentityField, readonly [string, string]>> = {
  record_id: ['R1', 'R2'],
  nir: [withControlKey('1850775056123'), withControlKey('2920313055042')],
  nir_certified: ['OUI', 'NON'],
  birth_name: ['Dupont', 'Lefebvre'],
  usage_name: ['Martin', 'Bernard'],
  first_names: ['Jean Paul', 'Marie Claire'],
  birth_date: ['1985-07-12', '1992-03-04'],
  sex: ['1', '2'],
  birth_place: ['75056', '13055'],
};
/** The identity whose composite tokens illustrate §4.3 (a usage name: two surname tokens). */
const COMPOSITE_EXAMPLE: RawIdentity = {
  nir: null,
  birth_name: 'Dupont',
  usage_name: 'Martin',
  first_names: 'Jean',
  birth_date: '1985-07-12',
  sex: '1',
  birth_place: '75056',
};
/** A value that no identity rule accepts as such (invalid or empty after normalisation). */
const PROBE_GARBAGE = '#?';

/** How each column of extract.parquet reaches the hub. */
const COLUMN_FORM: Readonly<Record<string, 'number' | 'clear' | 'keyed'>> = {
  rid: 'number',
  nir_class: 'clear',
  nir_p1: 'keyed',
  idkey: 'keyed',
  clk: 'keyed',
  birth_year: 'clear',
  sex: 'clear',
};

/** A value every attribute rule accepts. */
function validAttributeValue(k: AttributeKind): string {
  switch (k.kind) {
    case 'month':
      return '2020-01-15';
    case 'code':
      return k.values[0] ?? '';
    case 'dept':
      return '75';
    case 'int':
      return String(k.min);
    case 'band':
      return String(k.bands[0]);
  }
}

/** Everything the producer's code derives from one identity, as comparable strings. */
function observeIdentity(raw: Readonly<Record<IdentityField, string | null>>): Map<string, string> {
  const mapping = Mapping.parse({
    version: 1,
    source: 'pe',
    columns: Object.fromEntries([...IDENTITY_FIELDS, ...REQUIRED_ATTRIBUTES.pe].map((f) => [f, f])),
  });
  const key = linkageKey(new Uint8Array(LINKAGE_KEY_BYTES).fill(7));
  const processor = new RowProcessor(key, mapping, new RidPermutation(new Uint32Array(4)));
  const get = (f: string): string | null => {
    if ((IDENTITY_FIELDS as readonly string[]).includes(f)) return raw[f as IdentityField] ?? null;
    const spec = ATTRIBUTES.pe.find((a) => a.name === f);
    return spec && REQUIRED_ATTRIBUTES.pe.includes(f) ? validAttributeValue(spec.type) : null;
  };
  const row = processor.process(get, 0, 'probe');
  const out = new Map<string, string>();
  let record = new Uint8Array(0);
  const w = new LineWriter((bytes) => {
    record = bytes.slice();
  });
  writeIdentityRecord(w, row, new Uint8Array(identityRecordBytes(processor.clkBytes)));
  w.close();
  for (const [c, v] of Object.entries(readIdentityRecord(record))) out.set(`column:${c}`, v);
  const id = normaliseIdentity(raw as RawIdentity);
  for (const [f, v] of Object.entries(clkInput(id))) out.set(`clk:${f}`, JSON.stringify(v));
  const cov = emptyCoverage();
  countIdentity(cov, id, row.encoded?.idkey != null);
  out.set('coverage.nir_classes', JSON.stringify(cov.nirClasses));
  out.set('coverage.with_idkey', String(cov.withIdkey));
  for (const [f, n] of Object.entries(cov.missing)) out.set(`coverage.missing.${f}`, String(n));
  for (const f of IDENTITY_FIELDS) out.set(`coverage.invalid.${f}`, String(cov.invalid[f] ?? 0));
  return out;
}

/** What changes in the producer's output when one identity field is changed, emptied or garbled. */
function identityEffects(): Map<IdentityField, Set<string>> {
  const names = IDENTITY_COLUMNS.map((c) => c.name).join(',');
  const record = Object.keys(readIdentityRecord(new Uint8Array(identityRecordBytes(128)))).join(',');
  if (names !== record || names !== Object.keys(COLUMN_FORM).join(',')) {
    throw new Error('docs: IDENTITY_COLUMNS, the identity record and COLUMN_FORM disagree');
  }
  const base = Object.fromEntries(IDENTITY_FIELDS.map((f) => [f, PROBE[f][0]])) as Record<
    IdentityField,
    string | null
  >;
  const before = observeIdentity(base);
  const effects = new Map<IdentityField, Set<string>>();
  for (const f of IDENTITY_FIELDS) {
    const changed = new Set<string>();
    for (const v of [PROBE[f][1], null, PROBE_GARBAGE]) {
      const after = observeIdentity({ ...base, [f]: v });
      for (const [k, x] of after) if (before.get(k) !== x) changed.add(k);
    }
    effects.set(f, changed);
  }
  return effects;
}

function identityDictionary(lang: Lang): string {
  const effects = identityEffects();
  const list = (xs: string[]) => (xs.length === 0 ? '—' : xs.map(code).join(', '));
  return table(
    lang,
    [
      'input field',
      'in clear at the hub',
      'keyed pseudonyms',
      'CLK fields (keyed)',
      'counted in the manifest',
    ],
    IDENTITY_FIELDS.map((f) => {
      const e = [...(effects.get(f) ?? [])];
      const cols = (form: string) =>
        e
          .filter((k) => k.startsWith('column:'))
          .map((k) => k.slice('column:'.length))
          .filter((c) => COLUMN_FORM[c] === form && c !== 'clk');
      const sent = e.some((k) => k.startsWith('column:'));
      return [
        code(f),
        sent ? list(cols('clear')) : tr(lang, 'nothing: it never leaves the producer'),
        list(cols('keyed')),
        list(e.filter((k) => k.startsWith('clk:')).map((k) => k.slice('clk:'.length))),
        list(e.filter((k) => k.startsWith('coverage.'))),
      ];
    }),
  );
}

/** The reject reason (or null: accepted) that an empty and an unreadable value of an attribute give. */
function attributeBehaviour(source: Source, name: string): { empty: string | null; garbage: string | null } {
  const mapping = Mapping.parse({ version: 1, source, columns: {} });
  const run = (v: string): string | null => {
    try {
      minimiseAttributes(source, mapping, (f) => {
        const spec = ATTRIBUTES[source].find((a) => a.name === f);
        if (spec === undefined) return null;
        return f === name ? v : validAttributeValue(spec.type);
      });
      return null;
    } catch (e) {
      if (e instanceof RowReject) return e.reason;
      throw e;
    }
  };
  return { empty: run(''), garbage: run(PROBE_GARBAGE) };
}

function dataDictionary(lang: Lang): string {
  return SOURCES.map((s) =>
    [
      `**${s.toUpperCase()}** — \`events.parquet\``,
      '',
      table(
        lang,
        ['field', 'minimisation', 'empty value', 'unreadable value', 'read by the hub’s query code'],
        ATTRIBUTES[s].map((a) => {
          const b = attributeBehaviour(s, a.name);
          const used = (FACT_INPUTS[s] as readonly string[]).includes(a.name);
          return [
            code(a.name),
            kindText(lang, a.type, true),
            b.empty === null
              ? tr(lang, 'sent as null')
              : `${tr(lang, 'row rejected')}${colonOf(lang)}${code(b.empty)}`,
            b.garbage === null ? '—' : `${tr(lang, 'row rejected')}${colonOf(lang)}${code(b.garbage)}`,
            tr(lang, used ? 'yes' : 'no'),
          ];
        }),
      ),
    ].join('\n'),
  ).join('\n\n');
}

/** What each table of the hub's database holds, and whether it holds data about the persons linked. */
const HUB_TABLES: Readonly<Record<string, { content: string; persons: string }>> = {
  producers: {
    content: "each producer's pinned Ed25519 public key, key id and expected linkage-key fingerprint",
    persons: 'no',
  },
  tokens: {
    content: 'token id, role, label, SHA-256 of the token, creation and revocation times — never the token',
    persons: 'no',
  },
  extracts: {
    content:
      'one row per accepted extract: status (current or superseded), times, size, counts, the signed manifest',
    persons: 'no: counts and coverage only',
  },
  identities: {
    content: 'one row per identity of every stored extract: NIR class, P2 pseudonyms, CLK, birth year, sex',
    persons: 'yes, pseudonymised',
  },
  events: {
    content: 'the minimised events of every stored extract of this source',
    persons: 'yes, pseudonymised',
  },
  audit: { content: 'the hash-chained audit log', persons: 'no: ids, codes and counts' },
  linkage_runs: {
    content: 'each linkage run: status, who started it, times, parameters, extracts linked, summary counts',
    persons: 'no: counts only',
  },
  run_persons: {
    content: 'for every run, the person number of each identity (source, extract, rid)',
    persons: 'yes, pseudonymised (internal, never released)',
  },
  run_links: {
    content: 'for every run, each link between two identities with its type and score',
    persons: 'yes, pseudonymised (internal, never released)',
  },
  studies: {
    content: 'each study: purpose, allowed breakdowns and period, disclosure policy, budget spent',
    persons: 'no',
  },
  releases: {
    content: 'each release: the query, who asked, the linkage run, the released cells',
    persons: 'aggregates only, after disclosure control',
  },
  cohort_facts: {
    content:
      'per linkage run, one row per ARE cohort member and quarter: breakdown categories and outcome bits, for queries',
    persons: 'yes, pseudonymised (internal, never released)',
  },
  run_facts: {
    content: 'per linkage run, the last month of data and the number of cohort rows',
    persons: 'no',
  },
};

/** Splits a column list on the commas outside parentheses (`DECIMAL(10, 2)` stays whole). */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

/** Tables and columns of the hub's database, read from its migrations. */
function hubTables(): { name: string; columns: string[] }[] {
  const tables: { name: string; columns: string[] }[] = [];
  for (const m of MIGRATIONS) {
    for (const stmt of m.sql) {
      const sql = stmt.replace(/\s+/g, ' ').trim();
      const drop = /^DROP TABLE (\w+)$/.exec(sql);
      if (drop !== null) {
        const at = tables.findIndex((t) => t.name === drop[1]);
        if (at < 0) throw new Error(`docs: migration ${m.version} drops an unknown table`);
        tables.splice(at, 1);
        continue;
      }
      const dropColumn = /^ALTER TABLE (\w+) DROP COLUMN (\w+)$/.exec(sql);
      if (dropColumn !== null) {
        const t = tables.find((x) => x.name === dropColumn[1]);
        const at = t?.columns.indexOf(dropColumn[2] ?? '') ?? -1;
        if (t === undefined || at < 0)
          throw new Error(`docs: migration ${m.version} drops an unknown column`);
        t.columns.splice(at, 1);
        continue;
      }
      const create = /^CREATE TABLE (\w+) \((.*)\)$/.exec(sql);
      if (create === null)
        throw new Error(`docs: migration ${m.version} holds a statement the dossier does not read`);
      const columns = splitTopLevel(create[2] ?? '').map((c) =>
        (c.trim().split(' ')[0] ?? '').replace(/"/g, ''),
      );
      tables.push({ name: create[1] ?? '', columns });
    }
  }
  return tables;
}

function hubStorage(lang: Lang): string {
  const tables = hubTables();
  const kind = (t: string) => (t.startsWith('events_') ? 'events' : t);
  for (const t of tables)
    if (HUB_TABLES[kind(t.name)] === undefined) throw new Error(`docs: no content for ${t.name}`);
  for (const k of Object.keys(HUB_TABLES)) {
    if (!tables.some((t) => kind(t.name) === k)) throw new Error(`docs: no table ${k} in the migrations`);
  }
  return table(
    lang,
    ['table', 'content', 'data about the persons linked', 'columns'],
    tables.map((t) => {
      const d = HUB_TABLES[kind(t.name)] as { content: string; persons: string };
      return [code(t.name), tr(lang, d.content), tr(lang, d.persons), t.columns.map(code).join(', ')];
    }),
  );
}

export function generatedBlocks(lang: Lang): Record<string, () => string> {
  return {
    versions: () =>
      table(
        lang,
        ['parameter', 'value'],
        [
          [tr(lang, 'protocol version'), code(PROTOCOL_VERSION)],
          [tr(lang, 'normalisation rules version'), code(NORMALISATION_VERSION)],
          [tr(lang, 'linkage secret length (bytes)'), LINKAGE_KEY_BYTES],
          [tr(lang, 'HKDF salt'), code(HKDF_SALT)],
          [tr(lang, 'HKDF info prefix'), code(HKDF_INFO_PREFIX)],
          [tr(lang, 'fingerprint message'), code(FINGERPRINT_MESSAGE)],
          [tr(lang, 'NIR pseudonym domain'), code(NIR_DOMAIN)],
          [tr(lang, 'identity-key domain'), code(IDKEY_DOMAIN)],
          [tr(lang, 'signature context'), code(JSON.stringify(SIGNATURE_CONTEXT))],
          [tr(lang, 'Bloom-filter length l (bits)'), CLK_V3.l],
          [tr(lang, 'bigram padding character'), code(CLK_V3.pad)],
          [tr(lang, 'diffusion taps per CLK bit'), CLK_V3.diffusion?.taps ?? 0],
          [tr(lang, 'CLK length (bits)'), clkBits(CLK_V3)],
          [tr(lang, 'rid bits'), RID_BITS],
        ],
      ),
    purposes: () =>
      table(
        lang,
        ['purpose', 'HKDF info', 'used for'],
        [
          [code('nir'), code(`${HKDF_INFO_PREFIX}nir`), tr(lang, 'NIR pseudonym')],
          [code('idkey'), code(`${HKDF_INFO_PREFIX}idkey`), tr(lang, 'secondary identity key')],
          [code('fingerprint'), code(`${HKDF_INFO_PREFIX}fingerprint`), tr(lang, 'key fingerprint')],
          ...CLK_V3.fields.map((f) => [
            code(`clk/${f.name}`),
            code(`${HKDF_INFO_PREFIX}clk/${f.name}`),
            `${tr(lang, 'CLK field')} ${code(f.name)}`,
          ]),
          [
            code(`clk/${extraField().name}`),
            code(`${HKDF_INFO_PREFIX}clk/${extraField().name}`),
            `${tr(lang, 'extra CLK field')} (§4.1)`,
          ],
          [
            code(DIFFUSION_PURPOSE),
            code(`${HKDF_INFO_PREFIX}${DIFFUSION_PURPOSE}`),
            `${tr(lang, 'CLK diffusion taps')} (§4.2)`,
          ],
        ],
      ),
    'nir-classes': () =>
      table(
        lang,
        ['class', 'rule', 'pseudonym'],
        NIR_CLASSES.map((c) => [
          code(c),
          tr(lang, NIR_CLASS_RULES[c]),
          tr(lang, c === 'invalid' || c === 'missing' ? 'no' : 'yes'),
        ]),
      ),
    placeholders: () => NAME_PLACEHOLDERS.map(code).join(', '),
    'date-formats': () => DATE_FORMATS.map(code).join(', '),
    'clk-fields': () =>
      table(
        lang,
        ['field', 'tokens', 'k (bits per token)', 'content'],
        CLK_V3.fields.map((f) => [
          code(f.name),
          f.tokenizer === 'bigrams' ? tr(lang, 'padded bigrams') : tr(lang, 'whole value'),
          f.k,
          tr(lang, f.description),
        ]),
      ),
    'extra-fields': () => {
      const f = extraField();
      return table(
        lang,
        ['parameter', 'value'],
        [
          [tr(lang, 'CLK field name'), code(f.name)],
          [tr(lang, 'pattern of `<name>`'), code(EXTRA_NAME.source)],
          [
            tr(lang, 'tokens'),
            f.tokenizer === 'bigrams' ? tr(lang, 'padded bigrams') : tr(lang, 'whole value'),
          ],
          [tr(lang, 'k (bits per token)'), f.k],
          [tr(lang, 'subkey purpose'), code(`clk/${f.name}`)],
        ],
      );
    },
    diffusion: () =>
      table(
        lang,
        ['parameter', 'value'],
        [
          [tr(lang, 'Bloom-filter length l (bits)'), CLK_V3.l],
          [tr(lang, 'taps per CLK bit'), CLK_V3.diffusion?.taps ?? 0],
          [tr(lang, 'CLK length (bits)'), clkBits(CLK_V3)],
          [tr(lang, 'subkey purpose'), code(DIFFUSION_PURPOSE)],
          ['HKDF info', code(`${HKDF_INFO_PREFIX}${DIFFUSION_PURPOSE}`)],
        ],
      ),
    composite: () => {
      const tokens = compositeTokens(normaliseIdentity(COMPOSITE_EXAMPLE));
      return table(
        lang,
        ['field', 'tokens', 'example'],
        COMPOSITE_V3.map((c) => [
          code(c.field),
          tr(lang, c.description),
          (tokens[c.field] ?? []).map(code).join(', ') || '—',
        ]),
      );
    },
    'identity-columns': () =>
      table(
        lang,
        ['column', 'type', 'content'],
        IDENTITY_COLUMNS.map((c) => [code(c.name), code(c.type), tr(lang, c.description)]),
      ),
    attributes: () =>
      SOURCES.map((s) =>
        [
          `**${s.toUpperCase()}** — \`events.parquet\``,
          '',
          table(
            lang,
            ['field', 'type', 'minimisation', 'meaning'],
            eventColumns(s).map((c) => {
              const spec = ATTRIBUTES[s].find((a) => a.name === c.name);
              return [
                code(c.name),
                code(c.type),
                spec ? kindText(lang, spec.type) : tr(lang, 'identity of the event'),
                tr(lang, c.description),
              ];
            }),
          ),
        ].join('\n'),
      ).join('\n\n'),
    rejects: () =>
      table(
        lang,
        ['reason', 'meaning'],
        Object.entries(REJECT_REASONS).map(([k, v]) => [code(k), tr(lang, v)]),
      ),
    'hub-parameters': () =>
      table(
        lang,
        ['parameter', 'value'],
        [
          [tr(lang, 'hub key length (bytes)'), HUB_KEY_BYTES],
          [tr(lang, 'hub HKDF salt'), code(HKDF_SALT)],
          [tr(lang, 'hub HKDF info prefix'), code(HUB_INFO_PREFIX)],
          [tr(lang, 're-keyed purposes'), REKEY_PURPOSES.map(code).join(', ')],
          [tr(lang, 'LSH bands'), DEFAULT_LSH.bands],
          [tr(lang, 'LSH CLK bits per band'), DEFAULT_LSH.bitsPerBand],
          [tr(lang, 'LSH position seed'), DEFAULT_LSH.seed],
          [tr(lang, 'LSH bucket size cap'), DEFAULT_LINK_CONFIG.bucketCap],
          [tr(lang, 'bundle entries, in order'), BUNDLE_FILES.map(code).join(', ')],
          [tr(lang, 'media type, sealed'), code(MEDIA_SEALED)],
          [tr(lang, 'media type, plain'), code(MEDIA_TAR)],
          [tr(lang, 'seal magic'), code(SEAL_MAGIC)],
          [tr(lang, 'seal header length (bytes)'), SEAL_HEADER_BYTES],
          [tr(lang, 'seal HKDF info'), code(SEAL_INFO)],
          [
            tr(lang, 'seal chunk size: default, minimum, maximum (bytes)'),
            `${DEFAULT_CHUNK_SIZE}, ${MIN_CHUNK_SIZE}, ${MAX_CHUNK_SIZE}`,
          ],
          [tr(lang, 'audit hash context'), code(JSON.stringify(AUDIT_CONTEXT))],
          [tr(lang, 'audit genesis hash'), code(GENESIS_HASH)],
          [tr(lang, 'token format'), code('ldh_<16 hex>_<43 base64url>')],
        ],
      ),
    'hub-problems': () =>
      table(
        lang,
        ['HTTP', 'code', 'meaning'],
        Object.entries(PROBLEMS).map(([k, v]) => [v.status, code(k), tr(lang, v.title)]),
      ),
    'hub-access': () =>
      table(
        lang,
        ['route', 'admin', 'producer', 'researcher'],
        Object.entries(ACCESS).map(([route, a]) => [
          code(route),
          ...(['admin', 'producer', 'researcher'] as const).map((k) =>
            a === 'public'
              ? tr(lang, 'yes, no token')
              : (a as readonly string[]).includes(k)
                ? tr(lang, 'yes')
                : '—',
          ),
        ]),
      ),
    'hub-config': () =>
      table(
        lang,
        ['setting', 'default', 'environment', 'meaning'],
        settingRows().map((r) => [
          code(r.path),
          code(JSON.stringify(r.default)),
          r.env ? code(r.env) : '',
          tr(lang, r.description),
        ]),
      ),
    'disclosure-policy': () =>
      table(
        lang,
        ['setting', 'default', 'meaning'],
        [
          [
            code('threshold'),
            DEFAULT_THRESHOLD,
            tr(lang, `cells under it are suppressed; never below ${THRESHOLD_FLOOR}`),
          ],
          [
            code('rounding'),
            code('null'),
            tr(lang, 'released counts rounded to a multiple of this base (2–100)'),
          ],
          [
            code('dp'),
            code('null'),
            tr(lang, 'differential privacy: mechanism, total budget, budget spent per release'),
          ],
        ],
      ),
    'query-outcomes': () =>
      table(
        lang,
        ['outcome kind', 'holds in month t + k when there is'],
        OUTCOME_KINDS.map((k) => [code(k), tr(lang, OUTCOME_BITS[k].definition)]),
      ),
    'query-breakdowns': () =>
      table(
        lang,
        ['breakdown', 'categories'],
        [
          [code('quarter'), tr(lang, 'the quarters of the cohort range, `YYYY-Qn`')],
          ...Object.entries(DOMAINS).map(([v, cats]) => [code(v), cats.map(code).join(', ')]),
        ],
      ),
    'hub-audit-actions': () =>
      table(
        lang,
        ['action', 'meaning'],
        Object.entries(AUDIT_ACTIONS).map(([k, v]) => [code(k), tr(lang, v)]),
      ),
    'identity-dictionary': () => identityDictionary(lang),
    'data-dictionary': () => dataDictionary(lang),
    'hub-storage': () => hubStorage(lang),
    'exit-codes': () =>
      table(
        lang,
        ['exit', 'code', 'meaning'],
        Object.entries(ERROR_CODES).map(([k, v]) => [v.exit, code(k), tr(lang, v.summary)]),
      ),
  };
}

const BLOCK = /<!-- generated:([a-z-]+) -->\n[\s\S]*?<!-- \/generated:\1 -->/g;

/** The document with every generated block replaced by its current content. */
export function renderDocument(text: string, lang: Lang): string {
  const blocks = generatedBlocks(lang);
  return text.replace(BLOCK, (_m, name: string) => {
    const render = blocks[name];
    if (render === undefined) throw new Error(`unknown generated block ${name}`);
    return `<!-- generated:${name} -->\n${render()}\n<!-- /generated:${name} -->`;
  });
}

const HUB_BLOCKS = [
  'hub-parameters',
  'hub-problems',
  'hub-access',
  'hub-config',
  'hub-audit-actions',
  'disclosure-policy',
  'query-outcomes',
  'query-breakdowns',
];
/** Blocks that only the CNIL dossier holds. */
const DOSSIER_ONLY_BLOCKS = ['identity-dictionary', 'data-dictionary', 'hub-storage'];
const PRODUCER_BLOCKS = Object.keys(generatedBlocks('en')).filter(
  (b) => !HUB_BLOCKS.includes(b) && !DOSSIER_ONLY_BLOCKS.includes(b),
);
/** The dossier's blocks: its own, and two tables it shares with the protocol documents. */
const DOSSIER_BLOCKS = [...DOSSIER_ONLY_BLOCKS, 'composite', 'disclosure-policy'];

/** The documents with generated blocks, and the blocks each must hold. */
export const DOCUMENTS: readonly { path: string; lang: Lang; blocks: readonly string[] }[] = [
  { path: 'protocols/protocol-v3.md', lang: 'en', blocks: PRODUCER_BLOCKS },
  { path: 'protocols/protocole-v3.fr.md', lang: 'fr', blocks: PRODUCER_BLOCKS },
  { path: 'protocols/hub-v1.md', lang: 'en', blocks: HUB_BLOCKS },
  { path: 'protocols/hub-v1.fr.md', lang: 'fr', blocks: HUB_BLOCKS },
  { path: 'protocols/dossier.md', lang: 'en', blocks: DOSSIER_BLOCKS },
  { path: 'protocols/dossier.fr.md', lang: 'fr', blocks: DOSSIER_BLOCKS },
];
