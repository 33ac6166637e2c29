import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OID_TAPI_ANSWER, OID_TAPI_OPEN } from '../../oid/index.js';
import { loadScenario, parseScenario } from '../../sim/scenario/scenario-loader.js';
import { runScenario, type RunOptions, type RunResult } from '../../sim/scenario/scenario-runner.js';
import { readTrace, type TraceWarning } from '../../trace/pcapng-reader.js';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
const dir = mkdtempSync(join(tmpdir(), 'wanemu-runner-'));

/** Parses and runs scenario text (file name `t.yaml`). */
function run(text: string, options: RunOptions = {}): Promise<RunResult> {
  return runScenario(parseScenario(text, 't.yaml'), options);
}

/** A scenario with a line brought up, then `steps` (YAML list items, indented two spaces). */
const withLine = (steps: string, head = ''): string => `name: t\n${head}steps:\n  - bringUp: {}\n${steps}`;

describe('the examples', () => {
  const files = readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.yaml'))
    .sort();

  test('there are examples to run', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  test.each(files)('%s passes on the virtual clock with no failures and no violations', async (f) => {
    const r = await runScenario(loadScenario(join(EXAMPLES, f)));
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.stats.violations).toEqual({});
    expect(r.stats.requests).toBeGreaterThan(0);
  });

  const example = (f: string): Promise<RunResult> => runScenario(loadScenario(join(EXAMPLES, f)));

  test('calls-in-a-loop answers 10 calls in 10 virtual minutes', async () => {
    const r = await example('calls-in-a-loop.yaml');
    expect(r.passed).toBe(true);
    expect(r.stats).toMatchObject({ callsOffered: 10, callsIndicated: 10, callsAnswered: 10, callsPlaced: 0, callsFailed: {}, elapsedMs: 600_000 });
    expect(r.stats.setupLatency.count).toBe(10);
    // bringUp's 4 requests, then ANSWER and CLOSE_CALL per call.
    expect(r.stats.requests).toBe(4 + 2 * 10);
  });

  test('outgoing-busy passes with one BUSY and one UNREACHABLE failed call', async () => {
    const r = await example('outgoing-busy.yaml');
    expect(r.passed).toBe(true);
    expect(r.stats.callsPlaced).toBe(2);
    expect(r.stats.callsConnected).toBe(0);
    expect(r.stats.callsFailed).toEqual({ BUSY: 1, UNREACHABLE: 1 });
  });

  test('outgoing-call connects after three 200 ms progress steps', async () => {
    const r = await example('outgoing-call.yaml');
    expect(r.stats).toMatchObject({ callsPlaced: 1, callsConnected: 1, callsFailed: {} });
    expect(r.stats.setupLatency).toEqual({ count: 1, p50: 600, p90: 600, p99: 600, max: 600 });
  });

  test('incoming-timeout: the offer goes IDLE at exactly 15 s, a call not answered', async () => {
    const r = await example('incoming-timeout.yaml');
    expect(r.stats).toMatchObject({ callsIndicated: 1, callsAnswered: 0, callsFailed: { NOT_ANSWERED: 1 }, elapsedMs: 15_000 });
  });

  test('pended-answer: latencies are those of the pend (750 ms) and of the hand completion (5 s)', async () => {
    const r = await example('pended-answer.yaml');
    expect(r.stats.setupLatency).toMatchObject({ count: 1, max: 750 });
    expect(r.stats.requestLatency).toMatchObject({ max: 5000 });
    expect(r.stats.callsAnswered).toBe(1);
  });
});

