/**
 * The generated parts of protocols/: parameter tables built from the code, in English and French.
 * `npm run docs` rewrites every block between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`
 * in the protocol documents; scripts/docs.test.ts fails when a committed block is stale.
 */
import { readFileSync } from 'node:fs';
import { REJECT_REASONS } from '../src/core/attributes.js';
import { AUDIT_CONTEXT, GENESIS_HASH } from '../src/core/audit-chain.js';
import { ERROR_CODES } from '../src/core/errors.js';
import { eventColumns, IDENTITY_COLUMNS } from '../src/core/extract-schema.js';
import { ATTRIBUTES, type AttributeKind, SOURCES } from '../src/core/fields.js';
import { FINGERPRINT_MESSAGE, HKDF_INFO_PREFIX, HKDF_SALT, LINKAGE_KEY_BYTES } from '../src/core/keys.js';
import { SIGNATURE_CONTEXT } from '../src/core/manifest.js';
import { DATE_FORMATS } from '../src/core/mapping.js';
import { NIR_CLASS_RULES, NIR_CLASSES } from '../src/core/nir.js';
import {
  BLOCKING_KEY_BYTES,
  BLOCKING_V1,
  CLK_V1,
  clkParamsWithExtras,
  EXTRA_FIELD_PREFIX,
  EXTRA_NAME,
  NORMALISATION_VERSION,
  PROTOCOL_VERSION,
} from '../src/core/params.js';
import { IDKEY_DOMAIN, NIR_DOMAIN } from '../src/core/pseudonym.js';
import { HUB_INFO_PREFIX, HUB_KEY_BYTES, REKEY_PURPOSES, REKEYED_BLOCK_BYTES } from '../src/core/rekey.js';
import { RID_BITS } from '../src/core/rid.js';
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
import { PROBLEMS } from '../src/hub/problems.js';
import { ACCESS } from '../src/hub/roles.js';

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

/** The CLK field of an extra field `<name>` (protocol v1 §4.1), as the code builds it. */
function extraField() {
  const f = clkParamsWithExtras(['<name>']).fields.at(-1);
  if (f === undefined || !f.name.startsWith(EXTRA_FIELD_PREFIX)) throw new Error('no extra CLK field');
  return f;
}

function kindText(lang: Lang, k: AttributeKind): string {
  switch (k.kind) {
    case 'month':
      return tr(lang, 'date cut to the month (YYYY-MM)');
    case 'code':
      return `${tr(lang, 'code')}: ${k.values.map(code).join(', ')}`;
    case 'dept':
      return tr(lang, 'département code');
    case 'int':
      return `${tr(lang, 'integer')} ${k.min}–${k.max}`;
    case 'band':
      return `${tr(lang, 'band lower bound')} (${k.unit}): ${k.bands.join(', ')}`;
  }
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
          [tr(lang, 'CLK length l (bits)'), CLK_V1.l],
          [tr(lang, 'bigram padding character'), code(CLK_V1.pad)],
          [tr(lang, 'blocking key length (bytes)'), BLOCKING_KEY_BYTES],
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
          ...CLK_V1.fields.map((f) => [
            code(`clk/${f.name}`),
            code(`${HKDF_INFO_PREFIX}clk/${f.name}`),
            `${tr(lang, 'CLK field')} ${code(f.name)}`,
          ]),
          [
            code(`clk/${extraField().name}`),
            code(`${HKDF_INFO_PREFIX}clk/${extraField().name}`),
            `${tr(lang, 'extra CLK field')} (§4.1)`,
          ],
          ...BLOCKING_V1.map((p) => [
            code(`block/${p.name}`),
            code(`${HKDF_INFO_PREFIX}block/${p.name}`),
            `${tr(lang, 'blocking pass')} ${code(p.name)}`,
          ]),
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
        CLK_V1.fields.map((f) => [
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
    blocking: () =>
      table(
        lang,
        ['pass', 'key material', 'what the hub learns'],
        BLOCKING_V1.map((p) => [code(p.name), tr(lang, p.description), tr(lang, p.reveals)]),
      ),
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
          [tr(lang, 're-keyed blocking key length (bytes)'), REKEYED_BLOCK_BYTES],
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
    'hub-audit-actions': () =>
      table(
        lang,
        ['action', 'meaning'],
        Object.entries(AUDIT_ACTIONS).map(([k, v]) => [code(k), tr(lang, v)]),
      ),
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
];
const PRODUCER_BLOCKS = Object.keys(generatedBlocks('en')).filter((b) => !HUB_BLOCKS.includes(b));

/** The documents with generated blocks, and the blocks each must hold. */
export const DOCUMENTS: readonly { path: string; lang: Lang; blocks: readonly string[] }[] = [
  { path: 'protocols/protocol-v1.md', lang: 'en', blocks: PRODUCER_BLOCKS },
  { path: 'protocols/protocole-v1.fr.md', lang: 'fr', blocks: PRODUCER_BLOCKS },
  { path: 'protocols/hub-v1.md', lang: 'en', blocks: HUB_BLOCKS },
  { path: 'protocols/hub-v1.fr.md', lang: 'fr', blocks: HUB_BLOCKS },
];
