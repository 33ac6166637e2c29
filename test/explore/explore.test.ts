import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAULTY_NAMES, type FaultyName } from '../../miniport/faulty/index.js';
import { DEFAULT_RUNS } from '../../sim/explore/explore.js';
import { wanemu } from '../support/cli.js';

/*
 * `wanemu explore` with its default run count finds every broken variant and shrinks it to a
 * handful of actions; the scenario it writes fails `wanemu run` the same way; the trace it
 * writes replays to the same divergence from the correct simulated miniport (and, through
 * --upper, to the same verifier rule), while replaying it against the same faulty variant
 * reproduces the recording exactly, with the verifier reporting the same rule. The correct miniport passes; the same seed gives the same
 * exploration.
 */

const out = mkdtempSync(join(tmpdir(), 'wanemu-explore-'));

interface Report {
  readonly runs: number;
  readonly shrinks: number;
  readonly failure?: { readonly kind: string; readonly message: string; readonly rule?: string };
  readonly actions: readonly string[];
  readonly scenario?: string;
  readonly trace?: string;
  readonly reproduces?: boolean;
}

async function exploreJson(...args: string[]): Promise<{ code: number; report: Report }> {
  const r = await wanemu('explore', '--json', '--out', out, ...args);
  return { code: r.code, report: JSON.parse(r.out) as Report };
}

/** How each variant shows: the verifier rule, or the reference model's words. */
const SHOWS: Readonly<Record<FaultyName, { readonly rule?: string; readonly message: RegExp }>> = {
  'forgets-htcall': { rule: 'EVENT_UNKNOWN_CALL', message: /htCall 0x0/ },
  'indicates-after-idle': { rule: 'EVENT_AFTER_IDLE', message: /DISCONNECTED .* after IDLE/ },
  'completes-twice': { rule: 'COMPLETION_ONCE', message: /not pending/ },
  'leaks-call-on-close-during-answer': { message: /OID_TAPI_CLOSE_CALL .*(never came|INVALCALLHANDLE)/ },
  'wrong-bytes-needed': { message: /BytesNeeded \d+; the structure needs \d+/ },
  'newcall-without-offering': { message: /OFFERING .* never came/ },
};

describe.each(FAULTY_NAMES.map((v) => [v]))('the faulty variant %s', (variant) => {
  let report: Report;

  beforeAll(async () => {
    const r = await exploreJson('--faulty', variant, '--seed', '20240611');
    expect(r.code).toBe(1);
    report = r.report;
  });

  test(`is found within the default ${DEFAULT_RUNS} runs and shrunk to a handful of actions`, () => {
    expect(report.runs).toBeLessThanOrEqual(DEFAULT_RUNS);
    expect(report.failure).toBeDefined();
    expect(report.failure!.message).toMatch(SHOWS[variant].message);
    if (SHOWS[variant].rule !== undefined) expect(report.failure!.rule).toBe(SHOWS[variant].rule);
    expect(report.actions.length).toBeGreaterThanOrEqual(1);
    expect(report.actions.length).toBeLessThanOrEqual(6);
  });

  test('its scenario fails `wanemu run` the same way', async () => {
    expect(report.reproduces).toBe(true);
    const text = readFileSync(report.scenario!, 'utf8');
    expect(text).toContain(`faulty: ${variant}`);
    const run = await wanemu('run', report.scenario!);
    expect(run.code).toBe(1);
    if (SHOWS[variant].rule !== undefined) expect(run.out).toContain(`verifier: ${SHOWS[variant].rule}`);
    else expect(run.out).toMatch(/no (callState|lineDown|completion)|returned|expected/);
  });

  test('its trace replays to a divergence from the correct miniport, and exactly against the variant', async () => {
    const correct = await wanemu('replay', report.trace!);
    expect(correct.code).toBe(1);
    expect(correct.out).toMatch(/first divergence after \d+ matching outputs/);
    // Against the variant itself the recording is reproduced exactly; the verifier, which replay
    // runs over what the target does, reports the same rule where the verifier is what caught it.
    const same = await wanemu('replay', '--faulty', variant, report.trace!);
    expect(same.out).toMatch(/no divergence/);
    if (SHOWS[variant].rule !== undefined) {
      expect(same.code).toBe(1);
      expect(same.out).toContain(`verifier: ${SHOWS[variant].rule}`);
    } else {
      expect(same.code).toBe(0);
    }
    const unchecked = await wanemu('replay', '--no-verify', '--faulty', variant, report.trace!);
    expect(unchecked.out).toMatch(/no divergence$/m);
    expect(unchecked.code).toBe(0);
    const upper = await wanemu('replay', '--upper', report.trace!);
    if (SHOWS[variant].rule !== undefined) {
      expect(upper.code).toBe(1);
      expect(upper.out).toContain(`verifier: ${SHOWS[variant].rule}`);
    }
  });
});

