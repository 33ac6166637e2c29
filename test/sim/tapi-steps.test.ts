import { parseScenario } from '../../sim/scenario/scenario-loader.js';
import { runScenario, type RunResult } from '../../sim/scenario/scenario-runner.js';

const run = (text: string): Promise<RunResult> => runScenario(parseScenario(text, 't.yaml'));
const messages = (r: RunResult): string[] => r.failures.map((f) => f.message);

const OWNER_AND_CALL = `
  - app: { name: agent, open: { privileges: LINECALLPRIVILEGE_OWNER, mediaModes: DIGITALDATA } }
  - offer: { mediaMode: DIGITALDATA, as: call }
  - expect: { event: tapi, app: agent, msg: LINE_APPNEWCALL, capture: { h: param2 } }`;

describe('scenario steps as TAPI applications', () => {
  it('passes when the messages come as expected, with captures across steps', async () => {
    const r = await run(`name: t
steps:${OWNER_AND_CALL}
  - expect: { event: tapi, app: agent, msg: LINE_CALLSTATE, hDevice: $h, param1: LINECALLSTATE_OFFERING, param3: LINECALLPRIVILEGE_OWNER }
  - tapi: { app: agent, do: answer, call: $h, requestId: 9, as: id }
  - expect: { event: tapi, app: agent, msg: LINE_REPLY, param1: 9, param2: 0 }
`);
    expect(messages(r)).toEqual([]);
    expect(r.passed).toBe(true);
  });

  it('fails on a message that does not come, naming what was wanted', async () => {
    const r = await run(`name: t
steps:${OWNER_AND_CALL}
  - expect: { event: tapi, app: agent, msg: LINE_CALLSTATE, param1: LINECALLSTATE_CONNECTED, timeout: 100 }
`);
    expect(r.passed).toBe(false);
    expect(messages(r)[0]).toMatch(/no tapi with app=agent msg=LINE_CALLSTATE param1=LINECALLSTATE_CONNECTED within 100 ms/);
  });

  it("fails when a function's immediate result is not the expected one", async () => {
    const r = await run(`name: t
steps:${OWNER_AND_CALL}
  - tapi: { app: agent, do: setCallPrivilege, call: $h, privilege: LINECALLPRIVILEGE_MONITOR, result: 0 }
`);
    expect(messages(r)).toEqual(['setCallPrivilege returned 0x8000001c; the step expected 0x0']);
  });

  it('fails a step that names an application never initialized, or one initialized twice', async () => {
    const unknown = await run(`name: t
steps:
  - app: { name: agent }
  - tapi: { app: nobody, do: shutdown }
`);
    expect(messages(unknown)).toEqual(['no application named nobody: initialize it with an `app` step first']);
    const twice = await run(`name: t
steps:
  - app: { name: agent }
  - app: { name: agent }
`);
    expect(messages(twice)).toEqual(['an application named agent is already initialized']);
  });

  it('rejects a malformed TAPI step at load time with the schema path', () => {
    expect(() => parseScenario('name: t\nsteps:\n  - tapi: { app: agent, do: fly }\n', 't.yaml')).toThrow(/t\.yaml:3:/);
  });
});
