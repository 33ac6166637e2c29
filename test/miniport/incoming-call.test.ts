import {
  LINECALLSTATE_ACCEPTED,
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_IDLE,
  LINECALLSTATE_OFFERING,
  LINEMEDIAMODE_DIGITALDATA,
  LINEMEDIAMODE_INTERACTIVEVOICE,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_INVALCALLHANDLE,
  NDIS_STATUS_TAPI_INVALCALLSTATE,
  STRINGFORMAT_BINARY,
  isCodecError,
} from '../../oid/index.js';
import { Rig } from '../support/rig.js';

/*
 * The incoming-call flows of ndis-tapi.md §6.6 and §7.2-§7.3, through the NdisTapi shim, on
 * the virtual clock.
 */

async function offered(rig: Rig, mediaMode = LINEMEDIAMODE_DIGITALDATA): Promise<{ htLine: number; htCall: number; hdCall: number }> {
  const htLine = await rig.bringUp();
  rig.take();
  const offer = rig.miniport.remote.offer({ mediaMode, callerId: '5551234' });
  if (!offer.ok) throw new Error(offer.reason);
  const events = rig.take();
  const newCall = events[0];
  if (newCall?.type !== 'newCall') throw new Error('no LINE_NEWCALL');
  return { htLine, htCall: newCall.htCall, hdCall: newCall.hdCall };
}

const rigs: Rig[] = [];
function rigWith(...args: ConstructorParameters<typeof Rig>): Rig {
  const rig = new Rig(...args);
  rigs.push(rig);
  return rig;
}

afterEach(() => {
  // Every flow here follows the contract: the verifier must have nothing to say.
  for (const rig of rigs.splice(0)) expect(rig.verifier.violations).toEqual([]);
});

describe('an incoming call', () => {
  test('is indicated as LINE_NEWCALL (htCall read back from ulParam2), then OFFERING with its media mode', async () => {
    const rig = rigWith();
    const htLine = await rig.bringUp();
    rig.take();
    const offer = rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    expect(offer.ok).toBe(true);
    const [newCall, offering] = rig.take();
    expect(newCall).toMatchObject({ type: 'newCall', htLine });
    if (newCall?.type !== 'newCall' || !offer.ok) throw new Error('unreachable');
    expect(newCall.hdCall).toBe(offer.hdCall);
    // The miniport uses the htCall NDISTAPI wrote back, in every later indication.
    expect(offer.htCall).toBe(newCall.htCall);
    expect(offering).toEqual({ type: 'callState', htLine, htCall: newCall.htCall, state: LINECALLSTATE_OFFERING, mode: 0, mediaMode: LINEMEDIAMODE_DIGITALDATA });
  });

  test('accepted then answered: ACCEPTED, line-up with htCall as ConnectionWrapperID, then CONNECTED', async () => {
    const rig = rigWith();
    const { htCall } = await offered(rig);
    expect((await rig.client.accept(htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    expect(rig.take()).toEqual([expect.objectContaining({ type: 'callState', htCall, state: LINECALLSTATE_ACCEPTED })]);
    expect((await rig.client.answer(htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    const [up, connected] = rig.take();
    expect(up).toMatchObject({ type: 'lineUp', htCall });
    expect(connected).toMatchObject({ type: 'callState', htCall, state: LINECALLSTATE_CONNECTED });
    expect(rig.miniport.calls[0]).toMatchObject({ state: LINECALLSTATE_CONNECTED, linkUp: true });
  });

  test('answered without ACCEPT behaves as if both came; GET_ID "ndis" returns the NdisLinkContext of the line-up', async () => {
    const rig = rigWith();
    const { htCall } = await offered(rig);
    await rig.client.answer(htCall);
    const up = rig.take().find((e) => e.type === 'lineUp');
    if (up?.type !== 'lineUp') throw new Error('no line-up');
    const id = await rig.client.getId({ htCall }, 'NDIS');
    expect(id.status).toBe(NDIS_STATUS_SUCCESS);
    if (isCodecError(id.value)) throw id.value;
    expect(id.value.DeviceID).toMatchObject({ ulStringFormat: STRINGFORMAT_BINARY, ulStringSize: 8, ulStringOffset: 24 });
    const bytes = id.value.DeviceID.String;
    expect(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true)).toBe(BigInt(up.linkContext));
  });

  test('never answered: IDLE after the configured offer timeout, then CLOSE_CALL frees it', async () => {
    const rig = rigWith({ offerTimeoutMs: 5_000 });
    const { htCall } = await offered(rig);
    rig.clock.advance(4_999);
    expect(rig.take()).toEqual([]);
    rig.clock.advance(1);
    expect(rig.take()).toEqual([expect.objectContaining({ type: 'callState', htCall, state: LINECALLSTATE_IDLE })]);
    expect((await rig.client.closeCall(htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    expect(rig.miniport.callCount).toBe(0);
    expect(rig.shim.calls.size).toBe(0);
  });

  test('CLOSE_CALL before the timeout: freed at once, and the timer never fires', async () => {
    const rig = rigWith({ offerTimeoutMs: 5_000 });
    const { htCall } = await offered(rig);
    expect((await rig.client.closeCall(htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    rig.take();
    rig.clock.advance(60_000);
    expect(rig.take()).toEqual([]);
    expect(rig.clock.pending).toBe(0);
  });

  test('abandoned by the caller: IDLE at once', async () => {
    const rig = rigWith();
    const { htCall, hdCall } = await offered(rig);
    expect(rig.miniport.remote.hangUp(hdCall)).toBeUndefined();
    expect(rig.take()).toEqual([expect.objectContaining({ type: 'callState', htCall, state: LINECALLSTATE_IDLE })]);
  });

  test('not indicated when the line does not detect its media mode', async () => {
    const rig = rigWith();
    await rig.bringUp(LINEMEDIAMODE_DIGITALDATA);
    rig.take();
    expect(rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_INTERACTIVEVOICE })).toEqual({ ok: false, reason: 'media-mode-not-detected' });
    expect(rig.take()).toEqual([]);
  });

  test('ANSWER on a connected call is INVALCALLSTATE; on an unknown handle INVALCALLHANDLE', async () => {
    const rig = rigWith();
    const { htCall } = await offered(rig);
    await rig.client.answer(htCall);
    expect((await rig.client.answer(htCall)).status).toBe(NDIS_STATUS_TAPI_INVALCALLSTATE);
    expect((await rig.client.send(0x07030102, 'NDIS_TAPI_ANSWER', { hdCall: 0xdead })).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
  });
});
