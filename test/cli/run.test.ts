import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wanemu } from '../support/cli.js';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK } from '../../cli/exit-codes.js';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
const example = (f: string): string => join(EXAMPLES, f);
const dir = mkdtempSync(join(tmpdir(), 'wanemu-run-'));


/** A RegExp source matching `text` literally. */
const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let n = 0;
/** Writes a scenario into the temp directory; returns its path. */
function scenarioFile(text: string, ext = 'yaml'): string {
  const file = join(dir, `s${n++}.${ext}`);
  writeFileSync(file, text);
  return file;
}

/** Fails at line 5, column 5 (steps[2]): CONNECTED never comes without an ANSWER. */
const FAILING = 'name: never answered\nsteps:\n  - bringUp: {}\n  - offer: { mediaMode: DIGITALDATA, as: call }\n  - expect: { event: callState, htCall: $call, state: CONNECTED, timeout: 100 }\n';

describe('wanemu run', () => {
  test('an example passes: exit 0, a PASS line with its file and name, statistics and a total', async () => {
    const r = await wanemu('run', example('calls-in-a-loop.yaml'));
    expect(r.code).toBe(EXIT_OK);
    expect(r.err).toBe('');
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^PASS\\s+${literal(example('calls-in-a-loop.yaml'))}\\s+Ten incoming calls.*\\(600\\.0 s virtual\\)$`));
    expect(r.out).toMatch(/calls: offered 10, indicated 10, answered 10, placed 0, connected 0; failed: -; refused: -/);
    expect(r.out).toMatch(/verifier violations: -/);
    expect(lines[lines.length - 1]).toBe('1 of 1 scenarios passed');
  });

  test('all the examples pass together', async () => {
    const files = ['calls-in-a-loop.yaml', 'incoming-accept-answer.yaml', 'outgoing-busy.yaml', 'pended-answer.yaml'].map(example);
    const r = await wanemu('run', ...files);
    expect(r.code).toBe(EXIT_OK);
    expect(r.out.split('\n').filter((l) => l.startsWith('PASS '))).toHaveLength(4);
    expect(r.out).toMatch(/^4 of 4 scenarios passed$/m);
  });

  test('a failing scenario: exit 1, a FAIL line and the failure with file:line:col and path', async () => {
    const file = scenarioFile(FAILING);
    const r = await wanemu('run', file);
    expect(r.code).toBe(EXIT_CHECK_FAILED);
    expect(r.out).toMatch(new RegExp(`^FAIL\\s+${literal(file)}\\s+never answered`, 'm'));
    expect(r.out).toContain(`${file}:5:5 steps[2]: no callState with`);
    expect(r.out).toMatch(/state=CONNECTED within 100 ms; unmatched: .*OFFERING/);
    expect(r.out).toMatch(/^0 of 1 scenarios passed$/m);
    expect(r.err).toMatch(/^wanemu: --fail-on expectations>0: expectations is 1$/);
  });

  test('one failing scenario among passing ones fails the run', async () => {
    const r = await wanemu('run', example('outgoing-call.yaml'), scenarioFile(FAILING));
    expect(r.code).toBe(EXIT_CHECK_FAILED);
    expect(r.out).toMatch(/^1 of 2 scenarios passed$/m);
  });

  test('a violation fails the run with exit 1 unless allowed', async () => {
    const text = 'name: early open\n{allow}steps:\n  - request: { oid: OID_TAPI_OPEN, line: 0, status: any }\n';
    const bad = await wanemu('run', scenarioFile(text.replace('{allow}', '')));
    expect(bad.code).toBe(EXIT_CHECK_FAILED);
    expect(bad.out).toMatch(/verifier: REQUEST_BEFORE_INITIALIZE/);
    expect(bad.err).toMatch(/--fail-on violations>0: violations is 1/);
    const allowed = await wanemu('run', scenarioFile(text.replace('{allow}', 'allowViolations: [REQUEST_BEFORE_INITIALIZE]\n')));
    expect(allowed.code).toBe(EXIT_OK);
    expect(allowed.out).toMatch(/verifier violations: REQUEST_BEFORE_INITIALIZE 1/);
  });

  test('a malformed scenario: exit 2 with file:line:col, path and what was expected in stderr, nothing run', async () => {
    const file = scenarioFile('name: x\nsteps:\n  - bringUp: {}\n  - offer: { mediaMode: DIGITALDATA, colour: red }\n');
    const r = await wanemu('run', example('outgoing-call.yaml'), file);
    expect(r.code).toBe(EXIT_BAD_INPUT);
    expect(r.err).toContain(`wanemu: ${file}:4:38: steps[1].offer.colour: unknown member "colour"`);
    expect(r.out).toBe('');
  });

  test('a YAML syntax error: exit 2 with its position', async () => {
    const file = scenarioFile('name: x\nsteps:\n  - expect: { event: newCall }}\n');
    const r = await wanemu('run', file);
    expect(r.code).toBe(EXIT_BAD_INPUT);
    expect(r.err).toMatch(new RegExp(`^wanemu: ${literal(file)}:3:31: not valid YAML or JSON`));
  });

  test('a malformed JSON scenario: exit 2 with its position', async () => {
    const file = scenarioFile('{\n  "name": "x",\n  "steps": [\n    { "wait": "soon" }\n  ]\n}\n', 'json');
    const r = await wanemu('run', file);
    expect(r.code).toBe(EXIT_BAD_INPUT);
    expect(r.err).toContain(`${file}:4:15: steps[0].wait:`);
  });

  test('a missing file: exit 2 with file:1:1', async () => {
    const file = join(dir, 'no-such-scenario.yaml');
    const r = await wanemu('run', file);
    expect(r.code).toBe(EXIT_BAD_INPUT);
    expect(r.err).toBe(`wanemu: ${file}:1:1: a scenario file (no such file)`);
    expect(r.out).toBe('');
  });

  test('no scenario at all is a usage error', async () => {
    expect((await wanemu('run')).code).toBe(EXIT_BAD_INPUT);
  });

  test('--json gives parseable JSON with passed/failed counts, failures and stats', async () => {
    const failing = scenarioFile(FAILING);
    const r = await wanemu('run', '--json', example('outgoing-busy.yaml'), failing);
    expect(r.code).toBe(EXIT_CHECK_FAILED);
    const j = JSON.parse(r.out) as {
      clock: string;
      passed: number;
      failed: number;
      scenarios: Array<{ file: string; name: string; passed: boolean; failures: Array<{ path: string; at: { line: number; col: number } }>; stats: Record<string, unknown> }>;
    };
    expect(j.clock).toBe('virtual');
    expect(j.passed).toBe(1);
    expect(j.failed).toBe(1);
    expect(j.scenarios).toHaveLength(2);
    expect(j.scenarios[0]).toMatchObject({ file: example('outgoing-busy.yaml'), passed: true, failures: [] });
    expect(j.scenarios[0]!.stats).toMatchObject({ callsPlaced: 2, callsFailed: { BUSY: 1, UNREACHABLE: 1 } });
    expect(j.scenarios[1]).toMatchObject({ file: failing, name: 'never answered', passed: false });
    expect(j.scenarios[1]!.failures).toEqual([expect.objectContaining({ path: 'steps[2]', at: { file: failing, line: 5, col: 5 } })]);
    expect(j.scenarios[1]!.stats).toMatchObject({ callsOffered: 1, callsIndicated: 1, elapsedMs: 100 });
  });

  test('--json of passing examples is exit 0', async () => {
    const r = await wanemu('run', '--json', example('outgoing-call.yaml'));
    expect(r.code).toBe(EXIT_OK);
    const j = JSON.parse(r.out) as { passed: number; failed: number; scenarios: Array<{ stats: { setupLatency: { p50: number } } }> };
    expect([j.passed, j.failed]).toEqual([1, 0]);
    expect(j.scenarios[0]!.stats.setupLatency.p50).toBe(600);
  });

  test('--junit FILE writes JUnit XML with a <failure> for the failing scenario', async () => {
    const junit = join(dir, 'junit.xml');
    const failing = scenarioFile(FAILING);
    const r = await wanemu('run', '--junit', junit, example('outgoing-call.yaml'), failing);
    expect(r.code).toBe(EXIT_CHECK_FAILED);
    expect(existsSync(junit)).toBe(true);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites tests="2" failures="1">/);
    expect(xml).toMatch(/<testsuite name="wanemu" tests="2" failures="1">/);
    const cases = xml.match(/<testcase [^>]*>[\s\S]*?<\/testcase>/g) ?? [];
    expect(cases).toHaveLength(2);
    expect(cases[0]).toMatch(/^<testcase classname="wanemu\.scenario" name="An outgoing call[^"]*" file="[^"]*outgoing-call\.yaml" time="45\.600"><\/testcase>$/);
    expect(cases[0]).not.toMatch(/<failure/);
    expect(cases[1]).toMatch(/name="never answered"/);
    const failure = /<failure message="([^"]*)">([\s\S]*?)<\/failure>/.exec(cases[1]!);
    expect(failure).not.toBeNull();
    expect(failure![1]).toMatch(/^no callState with .*state=CONNECTED within 100 ms/);
    expect(failure![2]).toContain(`${failing}:5:5 steps[2]: no callState`);
  });

  test('--junit escapes markup in names and messages', async () => {
    const junit = join(dir, 'junit-escaped.xml');
    const file = scenarioFile(`name: 'a <b> & "c"'\nsteps:\n  - bringUp: {}\n  - request: { oid: OID_TAPI_ANSWER, fields: { hdCall: 0x999 } }\n`);
    expect((await wanemu('run', '--junit', junit, file)).code).toBe(EXIT_CHECK_FAILED);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('name="a &lt;b&gt; &amp; &quot;c&quot;"');
    expect(xml).toMatch(/<failure message="OID_TAPI_ANSWER returned NDIS_STATUS_TAPI_INVALCALLHANDLE, expected NDIS_STATUS_SUCCESS">/);
    expect(xml).not.toContain('<b>');
  });

  test('--junit of passing scenarios has no <failure>', async () => {
    const junit = join(dir, 'junit-ok.xml');
    const r = await wanemu('run', '--junit', junit, example('outgoing-busy.yaml'));
    expect(r.code).toBe(EXIT_OK);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuites tests="1" failures="0">/);
    expect(xml).not.toMatch(/<failure/);
  });

  test('--fail-on failedCalls>0 turns outgoing-busy into exit 1; the default passes it', async () => {
    const byDefault = await wanemu('run', example('outgoing-busy.yaml'));
    expect(byDefault.code).toBe(EXIT_OK);
    expect(byDefault.out).toMatch(/failed: BUSY 1, UNREACHABLE 1/);
    const strict = await wanemu('run', '--fail-on', 'failedCalls>0', example('outgoing-busy.yaml'));
    expect(strict.code).toBe(EXIT_CHECK_FAILED);
    expect(strict.out).toMatch(/^PASS /);
    expect(strict.err).toBe('wanemu: --fail-on failedCalls>0: failedCalls is 2');
  });

  test('--fail-on thresholds: >= and several at once', async () => {
    expect((await wanemu('run', '--fail-on', 'failedCalls>=3', example('outgoing-busy.yaml'))).code).toBe(EXIT_OK);
    expect((await wanemu('run', '--fail-on', 'failedCalls>=2', example('outgoing-busy.yaml'))).code).toBe(EXIT_CHECK_FAILED);
    const both = await wanemu('run', '--fail-on', 'violations>0, setupP99>500', example('outgoing-call.yaml'));
    expect(both.code).toBe(EXIT_CHECK_FAILED);
    expect(both.err).toBe('wanemu: --fail-on setupP99>500: setupP99 is 600');
    // Without the expectations threshold a failing scenario does not fail the run.
    expect((await wanemu('run', '--fail-on', 'violations>0', scenarioFile(FAILING))).code).toBe(EXIT_OK);
  });

  test.each(['nonsense>1', 'failedCalls=1', 'failedCalls>', 'failedCalls>x'])('a bad --fail-on expression (%s) is exit 2', async (expr) => {
    const r = await wanemu('run', '--fail-on', expr, example('outgoing-busy.yaml'));
    expect(r.code).toBe(EXIT_BAD_INPUT);
    expect(r.err).toMatch(/^wanemu: --fail-on: ".*" is not METRIC>N or METRIC>=N with METRIC one of expectations, violations, failedCalls/);
    expect(r.out).toBe('');
  });

  test('-v prints one line per exchange before the summary', async () => {
    const file = example('incoming-answer-without-accept.yaml');
    const r = await wanemu('run', '-v', file);
    expect(r.code).toBe(EXIT_OK);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe(`-- ${file}: An incoming call answered without ACCEPT, dropped locally`);
    const answer = lines.findIndex((l) => /NDISTAPI → miniport\s+OID_TAPI_ANSWER #\d+/.test(l));
    const pass = lines.findIndex((l) => l.startsWith('PASS '));
    expect(answer).toBeGreaterThan(0);
    expect(pass).toBeGreaterThan(answer);
    expect(lines.some((l) => /LINE_CALLSTATE CONNECTED/.test(l))).toBe(true);
    expect(lines.some((l) => /NDIS_STATUS_WAN_LINE_UP/.test(l))).toBe(true);
    const quiet = await wanemu('run', file);
    expect(quiet.out).not.toContain('OID_TAPI_ANSWER');
  });

  test('--realtime runs on the real clock', async () => {
    const file = scenarioFile('name: quick\nsteps:\n  - bringUp: {}\n  - wait: 20\n');
    const r = await wanemu('run', '--realtime', file);
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toMatch(/^PASS .*quick\s+\(0\.\d s real\)$/m);
    expect(r.out).toMatch(/latency \(ms, real clock\)/);
  });

  test('--trace FILE records the run', async () => {
    const trace = join(dir, 'cli.pcapng');
    const r = await wanemu('run', '--trace', trace, example('outgoing-call.yaml'));
    expect(r.code).toBe(EXIT_OK);
    expect(existsSync(trace)).toBe(true);
    const shown = await wanemu('trace', 'show', trace);
    expect(shown.code).toBe(EXIT_OK);
    expect(shown.out).toContain('OID_TAPI_MAKE_CALL');
  });
});