test('the correct simulated miniport passes the default exploration', async () => {
  const r = await exploreJson('--seed', '20240611');
  expect(r.code).toBe(0);
  expect(r.report.failure).toBeUndefined();
  expect(r.report.runs).toBe(DEFAULT_RUNS);
  expect(r.report.scenario).toBeUndefined();
});

test('the same seed explores the same sequences and finds the same failure', async () => {
  const a = await exploreJson('--faulty', 'completes-twice', '--seed', '99', '--runs', '200');
  const b = await exploreJson('--faulty', 'completes-twice', '--seed', '99', '--runs', '200');
  const strip = ({ runs, shrinks, failure, actions }: Report) => ({ runs, shrinks, failure, actions });
  expect(strip(b.report)).toEqual(strip(a.report));
  expect(readFileSync(b.report.scenario!, 'utf8')).toBe(readFileSync(a.report.scenario!, 'utf8'));
  const c = await exploreJson('--faulty', 'completes-twice', '--seed', '100', '--runs', '200');
  expect(c.report.failure).toBeDefined();
});

test('the summary names the failure, the minimal actions and the files', async () => {
  const r = await wanemu('explore', '--faulty', 'newcall-without-offering', '--seed', '5', '--out', out);
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/^wanemu explore: a mismatch against the faulty variant newcall-without-offering after \d+ sequences? \(seed 5\), shrunk in \d+ runs to 1 action:/);
  expect(r.out).toContain('1. the far end offers a DIGITALDATA call on line 0');
  expect(r.out).toMatch(/scenario: .*newcall-without-offering-seed-5\.yaml \(wanemu run fails on it, as it should\)/);
  expect(r.out).toMatch(/trace: +.*newcall-without-offering-seed-5\.pcapng/);
  expect(r.err).toContain('mismatch found (seed 5)');
});

test('against a native library: the loopback library passes', async () => {
  const r = await wanemu('explore', '--against', 'native:bridge/build/libwanemu_loopback.so', '--seed', '3', '--runs', '300', '--out', out);
  expect(r.out).toMatch(/300 sequences against native:.*: no failure/);
  expect(r.code).toBe(0);
});

test.each([
  [['--runs', 'many'], /--runs "many": a whole number from 1/],
  [['--runs', '0'], /--runs "0"/],
  [['--seed', '1.5'], /--seed "1.5"/],
  [['--max-steps', '-3'], /--max-steps "-3"/],
  [['--faulty', 'nope'], /--faulty "nope": one of forgets-htcall/],
  [['--faulty', 'completes-twice', '--against', 'native:x.so'], /--faulty wraps the simulated miniport/],
  [['--against', 'hardware'], /--against takes sim or native/],
  [['--against', 'native:/no/such/library.so'], /no\/such\/library/],
])('bad usage %j: exit 2 with a message naming it', async (args, message) => {
  const r = await wanemu('explore', '--out', out, ...args);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(message);
});

test('replay --faulty takes only a variant name', async () => {
  const r = await wanemu('replay', '--faulty', 'nope', 'x.pcapng');
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/--faulty "nope"/);
});