describe('expectations', () => {
  test('expecting CONNECTED without answering fails at the step, naming the wanted event and the unmatched ones', async () => {
    const text = withLine('  - offer: { mediaMode: DIGITALDATA, as: call }\n  - expect: { event: callState, htCall: $call, state: CONNECTED, timeout: 100 }\n  - offer: { mediaMode: DIGITALDATA }\n');
    const r = await run(text);
    expect(r.passed).toBe(false);
    expect(r.failures).toHaveLength(1);
    const f = r.failures[0]!;
    expect(f.path).toBe('steps[2]');
    expect(f.at).toEqual({ file: 't.yaml', line: 5, col: 5 });
    expect(f.message).toMatch(/^no callState with .*state=CONNECTED within 100 ms/);
    expect(f.message).toMatch(/unmatched: .*newCall .*callState .*state=OFFERING/);
    // The run stops at its first failed step: the second offer never happens; the clock stopped at the timeout.
    expect(r.stats.callsOffered).toBe(1);
    expect(r.stats.elapsedMs).toBe(100);
  });

  test('a failure inside a repeat is reported with the nested path and position', async () => {
    const text = 'name: t\nsteps:\n  - bringUp: {}\n  - repeat:\n      times: 2\n      steps:\n        - wait: 1\n        - expect: { event: newCall, timeout: 5 }\n';
    const r = await run(text);
    expect(r.failures).toEqual([{ path: 'steps[1].repeat.steps[1]', at: { file: 't.yaml', line: 8, col: 11 }, message: expect.stringMatching(/^no newCall within 5 ms/) }]);
  });

  test('optional: true passes on timeout and the run goes on', async () => {
    const r = await run(withLine('  - expect: { event: newCall, timeout: 5, optional: true }\n  - offer: { mediaMode: DIGITALDATA }\n  - expect: { event: newCall, timeout: 0 }\n'));
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.stats.callsIndicated).toBe(1);
    expect(r.stats.elapsedMs).toBe(5);
  });

  test('none: true passes when nothing comes', async () => {
    const r = await run(withLine('  - expect: { event: newCall, none: true, timeout: 50 }\n'));
    expect(r.passed).toBe(true);
    expect(r.stats.elapsedMs).toBe(50);
  });

  test('none: true fails when the event comes, describing it', async () => {
    const r = await run(withLine('  - offer: { mediaMode: DIGITALDATA }\n  - expect: { event: newCall, none: true, timeout: 10 }\n'));
    expect(r.passed).toBe(false);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]!.path).toBe('steps[2]');
    expect(r.failures[0]!.at.line).toBe(5);
    expect(r.failures[0]!.message).toMatch(/^newCall htLine=0x[0-9a-f]+ htCall=0x[0-9a-f]+ .*came; the step expected no newCall within 10 ms$/);
  });

  test('onTimeout jumps to its label, skipping the steps in between', async () => {
    const text = withLine(
      '  - expect: { event: newCall, timeout: 20, onTimeout: later }\n' +
        '  - hangUp: { call: $never }\n' +
        '  - label: later\n' +
        '  - offer: { mediaMode: DIGITALDATA }\n' +
        '  - expect: { event: newCall }\n',
    );
    const r = await run(text);
    expect(r.failures).toEqual([]);
    expect(r.stats.callsIndicated).toBe(1);
    expect(r.stats.elapsedMs).toBe(20);
  });

  test('onTimeout does not jump when the event comes', async () => {
    const text = withLine(
      '  - offer: { mediaMode: DIGITALDATA }\n' +
        '  - expect: { event: newCall, timeout: 20, onTimeout: later }\n' +
        '  - offer: { mediaMode: DIGITALDATA }\n' +
        '  - label: later\n',
      'miniport: { callsPerAddress: 2 }\n',
    );
    const r = await run(text);
    expect(r.passed).toBe(true);
    expect(r.stats.callsOffered).toBe(2);
  });

  test('an event is matched at most once', async () => {
    const r = await run(withLine('  - offer: { mediaMode: DIGITALDATA }\n  - expect: { event: newCall }\n  - expect: { event: newCall, timeout: 10 }\n'));
    expect(r.passed).toBe(false);
    expect(r.failures[0]!.path).toBe('steps[3]');
  });

  test('capture from an event is usable later as $name', async () => {
    const text = withLine(
      '  - offer: { mediaMode: DIGITALDATA, as: offered }\n' +
        '  - expect: { event: newCall, capture: { c: htCall } }\n' +
        '  - expect: { event: callState, htCall: $c, state: OFFERING }\n' +
        '  - expect: { event: callState, htCall: $offered, state: OFFERING, timeout: 0, none: true }\n' +
        '  - request: { oid: OID_TAPI_ANSWER, call: $c }\n' +
        '  - expect: { event: lineUp, htCall: $c, capture: { link: linkContext } }\n' +
        '  - expect: { event: callState, htCall: $c, state: CONNECTED }\n' +
        '  - hangUp: { call: $c }\n' +
        '  - expect: { event: lineDown, linkContext: $link }\n',
    );
    const r = await run(text);
    expect(r.failures).toEqual([]);
    expect(r.stats.callsAnswered).toBe(1);
  });

  test('capturing a member the event does not have fails', async () => {
    const r = await run(withLine('  - offer: { mediaMode: DIGITALDATA }\n  - expect: { event: newCall, capture: { x: linkSpeed } }\n'));
    expect(r.failures).toEqual([{ path: 'steps[2]', at: { file: 't.yaml', line: 5, col: 5 }, message: 'the newCall event has no member linkSpeed to capture' }]);
  });

  test('a matcher that names an unknown constant fails the step with the member named', async () => {
    const r = await run(withLine('  - offer: { mediaMode: DIGITALDATA }\n  - expect: { event: callState, state: RINGING }\n'));
    expect(r.passed).toBe(false);
    expect(r.failures[0]!.path).toBe('steps[2]');
    expect(r.failures[0]!.message).toMatch(/^state: unknown constant "RINGING"/);
  });
});

