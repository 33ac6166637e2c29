import { parseScenario } from '../../sim/scenario/scenario-loader.js';
import { ScenarioRunner } from '../../sim/scenario/scenario-runner.js';
import { parseDuration, parseRate } from '../../sim/scenario/load-generator.js';

async function run(yaml: string) {
  const runner = new ScenarioRunner(parseScenario(yaml, 'test.yaml'));
  const result = await runner.run();
  return { result, loads: runner.loads };
}

describe('call-rate load', () => {
  test('offers calls at the rate for the duration, each answered, held and hung up; all closed; the verifier silent', async () => {
    const { result, loads } = await run(`name: load
miniport: { callsPerAddress: 100 }
steps:
  - bringUp: {}
  - load: { rate: 20/s, for: 10s, maxConcurrent: 100, call: { answerAfterMs: 250, holdMs: 2000, hangUp: remote, accept: true } }
`);
    expect(result.failures).toEqual([]);
    expect(loads).toEqual([{ offered: 200, capped: 0, completed: 200, unfinished: 0, peakConcurrent: expect.any(Number) }]);
    // 20 calls a second, each live ~2.25 s: about 45 at once.
    expect(loads[0]!.peakConcurrent).toBeGreaterThanOrEqual(44);
    expect(loads[0]!.peakConcurrent).toBeLessThanOrEqual(47);
    expect(result.stats).toMatchObject({ callsOffered: 200, callsIndicated: 200, callsAnswered: 200, violations: {} });
    expect(result.stats.setupLatency).toMatchObject({ count: 200, p50: 250, max: 250 });
  });

  test('the concurrency cap holds: offers beyond it are not made and are counted', async () => {
    const { result, loads } = await run(`name: capped
miniport: { callsPerAddress: 1000 }
steps:
  - bringUp: {}
  - load: { rate: 100/s, for: 2s, maxConcurrent: 10, call: { holdMs: 1000, hangUp: local } }
`);
    expect(result.failures).toEqual([]);
    expect(loads[0]!.peakConcurrent).toBe(10);
    expect(loads[0]!.offered + loads[0]!.capped).toBe(200);
    expect(loads[0]!.capped).toBeGreaterThan(100);
    expect(result.stats.offersRefused['max-concurrent']).toBe(loads[0]!.capped);
  });

  test('a load the miniport cannot carry leaves calls refused by the miniport, not crashes', async () => {
    const { result } = await run(`name: too many
steps:
  - bringUp: {}
  - load: { rate: 10/s, for: 1s, maxConcurrent: 50, call: { holdMs: 5000 } }
`);
    expect(result.failures).toEqual([]);
    expect(result.stats.callsIndicated).toBe(1);
    expect(result.stats.callsOffered).toBe(10);
  });

  test('rates and durations as written in scenarios', () => {
    expect([parseRate('500/s'), parseRate('30/min'), parseRate(12), parseRate('0/s'), parseRate('fast')]).toEqual([500, 0.5, 12, undefined, undefined]);
    expect([parseDuration('60s'), parseDuration('500ms'), parseDuration('2min'), parseDuration(250), parseDuration('soon')]).toEqual([60_000, 500, 120_000, 250, undefined]);
  });
});

describe('fault injection', () => {
  test('a dropped CONNECTED never reaches NDISTAPI; a duplicated OFFERING reaches it twice', async () => {
    const { result } = await run(`name: faults
steps:
  - bringUp: {}
  - fault: { action: duplicate, event: callState, state: OFFERING }
  - offer: { mediaMode: DIGITALDATA, as: call }
  - expect: { event: callState, htCall: $call, state: OFFERING }
  - expect: { event: callState, htCall: $call, state: OFFERING }
  - fault: { action: drop, event: callState, state: CONNECTED }
  - request: { oid: OID_TAPI_ANSWER, call: $call }
  - expect: { event: callState, htCall: $call, state: CONNECTED, timeout: 1000, none: true }
`);
    expect(result.failures).toEqual([]);
  });

  test('a dropped LINE_NEWCALL: no htCall comes back, so the simulated miniport gives the call up (ndis-tapi.md §5) and says nothing more', async () => {
    const { result } = await run(`name: lost newcall
steps:
  - bringUp: {}
  - fault: { action: drop, event: newCall }
  - offer: { mediaMode: DIGITALDATA, refused: true }
`);
    expect(result.failures).toEqual([]);
    expect(result.stats.offersRefused).toEqual({ 'no-htcall': 1 });
    expect(result.stats.violations).toEqual({});
  });

  test('only as many indications as `times` are affected', async () => {
    const { result } = await run(`name: twice
miniport: { callsPerAddress: 3 }
steps:
  - bringUp: {}
  - fault: { action: drop, event: callState, state: OFFERING, times: 2 }
  - offer: { mediaMode: DIGITALDATA, as: a }
  - offer: { mediaMode: DIGITALDATA, as: b }
  - offer: { mediaMode: DIGITALDATA, as: c }
  - expect: { event: callState, state: OFFERING, htCall: $c }
  - expect: { event: callState, state: OFFERING, timeout: 100, none: true }
`);
    expect(result.failures).toEqual([]);
  });
});

describe('load of a sub-flow', () => {
  test('each call runs the flow concurrently, sees only its own events, and the run passes', async () => {
    const { result, loads } = await run(`name: flow
miniport: { callsPerAddress: 200 }
steps:
  - bringUp: {}
  - load:
      rate: 50/s
      for: 4s
      maxConcurrent: 200
      flow:
        - expect: { event: callState, state: OFFERING }
        - wait: 100
        - request: { oid: OID_TAPI_ANSWER, call: $call }
        - expect: { event: callState, state: CONNECTED, capture: { me: htCall } }
        - wait: 1000
        - request: { oid: OID_TAPI_DROP, call: $me }
        - expect: { event: callState, state: IDLE }
        - request: { oid: OID_TAPI_CLOSE_CALL, call: $call }
`);
    expect(result.failures).toEqual([]);
    expect(loads).toEqual([{ offered: 200, capped: 0, completed: 200, unfinished: 0, peakConcurrent: expect.any(Number) }]);
    // 50 a second, each ~1.1 s long: flows overlap.
    expect(loads[0]!.peakConcurrent).toBeGreaterThan(40);
    expect(result.stats).toMatchObject({ callsAnswered: 200, requests: 604 });
    expect(result.stats.setupLatency.p50).toBe(100);
  });

  test('calls whose flow fails are counted, the first failures listed with their step, and the run fails', async () => {
    const { result, loads } = await run(`name: impatient
miniport: { callsPerAddress: 50 }
steps:
  - bringUp: {}
  - load:
      rate: 10/s
      for: 2s
      flow:
        - expect: { event: callState, state: CONNECTED, timeout: 100 }
`);
    expect(loads[0]).toMatchObject({ offered: 20, completed: 0 });
    expect(result.passed).toBe(false);
    expect(result.stats.callsFailed['FLOW_FAILED']).toBe(20);
    expect(result.failures.length).toBeLessThanOrEqual(11);
    expect(result.failures[0]).toMatchObject({ path: 'steps[1].load.flow[0]', message: expect.stringMatching(/^load call \d+: no callState with state=CONNECTED within 100 ms/) });
    expect(result.failures[result.failures.length - 1]!.message).toBe('20 of 20 load calls failed their flow (the first ones are listed above)');
  });
});
