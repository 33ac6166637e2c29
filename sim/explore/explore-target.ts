import type { ScriptableMiniport } from '../../miniport/scriptable-miniport.js';
import { SimulatedMiniport } from '../../miniport/simulated-miniport.js';
import type { SimulatedMiniportOptions } from '../../miniport/sim-config.js';
import { LINECALLSTATE_PROCEEDING } from '../../oid/index.js';
import { faultyMiniport, type FaultyName } from '../../miniport/faulty/index.js';
import type { VirtualClock } from '../virtual-clock.js';

/** What a run explores: the miniport under test, and the simulated one at the bottom when there is one. */
export interface ExploreStack {
  readonly miniport: ScriptableMiniport;
  /** The simulated miniport itself (under a faulty wrapper, if any): its calls are counted at the end. */
  readonly sim?: SimulatedMiniport;
  /** Called after each action (a native library's queued callbacks are taken). */
  readonly poll?: () => void;
}

/** Makes a fresh target for one run on the run's virtual clock. */
export type TargetFactory = (clock: VirtualClock) => ExploreStack;

/**
 * The miniport configuration explorations run with (and write into their scenarios): two lines
 * (line 1 starts closed), two calls per address, a 30 s offer timeout, and outgoing calls that
 * show PROCEEDING then wait for the far end to answer or refuse (`manual`).
 */
export const EXPLORE_MINIPORT: SimulatedMiniportOptions = {
  lines: 2,
  callsPerAddress: 2,
  offerTimeoutMs: 30_000,
  outgoing: { progress: [LINECALLSTATE_PROCEEDING], stepMs: 100, outcome: 'manual' },
};

/** The simulated miniport, or a faulty variant around it. */
export function simTarget(faulty?: FaultyName, options: SimulatedMiniportOptions = EXPLORE_MINIPORT): TargetFactory {
  return (clock) => {
    const sim = new SimulatedMiniport({ ...options, clock });
    return { miniport: faulty === undefined ? sim : faultyMiniport(faulty, sim), sim };
  };
}