describe('jumps and loops', () => {
  const loop = (times: number): string =>
    withLine(`  - label: top\n  - offer: { mediaMode: DIGITALDATA, as: c }\n  - request: { oid: OID_TAPI_CLOSE_CALL, call: $c }\n  - goto: { label: top, times: ${times} }\n`);

  test.each([1, 2, 5])('goto with times: %i runs the loop that many extra times', async (times) => {
    const r = await run(loop(times));
    expect(r.failures).toEqual([]);
    expect(r.stats.callsOffered).toBe(times + 1);
    expect(r.stats.callsIndicated).toBe(times + 1);
  });

  test('goto without times jumps every time (the loop left by onTimeout)', async () => {
    // Three calls are indicated up front; each pass consumes one newCall and waits 10 ms; the fourth pass finds none and leaves.
    const text = withLine(
      '  - offer: { mediaMode: DIGITALDATA }\n' +
        '  - offer: { mediaMode: DIGITALDATA }\n' +
        '  - offer: { mediaMode: DIGITALDATA }\n' +
        '  - label: top\n' +
        '  - expect: { event: newCall, timeout: 0, onTimeout: out }\n' +
        '  - wait: 10\n' +
        '  - goto: top\n' +
        '  - label: out\n',
      'miniport: { callsPerAddress: 3 }\n',
    );
    const r = await run(text);
    expect(r.failures).toEqual([]);
    expect(r.stats.callsIndicated).toBe(3);
    expect(r.stats.elapsedMs).toBe(30);
  });

  test('repeat runs its steps N times', async () => {
    const text = withLine('  - repeat:\n      times: 4\n      steps:\n        - offer: { mediaMode: DIGITALDATA, as: c }\n        - request: { oid: OID_TAPI_CLOSE_CALL, call: $c }\n        - wait: 250\n');
    const r = await run(text);
    expect(r.failures).toEqual([]);
    expect(r.stats.callsOffered).toBe(4);
    expect(r.stats.requests).toBe(4 + 4);
    expect(r.stats.elapsedMs).toBe(1000);
  });
});

