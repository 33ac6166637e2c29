import { LINECALLSTATE_IDLE, LINEMEDIAMODE_DIGITALDATA } from '../../oid/index.js';
import { MiniportAlone } from '../../bench/miniport-alone.js';

describe('MiniportAlone (the floor under the lifecycle figure)', () => {
  test('runs whole lifecycles on the simulated miniport: each call gets the htCall written back, every request succeeds, nothing is left', () => {
    const alone = new MiniportAlone();
    const sum = alone.loop(1000);
    expect(alone.failed).toBe(0);
    expect(alone.miniport.callCount).toBe(0);
    // The loop sums the low byte of each offer's htCall: nonzero only if the stand-in wrote them.
    expect(sum).toBeGreaterThan(0);
    const offer = alone.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    expect(offer).toMatchObject({ ok: true, htCall: 0x7f00_0000 + 1001 * 0x10 });
  });

  test('counts a lifecycle whose requests fail', () => {
    const alone = new MiniportAlone();
    // Every request forced to fail: the loop still ends each call (remote hang-up of an offer) but counts it.
    alone.miniport.policies.setDefault({ mode: 'force', status: 0xc0010011 });
    alone.loop(3);
    expect(alone.failed).toBe(3);
    expect(alone.miniport.calls.every((c) => c.state === LINECALLSTATE_IDLE)).toBe(true);
  });
});
