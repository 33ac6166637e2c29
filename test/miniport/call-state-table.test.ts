import { CALL_TRANSITIONS, SIMULATED_CALL_STATES, nextCallState, type CallEvent } from '../../miniport/call-state-table.js';
import { LINECALLSTATE_ACCEPTED, LINECALLSTATE_CONNECTED, LINECALLSTATE_IDLE, LINECALLSTATE_OFFERING, LINECALLSTATE_PROCEEDING, LINECALLSTATE_RINGBACK } from '../../oid/index.js';

const EVENTS = Object.keys(CALL_TRANSITIONS) as CallEvent[];
/** Every single LINECALLSTATE_* bit a simulated call can be in, and 0 (no state yet). */
const STATES = [0, ...Array.from({ length: 32 }, (_, i) => (1 << i) >>> 0).filter((b) => (SIMULATED_CALL_STATES & b) !== 0)];

describe('nextCallState', () => {
  it.each(EVENTS)('%s applies exactly in the states the table lists, and leads where it says', (event) => {
    const t = CALL_TRANSITIONS[event];
    for (const s of STATES) {
      const expected = t.from.includes(s) ? (t.to === 'given' ? LINECALLSTATE_RINGBACK : t.to) : undefined;
      expect([s, nextCallState(s, event, LINECALLSTATE_RINGBACK)]).toEqual([s, expected]);
    }
  });

  it('walks the inbound and outbound paths', () => {
    expect(nextCallState(LINECALLSTATE_OFFERING, 'accept')).toBe(LINECALLSTATE_ACCEPTED);
    expect(nextCallState(LINECALLSTATE_ACCEPTED, 'answer')).toBe(LINECALLSTATE_CONNECTED);
    expect(nextCallState(LINECALLSTATE_ACCEPTED, 'accept')).toBeUndefined();
    expect(nextCallState(LINECALLSTATE_PROCEEDING, 'progress', LINECALLSTATE_RINGBACK)).toBe(LINECALLSTATE_RINGBACK);
    expect(nextCallState(LINECALLSTATE_IDLE, 'drop')).toBeUndefined();
  });
});