describe('requests', () => {
  test('a request whose status differs from `status` fails, naming both statuses', async () => {
    const r = await run(withLine('  - request: { oid: OID_TAPI_ANSWER, fields: { hdCall: 0x999 } }\n  - offer: { mediaMode: DIGITALDATA }\n'));
    expect(r.passed).toBe(false);
    expect(r.failures).toEqual([
      { path: 'steps[1]', at: { file: 't.yaml', line: 4, col: 5 }, message: 'OID_TAPI_ANSWER returned NDIS_STATUS_TAPI_INVALCALLHANDLE, expected NDIS_STATUS_SUCCESS' },
    ]);
    expect(r.stats.requestsFailed).toEqual({ NDIS_STATUS_TAPI_INVALCALLHANDLE: 1 });
    expect(r.stats.callsOffered).toBe(0);
  });

  test.each(['any', 'NDIS_STATUS_TAPI_INVALCALLHANDLE', 'INVALCALLHANDLE'])('status: %s passes for that failure', async (status) => {
    const r = await run(withLine(`  - request: { oid: OID_TAPI_ANSWER, fields: { hdCall: 0x999 }, status: ${status} }\n`));
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.stats.requestsFailed).toEqual({ NDIS_STATUS_TAPI_INVALCALLHANDLE: 1 });
  });

  test('status: FAILURE fails a request that succeeds', async () => {
    const r = await run(withLine('  - request: { oid: OID_TAPI_GET_DEV_CAPS, line: 0, status: NDIS_STATUS_FAILURE }\n'));
    expect(r.failures[0]!.message).toBe('OID_TAPI_GET_DEV_CAPS returned NDIS_STATUS_SUCCESS, expected NDIS_STATUS_FAILURE');
  });

  test('capture from a request\'s OUT member is usable later as $name', async () => {
    // GET_DEV_CAPS gives ulNumAddresses; address ids are 0..n-1, so GET_ADDRESS_CAPS of $n is refused while 2 is not.
    const text = withLine(
      '  - request: { oid: OID_TAPI_GET_DEV_CAPS, line: 0, capture: { n: LineDevCaps.ulNumAddresses } }\n' +
        '  - request: { oid: OID_TAPI_GET_ADDRESS_CAPS, line: 0, fields: { ulAddressID: $n }, status: NDIS_STATUS_TAPI_INVALADDRESSID }\n' +
        '  - request: { oid: OID_TAPI_GET_ADDRESS_CAPS, line: 0, fields: { ulAddressID: 2 } }\n',
      'miniport: { addressesPerLine: 3 }\n',
    );
    const r = await run(text);
    expect(r.failures).toEqual([]);
    const four = await run(text.replace('addressesPerLine: 3', 'addressesPerLine: 4'));
    // With 4 addresses $n is 4, one too many again; a $n captured wrongly (0, say) would make the second request succeed.
    expect(four.failures).toEqual([]);
  });

  test('capturing an OUT member the structure does not have fails', async () => {
    const r = await run(withLine('  - request: { oid: OID_TAPI_GET_DEV_CAPS, line: 0, capture: { n: LineDevCaps.ulNoSuchMember } }\n'));
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]!.message).toBe('NDIS_TAPI_GET_DEV_CAPS has no scalar member LineDevCaps.ulNoSuchMember to capture');
  });

  test('an uncaptured $var in a step fails it, naming the member', async () => {
    const r = await run(withLine('  - hangUp: { call: $zz }\n'));
    expect(r.failures).toEqual([{ path: 'steps[1]', at: { file: 't.yaml', line: 4, col: 5 }, message: 'call: $zz has not been captured yet' }]);
  });

  test('a pended request with async: true is matched later by expect completion with its request id', async () => {
    const text = withLine(
      '  - offer: { mediaMode: DIGITALDATA, as: call }\n' +
        '  - policy: { oid: OID_TAPI_ANSWER, mode: pend, delayMs: 500 }\n' +
        '  - request: { oid: OID_TAPI_ANSWER, call: $call, async: true, as: id }\n' +
        '  - expect: { event: completion, requestId: $id, timeout: 499, none: true }\n' +
        '  - expect: { event: completion, requestId: $id, oid: OID_TAPI_ANSWER, status: SUCCESS, timeout: 1 }\n' +
        '  - expect: { event: callState, htCall: $call, state: CONNECTED }\n',
    );
    const r = await run(text);
    expect(r.failures).toEqual([]);
    expect(r.stats.elapsedMs).toBe(500);
    expect(r.stats.requestLatency).toMatchObject({ count: 1, max: 500 });
    expect(r.stats.setupLatency).toMatchObject({ count: 1, max: 500 });
  });

  test('a held async request does not complete until `complete`', async () => {
    const text = withLine(
      '  - policy: { next: true, mode: hold }\n' +
        '  - request: { oid: OID_TAPI_GET_DEV_CAPS, line: 0, async: true, as: q }\n' +
        '  - expect: { event: completion, requestId: $q, timeout: 60000, none: true }\n' +
        '  - complete: { request: $q }\n' +
        '  - expect: { event: completion, requestId: $q, status: SUCCESS, timeout: 0 }\n',
    );
    const r = await run(text);
    expect(r.failures).toEqual([]);
    expect(r.stats.requestLatency.max).toBe(60_000);
  });

  test('`complete` with nothing held fails', async () => {
    const r = await run(withLine('  - complete: true\n'));
    expect(r.failures).toEqual([{ path: 'steps[1]', at: { file: 't.yaml', line: 4, col: 5 }, message: 'no request is held' }]);
  });

  test('`complete` of a request that is not held fails, naming it', async () => {
    const r = await run(withLine('  - request: { oid: OID_TAPI_GET_DEV_CAPS, line: 0, as: q }\n  - complete: { request: $q }\n'));
    expect(r.passed).toBe(false);
    expect(r.failures[0]!.path).toBe('steps[2]');
    expect(r.failures[0]!.message).toMatch(/^request \d+ is not held$/);
  });

  test('a request that does not complete within its timeout fails', async () => {
    const r = await run(withLine('  - policy: { next: true, mode: hold }\n  - request: { oid: OID_TAPI_GET_DEV_CAPS, line: 0, timeout: 300 }\n'));
    expect(r.failures).toEqual([{ path: 'steps[2]', at: { file: 't.yaml', line: 5, col: 5 }, message: 'OID_TAPI_GET_DEV_CAPS did not complete within 300 ms' }]);
    expect(r.stats.elapsedMs).toBe(300);
  });

  test('a refused offer is counted by reason and fails unless refused: true', async () => {
    const refused = await run(withLine('  - offer: { mediaMode: INTERACTIVEVOICE, refused: true }\n'));
    expect(refused.failures).toEqual([]);
    expect(refused.stats.callsOffered).toBe(1);
    expect(refused.stats.callsIndicated).toBe(0);
    expect(Object.values(refused.stats.offersRefused)).toEqual([1]);
    const failed = await run(withLine('  - offer: { mediaMode: INTERACTIVEVOICE }\n'));
    expect(failed.failures[0]!.message).toMatch(/^the offer was not indicated: /);
  });

  test('an offer step whose media mode cannot be resolved does not count as an offer made', async () => {
    const r = await run(withLine('  - offer: { mediaMode: NOSUCHMODE }\n'));
    expect(r.failures[0]!.message).toMatch(/^mediaMode: unknown constant "NOSUCHMODE"/);
    // Offered = indicated + refused: nothing was offered to the miniport.
    expect(r.stats.callsIndicated).toBe(0);
    expect(r.stats.offersRefused).toEqual({});
    expect(r.stats.callsOffered).toBe(0);
  });
});

