import type { RuleId } from '../../ndistapi/verifier/rules.js';
import type { Witness } from './mismatch.js';

/** What made a run fail. */
export type FailureKind = 'violation' | 'mismatch' | 'crash' | 'leak';

/** The first failure of a run. */
export interface ExploreFailure {
  readonly kind: FailureKind;
  readonly message: string;
  /** The verifier rule, for a violation. */
  readonly rule?: RuleId;
  /** The action it happened in: -1 the bring-up, `actions` and above the teardown. */
  readonly action: number;
  /** What a scenario checks to see it again, for a model mismatch. */
  readonly witness?: Witness;
}
