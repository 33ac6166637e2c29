import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { LINEMEDIAMODE_DIGITALDATA, NDIS_STATUS_SUCCESS } from '../../oid/index.js';
import { SimulatedMiniport } from '../../miniport/simulated-miniport.js';
import type { ScriptableMiniport } from '../../miniport/scriptable-miniport.js';
import { NdisTapi } from '../../ndistapi/ndis-tapi.js';
import { NdisTapiClient } from '../../ndistapi/ndis-tapi-client.js';
import { Verifier } from '../../ndistapi/verifier/verifier.js';
import { VirtualClock } from '../../sim/virtual-clock.js';
import { NativeMiniport } from '../../bridge/native-miniport.js';
import { loopbackConfig, nativeTarget } from '../../bridge/native-target.js';

const root = join(__dirname, '..', '..');
const LOOPBACK = join(root, 'bridge', 'build', 'libwanemu_loopback.so');

beforeAll(() => {
  const r = spawnSync(process.execPath, [join(root, 'bridge', 'build.mjs'), '--strict', 'native', 'loopback'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bridge build failed: ${r.stderr}`);
});

/**
 * The far end hangs up a connected call; NDISTAPI closes the call from inside the line-down
 * that comes first. The hang-up must stop there: no DISCONNECTED for a call already closed,
 * and the address is free again exactly once.
 */
async function closeInsideLineDown(miniport: ScriptableMiniport): Promise<{ violations: string[]; closed: number; secondOffer: boolean }> {
  const shim = new NdisTapi(miniport);
  const verifier = new Verifier(shim, miniport.abi, miniport.variant);
  const client = new NdisTapiClient(shim);
  expect((await client.initialize(0)).status).toBe(NDIS_STATUS_SUCCESS);
  expect((await client.open(0)).status).toBe(NDIS_STATUS_SUCCESS);
  const htLine = shim.htLineFor(0);
  expect((await client.setDefaultMediaDetection(htLine, LINEMEDIAMODE_DIGITALDATA)).status).toBe(NDIS_STATUS_SUCCESS);
  let closed = 0;
  const closing: Array<Promise<unknown>> = [];
  shim.events$.subscribe((e) => {
    if (e.type === 'lineDown') closing.push(client.closeCall(e.htCall).then((r) => r.status === NDIS_STATUS_SUCCESS && closed++));
  });
  const offer = miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
  if (!offer.ok) throw new Error(offer.reason);
  expect((await client.answer(offer.htCall)).status).toBe(NDIS_STATUS_SUCCESS);
  miniport.remote.hangUp(offer.hdCall);
  await Promise.all(closing);
  const again = miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
  return {
    violations: verifier.violations.map((v) => v.rule),
    closed,
    secondOffer: again.ok,
  };
}

describe('CLOSE_CALL from inside the line-down of a remote hang-up', () => {
  it('on the simulated miniport: no event after the close, the address freed once', async () => {
    const m = new SimulatedMiniport({ clock: new VirtualClock(), callsPerAddress: 1 });
    expect(await closeInsideLineDown(m)).toEqual({ violations: [], closed: 1, secondOffer: true});
  });

  it('on the loopback library: the same', async () => {
    const clock = new VirtualClock();
    const lib = await NativeMiniport.open(LOOPBACK, { config: loopbackConfig({ callsPerAddress: 1 }, 'virtual') });
    const m = nativeTarget(lib, { callsPerAddress: 1 }, clock);
    try {
      expect(await closeInsideLineDown(m)).toEqual({ violations: [], closed: 1, secondOffer: true});
    } finally {
      m.dispose();
    }
  });
});
