import {
  LINEDEVSTATE_RINGING,
  LINEMEDIAMODE_DIGITALDATA,
  NDIS_STATUS_SUCCESS,
  OID_TAPI_GET_DEV_CAPS,
  OID_TAPI_OPEN,
  OID_TAPI_PROVIDER_INITIALIZE,
  OID_TAPI_SET_DEFAULT_MEDIA_DETECTION,
  OID_TAPI_SET_STATUS_MESSAGES,
  OID_WAN_GET_INFO,
  PPP_FRAMING,
  TAPI_PROVIDER,
  isCodecError,
  nameOf,
} from '../../oid/index.js';
import { Rig } from '../support/rig.js';

/* ndis-tapi.md §7.1: bring-up, from NDISWAN's first query to an open line that detects calls. */

test('bring-up: WAN info with TAPI_PROVIDER, initialize, the caps of every line, open, status messages, media detection', async () => {
  const rig = new Rig({ lines: 3, maxTransmit: 4 });
  const info = await rig.client.wanGetInfo();
  expect(info.status).toBe(NDIS_STATUS_SUCCESS);
  if (isCodecError(info.value)) throw info.value;
  expect((info.value.FramingBits & TAPI_PROVIDER) >>> 0).toBe(TAPI_PROVIDER);
  expect((info.value.FramingBits & PPP_FRAMING) >>> 0).toBe(PPP_FRAMING);
  expect(info.value).toMatchObject({ MaxTransmit: 4, Endpoints: 3 });

  const init = await rig.client.initialize(10);
  if (isCodecError(init.value)) throw init.value;
  expect(init.value.ulNumLineDevs).toBe(3);
  for (let k = 0; k < init.value.ulNumLineDevs; k++) {
    const caps = await rig.client.getDevCaps(10 + k);
    expect(caps.status).toBe(NDIS_STATUS_SUCCESS);
    if (isCodecError(caps.value)) throw caps.value;
    expect(caps.value.LineDevCaps.ulPermanentLineID).toBe(k);
  }
  const open = await rig.client.open(11);
  expect(open.status).toBe(NDIS_STATUS_SUCCESS);
  const htLine = rig.shim.htLineFor(11);
  expect((await rig.client.setStatusMessages(htLine, LINEDEVSTATE_RINGING, 0)).status).toBe(NDIS_STATUS_SUCCESS);
  expect((await rig.client.setDefaultMediaDetection(htLine, LINEMEDIAMODE_DIGITALDATA)).status).toBe(NDIS_STATUS_SUCCESS);

  // The sequence as NDISWAN and NDISTAPI sent it, and line 1 (device 11) now takes calls.
  expect(rig.exchanges.filter((x) => x.type === 'request').map((x) => x.name)).toEqual([
    nameOf('OID', OID_WAN_GET_INFO),
    nameOf('OID', OID_TAPI_PROVIDER_INITIALIZE),
    ...Array(3).fill(nameOf('OID', OID_TAPI_GET_DEV_CAPS)),
    nameOf('OID', OID_TAPI_OPEN),
    nameOf('OID', OID_TAPI_SET_STATUS_MESSAGES),
    nameOf('OID', OID_TAPI_SET_DEFAULT_MEDIA_DETECTION),
  ]);
  rig.take();
  expect(rig.miniport.remote.offer({ line: 1, mediaMode: LINEMEDIAMODE_DIGITALDATA }).ok).toBe(true);
  expect(rig.take().map((e) => e.type)).toEqual(['newCall', 'callState', 'lineDevState']);
  expect(rig.miniport.remote.offer({ line: 0, mediaMode: LINEMEDIAMODE_DIGITALDATA })).toEqual({ ok: false, reason: 'line-closed' });
  expect(rig.verifier.violations).toEqual([]);
});
