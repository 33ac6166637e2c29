import fc from 'fast-check';
import type { RemoteAction } from '../../miniport/remote-party.js';
import { remoteActionBytes, remoteActionFromBytes } from '../../trace/remote-action-bytes.js';

const count = fc.oneof(fc.nat(), fc.maxSafeNat(), fc.constantFrom(0, 9, 10, 131072, 2 ** 53 - 1), fc.integer({ min: -5, max: -1 }), fc.double());
const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', '5551001', 'a"b\\c', 'é', '\n'));
const action: fc.Arbitrary<RemoteAction> = fc.oneof(
  fc.record({ action: fc.constant('offer' as const), line: count, address: count, mediaMode: count, callerId: text, calledId: text }),
  fc.record({ action: fc.constantFrom('answer' as const, 'busy' as const, 'hangUp' as const), hdCall: count }),
  fc.record({ action: fc.constant('fail' as const), hdCall: count, why: fc.constantFrom('noanswer' as const, 'reject' as const, 'unreachable' as const) }),
);
const utf8 = new TextEncoder();

describe('remote actions as JSON bytes', () => {
  test('the bytes are exactly the UTF-8 of JSON.stringify, or -1 (the caller encodes that text), and read back as the action', () => {
    const out = new Uint8Array(512);
    fc.assert(
      fc.property(action, (a) => {
        const n = remoteActionBytes(a, out);
        if (n < 0) return;
        expect(out.slice(0, n)).toEqual(utf8.encode(JSON.stringify(a)));
        // As the JSON reads back (-0 is written 0).
        if (a.action !== 'fail') expect(remoteActionFromBytes(out.slice(0, n))).toEqual(JSON.parse(JSON.stringify(a)));
      }),
      { numRuns: 3000 },
    );
  });

  test('the recorder\'s everyday actions take the fast path both ways', () => {
    const out = new Uint8Array(512);
    const actions: RemoteAction[] = [
      { action: 'offer', line: 0, address: 0, mediaMode: 256, callerId: '5551001', calledId: '' },
      { action: 'hangUp', hdCall: 131072 },
      { action: 'answer', hdCall: 0 },
      { action: 'busy', hdCall: 9_007_199_254_740_991 },
    ];
    for (const a of actions) {
      const n = remoteActionBytes(a, out);
      expect(n).toBe(JSON.stringify(a).length);
      expect(remoteActionFromBytes(out.slice(0, n))).toEqual(a);
    }
    // Too short a buffer, escapes, non-ASCII, fractions: not written here.
    expect(remoteActionBytes(actions[0]!, new Uint8Array(20))).toBe(-1);
    expect(remoteActionBytes({ ...(actions[0] as Extract<RemoteAction, { action: 'offer' }>), callerId: 'a"b' }, out)).toBe(-1);
    expect(remoteActionBytes({ action: 'hangUp', hdCall: 1.5 }, out)).toBe(-1);
  });

  test('bytes that are not the recorder\'s own form are left to the JSON parser', () => {
    for (const t of ['{"action":"hangUp","hdCall":012}', '{"action":"hangUp","hdCall":1} ', '{"hdCall":1,"action":"hangUp"}', '{"action":"hangUp","hdCall":}', '{"action":"offer","line":0}', '{"action":"hangUp","hdCall":99999999999999999}']) {
      expect(remoteActionFromBytes(utf8.encode(t))).toBeUndefined();
    }
  });
});
