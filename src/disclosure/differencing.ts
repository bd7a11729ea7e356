/**
 * The differencing guard: two released cohorts that differ by a few persons let anyone subtract one
 * table from the other and read those persons' outcomes. A new query is refused when its cohort differs
 * from a cohort already released in the study by more than zero and fewer than `threshold` persons (the
 * size of the symmetric difference — persons in one cohort and not in the other). Identical cohorts are
 * allowed (their tables are audited together). The caller counts the differences in the database; this
 * decides. Pure.
 */

export interface CohortOverlap {
  /** id of the earlier release */
  readonly release: string;
  /** persons in the new cohort and not in the released one */
  readonly onlyNew: number;
  /** persons in the released cohort and not in the new one */
  readonly onlyReleased: number;
}

export type DifferencingVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly release: string; readonly difference: number };

export function differencingVerdict(
  overlaps: readonly CohortOverlap[],
  threshold: number,
): DifferencingVerdict {
  for (const o of overlaps) {
    const difference = o.onlyNew + o.onlyReleased;
    if (difference > 0 && difference < threshold) return { ok: false, release: o.release, difference };
  }
  return { ok: true };
}
