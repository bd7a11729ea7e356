/**
 * Public surface of the synthetic-data generator (`ldh-link synth`): generate a true population, its life
 * courses, the PE / DSN / CNAF raw extracts with identification errors, their mapping files and the ground
 * truth. See synthetic-data/README.md.
 */
export {
  DEFAULT_ERRORS,
  DEFAULT_LIFE_COURSE,
  DEFAULT_SYNTH_CONFIG,
  resolveSynthConfig,
  SourceErrorRates,
  SynthConfig,
} from './config.js';
export { buildErrorReport, type ErrorReport, formatErrorReport, type SourceReport } from './error-report.js';
export { type ExtractFormat, FORMATS } from './extracts.js';
export {
  CHUNK_PERSONS,
  type GenerateOptions,
  type GenerationSummary,
  generate,
  TRUTH_DIR,
} from './generate.js';
export { allMappings, mappingFileName, mappingFor } from './mappings.js';
export {
  AGE_BANDS,
  DEFINITIONS as REFERENCE_STAT_DEFINITIONS,
  type ReferenceStatsDocument,
} from './reference-stats.js';
