import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultyName } from '../../miniport/faulty/index.js';
import type { SimulatedMiniportOptions } from '../../miniport/sim-config.js';
import { sequenceArbitrary } from './action-arbitrary.js';
import { describeAction, type ExploreAction } from './explore-action.js';
import type { ExploreFailure } from './explore-failure.js';
import type { TargetFactory } from './explore-target.js';
import { scenarioYaml } from './scenario-writer.js';
import { runSequence } from './sequence-run.js';

export const DEFAULT_RUNS = 1000;
export const DEFAULT_MAX_STEPS = 24;

export interface ExploreOptions {
  /** Makes a fresh target for each run (the simulated miniport, a faulty variant). */
  readonly target?: TargetFactory;
  /** Or opens one for each run first (a native library), then makes it. */
  readonly openTarget?: () => Promise<TargetFactory>;
  /** The configuration the target was made with, written into the scenario. */
  readonly miniport: SimulatedMiniportOptions;
  /** What `--against` said, for messages. */
  readonly against: string;
  readonly faulty?: FaultyName;
  readonly runs?: number;
  /** fast-check's seed: the same seed explores the same sequences. */
  readonly seed: number;
  readonly maxSteps?: number;
  /** Where the shrunk scenario and trace go; nothing is written when undefined. */
  readonly out?: string;
  /** Called after every run (shrinking runs included), with the count so far. */
  readonly onRun?: (n: number) => void;
  /** Runs the written scenario and says whether it fails as it should (wanemu run's verdict). */
  readonly reproduce?: (scenarioPath: string) => Promise<boolean>;
}

/** What an exploration found. */
export interface ExploreReport {
  readonly against: string;
  readonly faulty: FaultyName | undefined;
  readonly seed: number;
  /** Sequences generated and run (not counting the shrinking). */
  readonly runs: number;
  /** Runs made while shrinking. */
  readonly shrinks: number;
  readonly elapsedMs: number;
  readonly failure: ExploreFailure | undefined;
  /** The minimal failing sequence, one line per action. */
  readonly actions: readonly string[];
  readonly sequence: readonly ExploreAction[];
  readonly scenario: string | undefined;
  readonly trace: string | undefined;
  /** Whether `wanemu run` on the scenario fails, when checked. */
  readonly reproduces: boolean | undefined;
}

/**
 * `wanemu explore`: fast-check generates sequences of actions (remote party, requests good and
 * bad, completion policies, clock steps) and runs each against a fresh target under the
 * verifier and the reference model; the first failing sequence is shrunk to a minimal one,
 * run once more to record its trace, and written as a scenario that `wanemu run` replays.
 */
export async function explore(o: ExploreOptions): Promise<ExploreReport> {
  const start = Date.now();
  let count = 0;
  const sequences = sequenceArbitrary(o.maxSteps ?? DEFAULT_MAX_STEPS);
  const params = { seed: o.seed, numRuns: o.runs ?? DEFAULT_RUNS };
  const passes = (actions: readonly ExploreAction[], target: TargetFactory): boolean => {
    const r = runSequence(actions, target);
    o.onRun?.(++count);
    return r.failure === undefined;
  };
  const sync = o.target;
  const open = o.openTarget;
  let target: () => Promise<TargetFactory>;
  let details: fc.RunDetails<[ExploreAction[]]>;
  if (sync !== undefined) {
    target = () => Promise.resolve(sync);
    details = fc.check(fc.property(sequences, (actions) => passes(actions, sync)), params);
  } else if (open !== undefined) {
    target = open;
    details = await fc.check(fc.asyncProperty(sequences, async (actions) => passes(actions, await open())), params);
  } else {
    throw new RangeError('explore: give a target or openTarget');
  }
  const base = { against: o.against, faulty: o.faulty, seed: o.seed, runs: details.numRuns, shrinks: details.numShrinks };
  if (!details.failed || details.counterexample === null) {
    return { ...base, elapsedMs: Date.now() - start, failure: undefined, actions: [], sequence: [], scenario: undefined, trace: undefined, reproduces: undefined };
  }
  const sequence = details.counterexample[0];
  let scenario: string | undefined;
  let trace: string | undefined;
  let outcome = runSequence(sequence, await target(), { transcript: true });
  if (o.out !== undefined) {
    mkdirSync(o.out, { recursive: true });
    const stem = `${o.faulty ?? 'failure'}-seed-${o.seed}`;
    trace = join(o.out, `${stem}.pcapng`);
    scenario = join(o.out, `${stem}.yaml`);
    outcome = runSequence(sequence, await target(), { transcript: true, tracePath: trace });
  }
  const failure = outcome.failure;
  if (failure === undefined) {
    // A target that fails only sometimes: the shrunk sequence passed when run again.
    return { ...base, elapsedMs: Date.now() - start, failure: { kind: 'crash', message: 'the failing sequence passed when run again: the target is not deterministic', action: -1 }, actions: sequence.map(describeAction), sequence, scenario: undefined, trace, reproduces: false };
  }
  let reproduces: boolean | undefined;
  if (scenario !== undefined) {
    const name = `explore: ${failure.kind}${failure.rule === undefined ? '' : ` ${failure.rule}`} against ${o.faulty === undefined ? o.against : `the faulty variant ${o.faulty}`} (seed ${o.seed})`;
    const description = [failure.message, '', 'The minimal sequence:', ...sequence.map((a, i) => `${i + 1}. ${describeAction(a)}`)].join('\n');
    writeFileSync(scenario, scenarioYaml({ name, description, miniport: o.miniport, ...(o.faulty === undefined ? {} : { faulty: o.faulty }) }, outcome.transcript, failure, outcome.names));
    reproduces = o.reproduce === undefined ? undefined : await o.reproduce(scenario);
  }
  return { ...base, elapsedMs: Date.now() - start, failure, actions: sequence.map(describeAction), sequence, scenario, trace, reproduces };
}
