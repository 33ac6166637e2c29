import type { RuleId } from '../../ndistapi/verifier/rules.js';
import type { SimulatedMiniportOptions } from '../../miniport/sim-config.js';
import type { StepKind } from './scenario-schema.js';
import type { FaultyName } from '../../miniport/faulty/index.js';

/** Where something is in a scenario file (1-based line and column). */
export interface Position {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** One step as loaded: its kind, its body as written, its label, and where it is. */
export interface Step {
  /** `label` for a step that only marks a place. */
  readonly kind: StepKind | 'label';
  readonly body: unknown;
  readonly label: string | undefined;
  readonly at: Position;
  /** The JSON path of the step, for messages: steps[3], steps[5].repeat.steps[0]. */
  readonly path: string;
  /** The same path as parts, for finding positions in the file. */
  readonly parts: readonly (string | number)[];
  /** For `repeat`: the nested steps. */
  readonly steps?: readonly Step[];
}

export interface Scenario {
  readonly file: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly miniport: SimulatedMiniportOptions;
  readonly allowViolations: readonly RuleId[];
  readonly steps: readonly Step[];
  /** A deliberately broken variant of the simulated miniport to run against (docs/explore.md). */
  readonly faulty?: FaultyName;
}

/** A scenario file that cannot be used: names the file, line, column and schema path, and what was expected. */
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly schemaPath: string,
    readonly expected: string,
  ) {
    super(`${file}:${line}:${col}: ${schemaPath === '' ? '' : `${schemaPath}: `}${expected}`);
    this.name = 'ScenarioError';
  }
}
