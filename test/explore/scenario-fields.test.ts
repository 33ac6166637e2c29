import { parseScenario } from '../../sim/scenario/scenario-loader.js';
import { runScenario } from '../../sim/scenario/scenario-runner.js';
import { ScenarioError } from '../../sim/scenario/scenario.js';

/*
 * The two scenario fields explorations write: `faulty` (run against a broken variant of the
 * simulated miniport) and a request's `length` (a short buffer).
 */

const shortOpen = (faulty: string): string => `
name: a short OPEN buffer
${faulty}
steps:
  - bringUp: {}
  - request: { oid: OID_TAPI_OPEN, line: 1, length: 12, async: true, as: r }
  - expect: { event: completion, requestId: $r, status: NDIS_STATUS_INVALID_LENGTH, bytesNeeded: 24, timeout: 0 }
`;

test('length sends a short buffer: NDIS_STATUS_INVALID_LENGTH with the bytes needed', async () => {
  const r = await runScenario(parseScenario(shortOpen(''), 'short.yaml'));
  expect(r.failures).toEqual([]);
  expect(r.passed).toBe(true);
});

test('faulty runs the same scenario against a broken variant, which fails it', async () => {
  const s = parseScenario(shortOpen('faulty: wrong-bytes-needed'), 'short.yaml');
  expect(s.faulty).toBe('wrong-bytes-needed');
  const r = await runScenario(s);
  expect(r.passed).toBe(false);
  expect(r.failures[0]!.message).toMatch(/bytesNeeded=12/);
});

test('an unknown variant is a scenario error naming the field', () => {
  expect(() => parseScenario(shortOpen('faulty: flaky'), 'short.yaml')).toThrow(ScenarioError);
  expect(() => parseScenario(shortOpen('faulty: flaky'), 'short.yaml')).toThrow(/short\.yaml:3:\d+: .*faulty/);
});
