/**
 * The error vocabulary of ldh-link: a closed set of codes, each with a CLI exit code (and later an HTTP
 * status). Messages never carry secrets, identities, pseudonyms or row values (STYLE, "Errors").
 */

export const ERROR_CODES = {
  USAGE: { exit: 2, summary: 'bad command-line usage' },
  KEY_INVALID: { exit: 10, summary: 'a key file is missing, empty, malformed or has the wrong length' },
  MAPPING_INVALID: { exit: 11, summary: 'the mapping file is not valid' },
  INPUT_NOT_FOUND: { exit: 12, summary: 'the input file does not exist or cannot be read' },
  INPUT_COLUMNS: { exit: 13, summary: 'a mapped column is missing from the input' },
  INPUT_ENCODING: { exit: 14, summary: 'the input is not in the declared character encoding' },
  INPUT_MALFORMED: { exit: 15, summary: 'the input file cannot be parsed (delimiter, quoting, format)' },
  INPUT_EMPTY: { exit: 16, summary: 'the input holds no data rows' },
  OUTPUT_EXISTS: { exit: 17, summary: 'the output directory already holds an extract (use --force)' },
  EXTRACT_MISSING_FILE: { exit: 20, summary: 'a file of the extract is missing' },
  MANIFEST_INVALID: { exit: 21, summary: 'the manifest does not follow the schema' },
  EXTRACT_CHECKSUM_MISMATCH: { exit: 22, summary: 'a data file does not match the SHA-256 in the manifest' },
  EXTRACT_SIGNATURE_INVALID: { exit: 23, summary: 'the manifest signature does not verify' },
  EXTRACT_SCHEMA_INVALID: { exit: 24, summary: 'a data file does not have the expected columns' },
  EXTRACT_COUNT_MISMATCH: { exit: 25, summary: 'row counts differ from the manifest' },
  PROTOCOL_UNSUPPORTED: { exit: 26, summary: 'protocol or normalisation version not supported' },
  CONFIG_INVALID: { exit: 30, summary: 'the hub configuration is missing or not valid' },
  HUB_NOT_INITIALISED: { exit: 31, summary: 'the hub has no secrets or database yet (run admin init)' },
  HUB_DB_LOCKED: {
    exit: 32,
    summary: 'the hub database is held by another process (is the service running?)',
  },
  AUDIT_CHAIN_BROKEN: { exit: 33, summary: 'the audit log does not verify' },
  NOT_FOUND: { exit: 34, summary: 'no such producer, token or extract' },
  UPLOAD_REFUSED: { exit: 40, summary: 'the hub refused the request (an extract, a run)' },
  HUB_UNREACHABLE: { exit: 41, summary: 'the hub could not be reached or kept failing' },
  LINKAGE_FAILED: { exit: 43, summary: 'the linkage run failed or was cancelled' },
  INTERNAL: { exit: 70, summary: 'internal error' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class LdhError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LdhError';
    this.code = code;
  }
  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }
}
