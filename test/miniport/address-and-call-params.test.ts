import {
  LINEADDRESSMODE_ADDRESSID,
  LINEADDRESSMODE_DIALABLEADDR,
  LINEBEARERMODE_DATA,
  LINEBEARERMODE_VOICE,
  LINEBEARERMODE_PASSTHROUGH,
  LINECALLINFOSTATE_BEARERMODE,
  LINECALLINFOSTATE_RATE,
  NDIS_STATUS_FAILURE,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_BEARERMODEUNAVAIL,
  NDIS_STATUS_TAPI_INVALADDRESS,
  NDIS_STATUS_TAPI_INVALBEARERMODE,
  NDIS_STATUS_TAPI_INVALCALLSTATE,
  NDIS_STATUS_TAPI_INVALLINEHANDLE,
  NDIS_STATUS_TAPI_INVALRATE,
  NDIS_STATUS_TAPI_RATEUNAVAIL,
  OID_TAPI_GET_ADDRESS_ID,
  OID_TAPI_SET_CALL_PARAMS,
  asciiz,
  isCodecError,
  LINEMEDIAMODE_DIGITALDATA,
} from '../../oid/index.js';
import { Rig } from '../support/rig.js';

/* OID_TAPI_GET_ADDRESS_ID and OID_TAPI_SET_CALL_PARAMS (§6.16, §6.17), both mandatory in the §1 chart. */

async function line(addresses = 2): Promise<{ rig: Rig; htLine: number }> {
  const rig = new Rig({ addressesPerLine: addresses });
  const htLine = await rig.bringUp();
  return { rig, htLine };
}

describe('OID_TAPI_GET_ADDRESS_ID', () => {
  const ask = (rig: Rig, hdLine: number, address: string, mode = LINEADDRESSMODE_DIALABLEADDR) =>
    rig.client.send(OID_TAPI_GET_ADDRESS_ID, 'NDIS_TAPI_GET_ADDRESS_ID', { hdLine, ulAddressMode: mode, szAddress: asciiz(address) });

  test('finds each address by the dialable address GET_ADDRESS_CAPS reports for it', async () => {
    const { rig, htLine } = await line(3);
    const hdLine = rig.client.hdLine(htLine);
    for (const id of [0, 1, 2]) {
      const caps = await rig.client.send(0x0703010a, 'NDIS_TAPI_GET_ADDRESS_CAPS', { ulDeviceID: 0, ulAddressID: id, LineAddressCaps: { ulTotalSize: 512 } }, 1024);
      if (isCodecError(caps.value)) throw caps.value;
      const name = String.fromCharCode(...caps.value.LineAddressCaps.Address).replace(/\0$/, '');
      const r = await ask(rig, hdLine, name);
      expect(r.status).toBe(NDIS_STATUS_SUCCESS);
      if (isCodecError(r.value)) throw r.value;
      expect(r.value.ulAddressID).toBe(id);
    }
  });

  test('an unknown address is INVALADDRESS, a bad line INVALLINEHANDLE, another address mode a failure', async () => {
    const { rig, htLine } = await line();
    const hdLine = rig.client.hdLine(htLine);
    expect((await ask(rig, hdLine, '999')).status).toBe(NDIS_STATUS_TAPI_INVALADDRESS);
    expect((await ask(rig, 0xbad, '00')).status).toBe(NDIS_STATUS_TAPI_INVALLINEHANDLE);
    expect((await ask(rig, hdLine, '00', LINEADDRESSMODE_ADDRESSID)).status).toBe(NDIS_STATUS_FAILURE);
    expect(rig.verifier.violations).toEqual([]);
  });
});

describe('OID_TAPI_SET_CALL_PARAMS', () => {
  async function connected() {
    const { rig } = await line(1);
    const offer = rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    if (!offer.ok) throw new Error(offer.reason);
    await rig.client.answer(offer.htCall);
    rig.take();
    const set = (v: { ulBearerMode: number; ulMinRate: number; ulMaxRate: number }) =>
      rig.client.send(OID_TAPI_SET_CALL_PARAMS, 'NDIS_TAPI_SET_CALL_PARAMS', { hdCall: offer.hdCall, ...v });
    return { rig, htCall: offer.htCall, set };
  }

  test('changes bearer mode and rate, shows them in GET_CALL_INFO and reports LINE_CALLINFO', async () => {
    const { rig, htCall, set } = await connected();
    expect((await set({ ulBearerMode: LINEBEARERMODE_VOICE, ulMinRate: 0, ulMaxRate: 56000 })).status).toBe(NDIS_STATUS_SUCCESS);
    expect(rig.take()).toEqual([{ type: 'callInfo', htLine: expect.any(Number), htCall, changed: LINECALLINFOSTATE_BEARERMODE | LINECALLINFOSTATE_RATE }]);
    const info = await rig.client.getCallInfo(htCall);
    if (isCodecError(info.value)) throw info.value;
    expect(info.value.LineCallInfo).toMatchObject({ ulBearerMode: LINEBEARERMODE_VOICE, ulRate: 56000 });
    // The same parameters again change nothing, so nothing is reported.
    expect((await set({ ulBearerMode: LINEBEARERMODE_VOICE, ulMinRate: 0, ulMaxRate: 56000 })).status).toBe(NDIS_STATUS_SUCCESS);
    expect(rig.take()).toEqual([]);
    expect(rig.verifier.violations).toEqual([]);
  });

  test('bad parameters get the codes §6.17 lists, and an IDLE call INVALCALLSTATE', async () => {
    const { rig, htCall, set } = await connected();
    expect((await set({ ulBearerMode: LINEBEARERMODE_DATA | LINEBEARERMODE_VOICE, ulMinRate: 0, ulMaxRate: 0 })).status).toBe(NDIS_STATUS_TAPI_INVALBEARERMODE);
    expect((await set({ ulBearerMode: LINEBEARERMODE_PASSTHROUGH, ulMinRate: 0, ulMaxRate: 0 })).status).toBe(NDIS_STATUS_TAPI_BEARERMODEUNAVAIL);
    expect((await set({ ulBearerMode: LINEBEARERMODE_DATA, ulMinRate: 9600, ulMaxRate: 2400 })).status).toBe(NDIS_STATUS_TAPI_INVALRATE);
    expect((await set({ ulBearerMode: LINEBEARERMODE_DATA, ulMinRate: 1_000_000, ulMaxRate: 2_000_000 })).status).toBe(NDIS_STATUS_TAPI_RATEUNAVAIL);
    await rig.client.drop(htCall);
    expect((await set({ ulBearerMode: LINEBEARERMODE_DATA, ulMinRate: 0, ulMaxRate: 0 })).status).toBe(NDIS_STATUS_TAPI_INVALCALLSTATE);
  });
});
