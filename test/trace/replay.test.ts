import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wanemu } from '../support/cli.js';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK } from '../../cli/exit-codes.js';
import { loadScenario } from '../../sim/scenario/scenario-loader.js';
import { runScenario } from '../../sim/scenario/scenario-runner.js';
import { replay } from '../../trace/replay.js';
import { replayUpper } from '../../trace/replay-upper.js';
import { TraceRecorder } from '../../trace/trace-recorder.js';
import { LINECALLSTATE_IDLE, LINEMEDIAMODE_DIGITALDATA, LINE_CALLSTATE } from '../../oid/index.js';
import { Rig } from '../support/rig.js';
import { ScriptedMiniport } from '../support/scripted-miniport.js';
import { NdisTapi } from '../../ndistapi/ndis-tapi.js';
import { NdisTapiClient } from '../../ndistapi/ndis-tapi-client.js';
import { VirtualClock } from '../../sim/virtual-clock.js';
import { SimulatedMiniport } from '../../miniport/simulated-miniport.js';
import type { SimulatedMiniportOptions } from '../../miniport/sim-config.js';
import { faultyMiniport } from '../../miniport/faulty/index.js';

const root = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'wanemu-replay-'));

async function recorded(example: string): Promise<string> {
  const path = join(dir, `${example}.pcapng`);
  const r = await runScenario(loadScenario(join(root, 'examples', example)), { tracePath: path });
  expect(r.passed).toBe(true);
  return path;
}

const cli = wanemu;