describe('verifier violations', () => {
  const early = 'name: t\n{head}steps:\n  - request: { oid: OID_TAPI_OPEN, line: 0, status: any }\n{tail}';

  test('a violation provoked on purpose fails the run, named with its rule', async () => {
    const r = await run(early.replace('{head}', '').replace('{tail}', ''));
    expect(r.passed).toBe(false);
    expect(r.stats.violations).toEqual({ REQUEST_BEFORE_INITIALIZE: 1 });
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]!.path).toBe('verifier');
    expect(r.failures[0]!.at.file).toBe('t.yaml');
    expect(r.failures[0]!.message).toMatch(/^verifier: REQUEST_BEFORE_INITIALIZE at exchange \d+: /);
  });

  test('allowViolations lets it pass (and it is still counted)', async () => {
    const r = await run(early.replace('{head}', 'allowViolations: [REQUEST_BEFORE_INITIALIZE]\n').replace('{tail}', ''));
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.stats.violations).toEqual({ REQUEST_BEFORE_INITIALIZE: 1 });
  });

  test('allowViolations of another rule does not', async () => {
    const r = await run(early.replace('{head}', 'allowViolations: [EVENT_AFTER_IDLE]\n').replace('{tail}', ''));
    expect(r.passed).toBe(false);
  });

  test('expect: { event: violation, rule } matches it and the run passes', async () => {
    const r = await run(early.replace('{head}', '').replace('{tail}', '  - expect: { event: violation, rule: REQUEST_BEFORE_INITIALIZE, timeout: 0 }\n'));
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(true);
  });

  test('expecting a violation of another rule fails both the expectation and the verdict', async () => {
    const r = await run(early.replace('{head}', '').replace('{tail}', '  - expect: { event: violation, rule: EVENT_AFTER_IDLE, timeout: 0 }\n'));
    expect(r.passed).toBe(false);
    expect(r.failures.map((f) => f.path)).toEqual(['steps[1]', 'verifier']);
    expect(r.failures[0]!.message).toMatch(/unmatched: .*violation rule=REQUEST_BEFORE_INITIALIZE/);
  });
});

