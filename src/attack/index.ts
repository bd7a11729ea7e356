/** The attack suite (issue 8): attacks on Bloom-filter encodings, hardening candidates, scoring. */
export { BitMatrix } from './bits.js';
export {
  BASELINE_BLOOM,
  type ClkScheme,
  FieldBloomEncoder,
  saltedByYear,
  V1,
  withBalancing,
  withBlip,
  withDiffusion,
  withXorFold,
} from './encoders.js';
export { frequencyAttack, subPatternAttack } from './frequency.js';
export { graphMatchingAttack } from './graph.js';
export { cohortWeights, firstNameKnowledge, surnameKnowledge, type ValueFreq } from './knowledge.js';
export { type LinkQuality, type LinkRecord, linkageQuality } from './linkage-quality.js';
export { type Reidentification, reidentification, worstCase } from './metrics.js';
export { mineAtoms, patternMiningAttack } from './pattern-mining.js';
export { graphCase, mine, runT4, runT5, runT6, runT6Values, type Target } from './suite.js';
export { noisyVictims, type Victim, victims } from './victims.js';
