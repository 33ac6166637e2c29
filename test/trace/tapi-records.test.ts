import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LINE_APPNEWCALL, LINE_REPLY } from '../../oid/index.js';
import { loadScenario } from '../../sim/scenario/scenario-loader.js';
import { runScenario } from '../../sim/scenario/scenario-runner.js';
import { readTrace } from '../../trace/pcapng-reader.js';
import { replay } from '../../trace/replay.js';
import { replayUpper } from '../../trace/replay-upper.js';
import { sequenceDiagram } from '../../trace/sequence-diagram.js';
import { tapiMessageOf } from '../../trace/tapi-record.js';
import { recordJson, showTrace } from '../../trace/trace-show.js';

const root = join(__dirname, '..', '..');
let dir: string;
let path: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wanemu-tapi-trace-'));
  path = join(dir, 'tapi.pcapng');
  const r = await runScenario(loadScenario(join(root, 'examples', 'tapi-blind-transfer.yaml')), { tracePath: path });
  expect(r.failures).toEqual([]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('messages to TAPI applications in a trace', () => {
  it('are records of their own kind, in order with the exchanges that caused them', () => {
    const records = Array.from(readTrace(path));
    const tapi = records.filter((r) => r.kind === 'tapi').map((r) => tapiMessageOf(r)!);
    expect(tapi[0]).toMatchObject({ app: 'agent', msg: LINE_APPNEWCALL, callbackInstance: 0x5100 });
    expect(tapi.filter((m) => m.msg === LINE_REPLY).map((m) => [m.app, m.param2])).toEqual([
      ['agent', 0],
      ['agent', 0],
    ]);
    // The first application message comes after the OFFERING indication that caused it.
    const firstTapi = records.findIndex((r) => r.kind === 'tapi');
    const offering = records.findIndex((r) => r.kind === 'indication' && r.data.length >= 48 && new DataView(r.data.buffer, r.data.byteOffset).getUint32(24, true) === 2);
    expect(offering).toBeGreaterThan(-1);
    expect(firstTapi).toBeGreaterThan(offering);
  });

  it('show as text and JSON', () => {
    const lines: string[] = [];
    showTrace(path, false, (l) => lines.push(l), () => undefined);
    expect(lines).toContainEqual(expect.stringMatching(/TAPI → agent {2}LINE_APPNEWCALL hCall=0x[0-9a-f]+ OWNER$/));
    expect(lines).toContainEqual(expect.stringMatching(/TAPI → recorder {2}LINE_CALLSTATE IDLE hCall=0x[0-9a-f]+$/));
    const json = Array.from(readTrace(path)).filter((r) => r.kind === 'tapi').map(recordJson);
    expect(json[0]).toMatchObject({ kind: 'tapi', seq: null, message: { app: 'agent', msgName: 'LINE_APPNEWCALL' } });
  });

  it('are drawn in an applications lane, and leave replay and upper replay unaffected', async () => {
    const svg = sequenceDiagram(readTrace(path));
    expect(svg).toContain('>applications<');
    expect(svg).toContain('agent: LINE_REPLY #');
    expect((await replay(path)).divergences).toEqual([]);
    expect(replayUpper(path).divergences).toEqual([]);
    // A trace without them keeps four lanes.
    const plain = join(dir, 'plain.pcapng');
    await runScenario(loadScenario(join(root, 'examples', 'incoming-timeout.yaml')), { tracePath: plain });
    expect(sequenceDiagram(readTrace(plain))).not.toContain('>applications<');
  });
});