describe('replay against the simulated miniport', () => {
  // Injected faults are not in a trace (it records what NDISTAPI saw), so replaying one against
  // a faithful miniport diverges at the first fault, by design; those examples are left out here.
  const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.yaml') && !/^\s*- fault:/m.test(readFileSync(join(root, 'examples', f), 'utf8')));

  test.each(examples)('%s, recorded by run, replays with zero divergences (and, verified, zero violations)', async (example) => {
    const path = await recorded(example);
    const checked = await replay(path, { verify: true });
    expect(checked.divergences).toEqual([]);
    expect(checked.violations).toEqual([]);
    const r = await replay(path);
    expect(r.violations).toEqual([]);
    expect(r.divergences).toEqual([]);
    expect(r.compared).toBeGreaterThan(8);
    expect(r.records).toBeGreaterThan(r.compared);
  });

  test('a trace with an injected fault diverges at the fault: the faithful target indicates what was dropped', async () => {
    const r = await replay(await recorded('dropped-connected.yaml'));
    expect(r.divergences).toHaveLength(1);
    // The duplicated OFFERING: the recording has it twice, the target indicates it once.
    expect(r.divergences[0]!.reason).toBe('the target did not produce this indication by 0.000 s');
    expect(r.divergences[0]!.expectedText).toMatch(/LINE_CALLSTATE OFFERING/);
  });

  test('a shorter offer timeout in the target: the first divergence is the IDLE that came instead of the line-up', async () => {
    const r = await replay(await recorded('pended-answer.yaml'), { override: { offerTimeoutMs: 100 } });
    expect(r.divergences).toHaveLength(1);
    const d = r.divergences[0]!;
    expect(d.reason).toBe('the recording has a indication of NDIS_STATUS_WAN_LINE_UP here; the target produced a indication of NDIS_STATUS_TAPI_INDICATION');
    expect(d.expectedText).toMatch(/0\.750s .*NDIS_STATUS_WAN_LINE_UP/);
    expect(d.actualText).toMatch(/0\.100s .*LINE_CALLSTATE IDLE/);
    expect(d.around.filter((l) => l.startsWith('>'))).toHaveLength(1);
    expect(d.around.join('\n')).toMatch(/OID_TAPI_ANSWER #5[\s\S]*NDIS_STATUS_PENDING[\s\S]*> .*WAN_LINE_UP/);
  });

  test('a different far end: BUSY where the recording connected, and --all counts every divergence', async () => {
    const path = await recorded('outgoing-call.yaml');
    const first = await replay(path, { override: { outgoing: { outcome: 'busy', stepMs: 200 } } });
    expect(first.divergences).toHaveLength(1);
    expect(first.divergences[0]!.actualText).toMatch(/LINE_CALLSTATE BUSY/);
    expect(first.divergences[0]!.expectedText).toMatch(/NDIS_STATUS_WAN_LINE_UP/);
    const all = await replay(path, { all: true, override: { outgoing: { outcome: 'busy', stepMs: 200 } } });
    expect(all.divergences.length).toBeGreaterThan(1);
  });

  test('wanemu replay: exit 0 without divergence, 1 with the report, 2 for a bad target or file', async () => {
    const path = await recorded('incoming-answer-without-accept.yaml');
    const ok = await cli('replay', path);
    expect(ok.code).toBe(EXIT_OK);
    expect(ok.out).toMatch(/records replayed against sim, \d+ outputs compared, no divergence/);
    expect((await cli('replay', path, '--speed', '50x')).code).toBe(EXIT_OK);
    expect((await cli('replay', path, '--against', 'native:/nope.so')).code).toBe(EXIT_BAD_INPUT);
    expect((await cli('replay', path, '--speed', 'fast')).code).toBe(EXIT_BAD_INPUT);
    const missing = await cli('replay', join(dir, 'none.pcapng'));
    expect(missing.code).toBe(EXIT_BAD_INPUT);
    expect(missing.err).toMatch(/no such file/);
  });

  test('wanemu replay reports the first divergence with the records around it', async () => {
    // A trace of the timeout flow replayed while the scenario's miniport had a 15 s timeout; the
    // default 30 s of an unconfigured run diverges. Simulate by recording with one and replaying the other.
    const path = join(dir, 'diverging.pcapng');
    const s = loadScenario(join(root, 'examples', 'incoming-timeout.yaml'));
    await runScenario({ ...s, miniport: { ...s.miniport, offerTimeoutMs: 15000 } }, { tracePath: path });
    const r = await replay(path, { override: { offerTimeoutMs: 20000 } });
    expect(r.divergences).toHaveLength(1);
    expect(r.divergences[0]!.reason).toMatch(/did not produce this indication by 15\.000 s/);
  });
});

describe('replay with the verifier: what the target does is checked against the contract', () => {
  test('a target that indicates after IDLE reproduces the recording yet breaks EVENT_AFTER_IDLE; unverified, it passes', async () => {
    // Recorded on the correct miniport: the call is answered, hung up, dropped and closed.
    const path = await recorded('incoming-accept-answer.yaml');
    const target = async (config: SimulatedMiniportOptions, clock: VirtualClock) => faultyMiniport('indicates-after-idle', new SimulatedMiniport({ ...config, clock }));
    const checked = await replay(path, { verify: true, all: true, target });
    expect(checked.violations.map((v) => v.rule)).toContain('EVENT_AFTER_IDLE');
    const unchecked = await replay(path, { all: true, target });
    expect(unchecked.violations).toEqual([]);
    // The extra indication is also a divergence from the recording, with or without the verifier.
    expect(checked.divergences.length).toBe(unchecked.divergences.length);
    expect(unchecked.divergences.length).toBeGreaterThan(0);
  });
});

describe('wanemu replay on the command line', () => {
  test('a diverging replay exits 1 and prints the reason, expected, got and the recording around it', async () => {
    // A trace whose header says the miniport times offers out after 20 s, while the recorded
    // miniport did so after 15 s: the replay target, configured from the header, diverges.
    const path = join(dir, 'cli-div.pcapng');
    const rig = new Rig({ offerTimeoutMs: 15_000 });
    const rec = TraceRecorder.attach(rig.shim, path, rig.miniport.abi, rig.miniport.variant, rig.clock, rig.miniport.remote.actions$, { ...rig.miniport.config, offerTimeoutMs: 20_000 });
    await rig.bringUp();
    rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    rig.clock.advance(16_000);
    rec.close();
    const r = await cli('replay', path);
    expect(r.code).toBe(EXIT_CHECK_FAILED);
    expect(r.out).toMatch(/first divergence after \d+ matching outputs: the target did not produce this indication by 15\.000 s/);
    expect(r.out).toMatch(/expected: +15\.000s .*LINE_CALLSTATE IDLE/);
    expect(r.out).toMatch(/the recording around it:[\s\S]*> +15\.000s/);
    expect(r.err).toMatch(/1 divergence/);
    const all = await cli('replay', path, '--all');
    expect(all.out).toMatch(/\d+ divergences in \d+ records/);
  });
});

describe('replay --upper: the recorded miniport side played into NdisTapi and the verifier', () => {
  const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.yaml') && !/^\s*- fault:/m.test(readFileSync(join(root, 'examples', f), 'utf8')) && !f.startsWith('load'));

  test.each(examples)('%s: NdisTapi writes back what the recording shows, and the verifier is silent', async (example) => {
    const r = replayUpper(await recorded(example));
    expect(r.divergences).toEqual([]);
    expect(r.violations).toEqual([]);
    expect(r.records).toBeGreaterThan(10);
  });

  test('a recording of a misbehaving miniport: the verifier names what it did, and the command exits 1', async () => {
    // Recorded from a hand-driven miniport that indicates a call NDISTAPI never heard of.
    const path = join(dir, 'bad-miniport.pcapng');
    const clock = new VirtualClock();
    const mp = new ScriptedMiniport();
    const shim = new NdisTapi(mp, clock);
    const client = new NdisTapiClient(shim);
    const rec = TraceRecorder.attach(shim, path, mp.abi, mp.variant, clock);
    await client.initialize(0);
    await client.open(0);
    clock.advance(5);
    mp.event(shim.htLineFor(0), 0x4242, LINE_CALLSTATE, LINECALLSTATE_IDLE);
    rec.close();
    const r = replayUpper(path);
    expect(r.divergences).toEqual([]);
    expect(r.violations).toEqual([expect.stringMatching(/^EVENT_UNKNOWN_CALL: LINE_CALLSTATE for htCall 0x4242/)]);
    const c = await cli('replay', '--upper', path);
    expect(c.code).toBe(EXIT_CHECK_FAILED);
    expect(c.out).toMatch(/verifier: EVENT_UNKNOWN_CALL/);
  });
});