describe('runs', () => {
  test('are deterministic on the virtual clock: two runs give equal results', async () => {
    for (const f of ['calls-in-a-loop.yaml', 'pended-answer.yaml', 'outgoing-busy.yaml']) {
      const s = loadScenario(join(EXAMPLES, f));
      const a = await runScenario(s);
      const b = await runScenario(s);
      expect(b.stats).toEqual(a.stats);
      expect(b.failures).toEqual(a.failures);
      expect(b.passed).toBe(a.passed);
    }
    const failing = withLine('  - offer: { mediaMode: DIGITALDATA }\n  - expect: { event: callState, state: CONNECTED, timeout: 1000 }\n');
    expect((await run(failing)).failures).toEqual((await run(failing)).failures);
  });

  test('with tracePath record a pcapng trace readTrace reads, one record per exchange', async () => {
    const tracePath = join(dir, 'run.pcapng');
    const verbose: string[] = [];
    const r = await runScenario(loadScenario(join(EXAMPLES, 'incoming-accept-answer.yaml')), { tracePath, verbose: (l) => verbose.push(l) });
    expect(r.passed).toBe(true);
    const warnings: TraceWarning[] = [];
    const all = Array.from(readTrace(tracePath, (w) => warnings.push(w)));
    expect(warnings).toEqual([]);
    // Remote-party actions are recorded too, but are not exchanges (docs/trace-format.md: sequence 0xFFFFFFFF).
    const remote = all.filter((x) => x.kind === 'remote');
    expect(remote.map((x) => x.seq)).toEqual([0xffffffff, 0xffffffff]); // the offer and the hang-up
    const records = all.filter((x) => x.kind !== 'remote');
    // NdisTapi numbers every exchange from 0: a record for each is the sequence 0..n-1 with no gap.
    expect(records.length).toBeGreaterThan(0);
    expect(records.map((x) => x.seq)).toEqual(records.map((_, i) => i));
    // Requests: as many as the run counted, each with its return.
    const kinds = (k: string): number => records.filter((x) => x.kind === k).length;
    expect(kinds('request')).toBe(r.stats.requests);
    expect(kinds('return')).toBe(r.stats.requests);
    expect(kinds('indicationReturn')).toBe(kinds('indication'));
    // Every -v line is an exchange (some write-backs print nothing); the trace is not shorter.
    expect(records.length).toBeGreaterThanOrEqual(verbose.length);
    expect(records.some((x) => x.kind === 'request' && x.code === OID_TAPI_ANSWER)).toBe(true);
    // Stamped with the virtual clock: the last record is at the end of the run (after the 60 s hold).
    expect(records[records.length - 1]!.timeNs).toBe(BigInt(r.stats.elapsedMs) * 1_000_000n);
  });

  test('a trace of a failing run is complete too', async () => {
    const tracePath = join(dir, 'fail.pcapng');
    const r = await run('name: t\nsteps:\n  - request: { oid: OID_TAPI_OPEN, line: 0, status: any }\n  - expect: { event: newCall, timeout: 10 }\n', { tracePath });
    expect(r.passed).toBe(false);
    const records = Array.from(readTrace(tracePath)).filter((x) => x.kind !== 'remote');
    expect(records.map((x) => [x.kind, x.code])).toEqual([
      ['request', OID_TAPI_OPEN],
      ['return', OID_TAPI_OPEN],
    ]);
  });

  test('clock: real runs a tiny scenario in real time and passes', async () => {
    const text =
      'name: real\nminiport: { offerTimeoutMs: 30 }\nsteps:\n  - bringUp: {}\n  - wait: 20\n  - offer: { mediaMode: DIGITALDATA, as: c }\n' +
      '  - expect: { event: callState, htCall: $c, state: IDLE, timeout: 2000 }\n  - request: { oid: OID_TAPI_CLOSE_CALL, call: $c }\n';
    const t0 = Date.now();
    const r = await run(text, { clock: 'real' });
    const took = Date.now() - t0;
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.stats.callsFailed).toEqual({ NOT_ANSWERED: 1 });
    // 20 ms of wait and the 30 ms offer timeout, on the wall clock.
    expect(r.stats.elapsedMs).toBeGreaterThanOrEqual(45);
    expect(took).toBeGreaterThanOrEqual(45);
    expect(r.stats.elapsedMs).toBeLessThan(2000);
  });

  test('clock: real leaves nothing running once the run has returned its result', async () => {
    // A call left ringing: its offer timer must not outlive the run (it would keep `wanemu run
    // --realtime` alive for offerTimeoutMs after the verdict, and indicate into a finished run).
    const late: string[] = [];
    let done = false;
    const r = await run('name: ringing\nminiport: { offerTimeoutMs: 40 }\nsteps:\n  - bringUp: {}\n  - offer: { mediaMode: DIGITALDATA }\n', {
      clock: 'real',
      verbose: (l) => {
        if (done) late.push(l);
      },
    });
    done = true;
    expect(r.passed).toBe(true);
    await new Promise((res) => setTimeout(res, 150));
    expect(late).toEqual([]);
  });
});
