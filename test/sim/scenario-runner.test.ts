import { parseScenario } from '../../sim/scenario/scenario-loader.js';
import { runScenario } from '../../sim/scenario/scenario-runner.js';

test('scratch', async () => {
  const tries: Record<string, string> = {
    devcaps: `name: x\nminiport: { addressesPerLine: 3 }\nsteps:\n  - bringUp: {}\n  - request: { oid: OID_TAPI_GET_DEV_CAPS, line: 0, capture: { n: LineDevCaps.ulNumAddresses, m: LineDevCaps.ulMediaModes } }\n  - request: { oid: OID_TAPI_GET_ADDRESS_CAPS, line: 0, fields: { ulAddressID: $n }, status: any }\n`,
    complete: `name: x\nsteps:\n  - bringUp: {}\n  - complete: true\n`,
    completeid: `name: x\nsteps:\n  - bringUp: {}\n  - complete: { request: $nope }\n`,
    viol: `name: x\nsteps:\n  - request: { oid: OID_TAPI_OPEN, line: 0, status: any }\n`,
    violallowed: `name: x\nallowViolations: [REQUEST_BEFORE_INITIALIZE]\nsteps:\n  - request: { oid: OID_TAPI_OPEN, line: 0, status: any }\n`,
    violexpected: `name: x\nsteps:\n  - request: { oid: OID_TAPI_OPEN, line: 0, status: any }\n  - expect: { event: violation, rule: REQUEST_BEFORE_INITIALIZE }\n`,
    statusbad: `name: x\nsteps:\n  - bringUp: {}\n  - request: { oid: OID_TAPI_ANSWER, call: $line }\n`,
    none: `name: x\nsteps:\n  - bringUp: {}\n  - offer: { mediaMode: DIGITALDATA, as: call }\n  - expect: { event: newCall, none: true, timeout: 10 }\n`,
    repeat: `name: x\nsteps:\n  - bringUp: {}\n  - repeat: { times: 3, steps: [ { offer: { mediaMode: DIGITALDATA, as: c } }, { request: { oid: OID_TAPI_CLOSE_CALL, call: $c } } ] }\n`,
    uncaptured: `name: x\nsteps:\n  - bringUp: {}\n  - hangUp: { call: $zz }\n`,
    badname: `name: x\nsteps:\n  - bringUp: {}\n  - offer: { mediaMode: NOSUCHMODE }\n`,
  };
  for (const [k, t] of Object.entries(tries)) {
    try {
      const s = parseScenario(t, `${k}.yaml`);
      const r = await runScenario(s);
      console.log(k, r.passed, JSON.stringify(r.failures), JSON.stringify(r.stats));
    } catch (e) {
      console.log(k, String(e), JSON.stringify(e));
    }
  }
});
