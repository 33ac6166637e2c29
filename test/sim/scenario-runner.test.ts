import { parseScenario } from '../../sim/scenario/scenario-loader.js';
import { runScenario } from '../../sim/scenario/scenario-runner.js';
import { resolveValue } from '../../sim/scenario/values.js';

test('scratch', async () => {
  try { resolveValue('mediaMode', 'DIGITALDATA|NOSUCH', new Map()); } catch (e) { console.log(String(e)); }
  const timers = () => process.getActiveResourcesInfo().filter((t) => t === 'Timeout').length;
  const before = timers();
  const t0 = Date.now();
  const r = await runScenario(parseScenario(`name: x\nminiport: { offerTimeoutMs: 30 }\nsteps:\n  - bringUp: {}\n  - wait: 20\n  - offer: { mediaMode: DIGITALDATA, as: c }\n  - expect: { event: callState, htCall: $c, state: IDLE, timeout: 1000 }\n  - request: { oid: OID_TAPI_CLOSE_CALL, call: $c }\n`, 'rt.yaml'), { clock: 'real' });
  console.log(r.passed, r.failures, r.stats.elapsedMs, Date.now() - t0, before, timers());
  const r2 = await runScenario(parseScenario(`name: x\nminiport: { offerTimeoutMs: 1500 }\nsteps:\n  - bringUp: {}\n  - offer: { mediaMode: DIGITALDATA, as: c }\n`, 'rt.yaml'), { clock: 'real' });
  console.log(r2.passed, before, timers(), process.getActiveResourcesInfo());
});
