import { LINEMEDIAMODE_DIGITALDATA } from '../../oid/index.js';
import type { RemoteAction } from '../../miniport/remote-party.js';
import { Rig } from '../support/rig.js';

describe('the remote party tells what it does', () => {
  test('listeners and actions$ subscribers hear every action, listeners first, each before the indications it causes', async () => {
    const rig = new Rig();
    await rig.bringUp();
    const heard: string[] = [];
    const indicationsBefore = (): number => rig.shim.calls.size;
    const stop = rig.miniport.remote.listen((a: RemoteAction) => heard.push(`listen ${a.action} (calls ${indicationsBefore()})`));
    const sub = rig.miniport.remote.actions$.subscribe((a) => heard.push(`actions$ ${a.action}`));
    const offer = rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA, callerId: '5551234' });
    if (!offer.ok) throw new Error(offer.reason);
    rig.miniport.remote.hangUp(offer.hdCall);
    // The offer is heard before LINE_NEWCALL made the shim know the call.
    expect(heard).toEqual(['listen offer (calls 0)', 'actions$ offer', 'listen hangUp (calls 1)', 'actions$ hangUp']);

    stop();
    heard.length = 0;
    rig.miniport.remote.hangUp(offer.hdCall);
    expect(heard).toEqual(['actions$ hangUp']);
    sub.unsubscribe();
    rig.miniport.remote.hangUp(offer.hdCall);
    expect(heard).toEqual(['actions$ hangUp']);
  });

  test('an action is handed over whole: the offer with its defaults filled in', async () => {
    const rig = new Rig();
    await rig.bringUp();
    const heard: RemoteAction[] = [];
    rig.miniport.remote.listen((a) => heard.push(a));
    rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    rig.miniport.remote.answer(0x4242);
    rig.miniport.remote.fail(0x4243, 'reject');
    expect(heard).toEqual([
      { action: 'offer', line: 0, address: 0, mediaMode: LINEMEDIAMODE_DIGITALDATA, callerId: '', calledId: '' },
      { action: 'answer', hdCall: 0x4242 },
      { action: 'fail', hdCall: 0x4243, why: 'reject' },
    ]);
  });
});
