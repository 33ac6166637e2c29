import {
  LINECALLSTATE_IDLE,
  LINEMEDIAMODE_DIGITALDATA,
  NdisTapi,
  NdisTapiClient,
  OID_TAPI_ANSWER,
  SimulatedMiniport,
  Verifier,
  VirtualClock,
  type LineEvent,
} from '../index.js';

test('the README library example runs from the package entry point', async () => {
  const clock = new VirtualClock();
  const miniport = new SimulatedMiniport({ clock, offerTimeoutMs: 10_000 });
  const shim = new NdisTapi(miniport, clock);
  const verifier = new Verifier(shim, miniport.abi, miniport.variant);
  const events: LineEvent[] = [];
  shim.events$.subscribe((e) => events.push(e));
  const tapi = new NdisTapiClient(shim);
  await tapi.initialize(0);
  await tapi.open(0);
  await tapi.setDefaultMediaDetection(shim.htLineFor(0), LINEMEDIAMODE_DIGITALDATA);
  expect(miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA, callerId: '5551234' }).ok).toBe(true);
  miniport.policies.setForOid(OID_TAPI_ANSWER, { mode: 'pend', delayMs: 200 });
  clock.advance(30_000);
  expect(events.map((e) => e.type)).toEqual(['newCall', 'callState', 'callState']);
  expect(events[2]).toMatchObject({ type: 'callState', state: LINECALLSTATE_IDLE });
  expect(verifier.violations).toEqual([]);
});
