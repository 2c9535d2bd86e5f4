/**
 * The shape of one checked performance target and the two helpers every section's checks
 * use; the checks themselves live in `targets.ts` and `isolation-targets.ts`.
 */

/** Outcome of one target. */
export type TargetStatus = 'met' | 'not met' | 'not met (inferred)' | 'not measured';

/** One target, checked. */
export interface TargetCheck {
  target: string;
  goal: string;
  measured: string;
  baseline: string;
  status: TargetStatus;
  /** What limits it, or how it was measured. */
  note: string;
}

/** `met` when `ok`, else `not met`. */
export const verdict = (ok: boolean): TargetStatus => (ok ? 'met' : 'not met');

/** A target the run has no figures for, and why. */
export function notMeasured(target: string, goal: string, why: string): TargetCheck {
  return { target, goal, measured: '—', baseline: '—', status: 'not measured', note: why };
}
