import { stringify } from 'yaml';
import { nameOf } from '../../oid/index.js';
import type { SimulatedMiniportOptions } from '../../miniport/sim-config.js';
import type { FaultyName } from '../../miniport/faulty/index.js';
import type { ExploreFailure } from './explore-failure.js';
import type { Witness } from './mismatch.js';
import type { TranscriptStep } from './transcript.js';

/** What the scenario is about, besides its steps. */
export interface ScenarioHeader {
  readonly name: string;
  readonly description: string;
  readonly miniport: SimulatedMiniportOptions;
  readonly faulty?: FaultyName;
}

type Step = Record<string, unknown>;

const statusName = (s: number): string => nameOf('NDIS_STATUS', s);

/** The scenario's form of a miniport configuration (progress states by name). */
function miniportSection(m: SimulatedMiniportOptions): Record<string, unknown> {
  const { outgoing, ...rest } = m;
  if (outgoing === undefined) return { ...rest };
  const { progress, ...o } = outgoing;
  return { ...rest, outgoing: { ...o, ...(progress === undefined ? {} : { progress: progress.map((p) => nameOf('LINECALLSTATE', p)) }) } };
}

function fieldValue(k: string, v: number | string): number | string {
  if (typeof v === 'string') return v;
  return k === 'ulMediaModes' && v !== 0 ? nameOf('LINEMEDIAMODE', v) : v;
}

/** The scenario step(s) of one transcript step. */
function stepsOf(t: TranscriptStep, failing: boolean, failure: ExploreFailure): Step[] {
  switch (t.step) {
    case 'bringUp':
      return [{ bringUp: { device: t.device, mediaModes: nameOf('LINEMEDIAMODE', t.mediaModes) } }];
    case 'offer': {
      const w = failure.witness;
      const refused = failing && w?.kind === 'offer' ? w.refused : t.refused;
      return [{ offer: { line: t.line, mediaMode: nameOf('LINEMEDIAMODE', t.mediaMode), ...(t.callerId === '' ? {} : { callerId: t.callerId }), ...(refused ? { refused: true } : t.as === undefined ? {} : { as: t.as }) } }];
    }
    case 'remote':
      // A refused action changed nothing; a scenario step would fail on it.
      return t.refused && !failing ? [] : [{ [t.op]: { call: `$${t.call}` } }];
    case 'policy':
      return [{ policy: { mode: t.mode, oid: nameOf('OID', t.oid), next: true, ...(t.mode === 'pend' ? { delayMs: t.delayMs } : {}) } }];
    case 'request': {
      const fields = Object.fromEntries(Object.entries(t.fields).map(([k, v]) => [k, fieldValue(k, v)]));
      return [
        {
          request: {
            oid: nameOf('OID', t.oid),
            ...(t.call === undefined ? {} : { call: `$${t.call}` }),
            ...(t.line === undefined ? {} : { line: t.line }),
            ...(Object.keys(fields).length === 0 ? {} : { fields }),
            ...(t.length === undefined ? {} : { length: t.length }),
            async: true,
            as: `r${t.requestId}`,
          },
        },
      ];
    }
    case 'makeCall': {
      const w = failure.witness;
      const status = failing && w?.kind === 'completion' && w.requestId === t.requestId ? statusName(w.status) : 'any';
      return [{ makeCall: { line: t.line, to: t.to, status, as: t.as } }];
    }
    case 'complete':
      return [{ complete: true }];
    case 'wait':
      return [{ wait: t.ms }];
  }
}

/** How a scenario names an htCall: its capture, or the number. */
function callRef(htCall: number, names: ReadonlyMap<number, string>): string | number {
  const n = names.get(htCall);
  return n === undefined ? htCall : `$${n}`;
}

/** The steps that check a model mismatch's witness, right after the step where it showed. */
function witnessSteps(w: Witness, transcript: readonly TranscriptStep[], names: ReadonlyMap<number, string>): Step[] {
  switch (w.kind) {
    case 'offer':
      return [];
    case 'completion': {
      if (transcript.some((t) => t.step === 'makeCall' && t.requestId === w.requestId)) return [];
      if (!transcript.some((t) => t.step === 'request' && t.requestId === w.requestId)) return [];
      return [{ expect: { event: 'completion', requestId: `$r${w.requestId}`, status: statusName(w.status), ...(w.bytesNeeded === undefined ? {} : { bytesNeeded: w.bytesNeeded }), timeout: 0 } }];
    }
    case 'event': {
      const match = { event: w.event, ...(w.event === 'newCall' ? {} : { htCall: callRef(w.htCall, names) }), ...(w.state === undefined ? {} : { state: nameOf('LINECALLSTATE', w.state) }) };
      return [{ expect: { ...match, timeout: 0 } }];
    }
    case 'noEvent': {
      const match = { event: w.event, htCall: callRef(w.htCall, names), ...(w.state === undefined ? {} : { state: nameOf('LINECALLSTATE', w.state) }) };
      // The same event may have come before, rightly: those are matched first.
      const earlier = Array.from({ length: Math.max(0, w.occurrence - 1) }, () => ({ expect: { ...match, timeout: 0 } }));
      return [...earlier, { expect: { ...match, none: true, timeout: 0 } }];
    }
  }
}

/**
 * A scenario file (YAML, docs/scenarios.md) that replays a run up to its failure: the same
 * requests byte for byte, the same remote-party actions, policies and clock steps, ending with
 * what shows the failure: the verifier's violation comes by itself; a model mismatch gets the
 * `expect` (or status) that the target fails.
 */
export function scenarioYaml(header: ScenarioHeader, transcript: readonly TranscriptStep[], failure: ExploreFailure, htCalls: ReadonlyMap<number, string>): string {
  const upTo = transcript.filter((t) => t.action <= failure.action);
  const steps: Step[] = [];
  for (const t of upTo) steps.push(...stepsOf(t, t.action === failure.action, failure));
  if (failure.witness !== undefined) steps.push(...witnessSteps(failure.witness, upTo, htCalls));
  const doc = {
    name: header.name,
    description: header.description,
    ...(header.faulty === undefined ? {} : { faulty: header.faulty }),
    miniport: miniportSection(header.miniport),
    steps,
  };
  return stringify(doc, { lineWidth: 0 });
}
