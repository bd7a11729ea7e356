/**
 * How re-identification is counted — the one definition every attack of the suite is scored with.
 *
 * An attack ends with one *claim* per encoded record: the value of the attacked attribute (the compact
 * primary first name, or the compact birth surname) that the attacker asserts the record encodes, or
 * `null` when its confidence rule, fixed before the attack is run, does not let it assert anything. Then
 *
 *   re-identification share = #{records whose claim equals the true value} / #{encoded records}
 *   precision               = #{records whose claim equals the true value} / #{records with a claim}
 *
 * A wrong claim is not a re-identification. The denominator of the share is every encoded record, claimed
 * or not. The share is what the protocol's privacy target is written on (≤ 1 %); precision tells how far
 * the attacker could trust its own claims. Pure.
 */

export interface Reidentification {
  readonly records: number;
  readonly claims: number;
  readonly correct: number;
  /** correct / records */
  readonly share: number;
  /** correct / claims (1 when there is no claim) */
  readonly precision: number;
}

/**
 * @param claims one entry per encoded record: the claimed value or null
 * @param truth the true values, same order
 * @example reidentification(['ANNA', null, 'JEAN'], ['ANNA', 'LEA', 'LUC']) // share 1/3, precision 1/2
 */
export function reidentification(
  claims: readonly (string | null)[],
  truth: readonly string[],
): Reidentification {
  if (claims.length !== truth.length) throw new RangeError('one claim per record');
  let made = 0;
  let correct = 0;
  for (let i = 0; i < claims.length; i++) {
    const c = claims[i];
    if (c === null || c === undefined) continue;
    made++;
    if (c === truth[i]) correct++;
  }
  const records = claims.length;
  return {
    records,
    claims: made,
    correct,
    share: records === 0 ? 0 : correct / records,
    precision: made === 0 ? 1 : correct / made,
  };
}

/** The attack's result on several attributes: the headline figure is the largest share. */
export function worstCase(results: Readonly<Record<string, Reidentification>>): {
  readonly attribute: string;
  readonly result: Reidentification;
} {
  let best: { attribute: string; result: Reidentification } | null = null;
  for (const [attribute, result] of Object.entries(results))
    if (best === null || result.share > best.result.share) best = { attribute, result };
  if (best === null) throw new RangeError('no attribute');
  return best;
}
