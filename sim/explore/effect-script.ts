import { describeIndication, type IndicationRecord } from './indication-record.js';
import type { Fault, Witness } from './mismatch.js';

/** One indication a request, a remote action or a timer must (or may) cause. */
export interface Expected {
  /** What it is, for messages. */
  readonly text: string;
  readonly optional: boolean;
  matches(r: IndicationRecord): boolean;
  /** Updates the model once it came. */
  apply?(r: IndicationRecord): void;
  /** What a scenario expects to see it (when it is missing). */
  readonly witness: Witness | undefined;
}

/**
 * Matches what was indicated against scripts of expected indications: each script in order
 * (optional entries may be left out), several scripts interleaved (a CLOSE of a line drops its
 * calls one by one). Anything no script expects, or a required entry that never came, is a fault.
 * `occurrence` counts earlier indications like `r`, for a scenario's `none` check.
 */
export function matchScripts(effects: readonly IndicationRecord[], scripts: readonly (readonly Expected[])[], occurrence: (r: IndicationRecord) => number, cause: string): Fault | undefined {
  const at = scripts.map(() => 0);
  for (const r of effects) {
    let taken = false;
    for (let i = 0; i < scripts.length && !taken; i++) {
      const s = scripts[i]!;
      for (let j = at[i]!; j < s.length; j++) {
        const e = s[j]!;
        if (e.matches(r)) {
          e.apply?.(r);
          at[i] = j + 1;
          taken = true;
          break;
        }
        if (!e.optional) break;
      }
    }
    if (!taken) {
      return { message: `${cause}: ${describeIndication(r)} was not expected`, witness: { kind: 'noEvent', event: r.kind, htCall: r.htCall, ...(r.kind === 'callState' ? { state: r.p1 } : {}), occurrence: occurrence(r) } };
    }
  }
  for (let i = 0; i < scripts.length; i++) {
    const s = scripts[i]!;
    for (let j = at[i]!; j < s.length; j++) {
      const e = s[j]!;
      if (!e.optional) return { message: `${cause}: ${e.text} never came`, witness: e.witness };
    }
  }
  return undefined;
}
