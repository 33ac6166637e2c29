import { codecFor, isCodecError, LINE_CALLSTATE, LINE_NEWCALL } from '../oid/index.js';
import { decodeEventByHand, encodeEventByHand, type EventValue } from './event-dataview-baseline.js';
import { compareRates, type Figure } from './measure.js';

const SLOTS = 64;
const SIZE = 48;

/** A varied set of events, as a miniport indicates them (handles are user-mode sized numbers). */
function sampleEvents(): EventValue[] {
  return Array.from({ length: SLOTS }, (_, i) => ({
    htLine: 0x7ff6_0000_1000 + i * 16,
    htCall: i % 3 === 0 ? 0 : 0x7ff6_0001_0000 + i * 64,
    ulMsg: i % 2 === 0 ? LINE_NEWCALL : LINE_CALLSTATE,
    ulParam1: 0x1000 + i,
    ulParam2: i % 2 === 0 ? 0 : 2,
    ulParam3: i % 2 === 0 ? 0 : 0x10,
  }));
}

/**
 * Encode and decode of NDIS_TAPI_EVENT (x64), the schema-driven codec against hand-written
 * DataView code; both are handed the same DataView and offsets.
 */
export function codecFigures(): Figure[] {
  const codec = codecFor('NDIS_TAPI_EVENT', 'x64', 'wdk');
  const events = sampleEvents();
  const bytes = new Uint8Array(SLOTS * SIZE);
  const dv = new DataView(bytes.buffer);
  events.forEach((e, i) => encodeEventByHand(e, dv, i * SIZE));

  const decode = compareRates(
    'codec.NDIS_TAPI_EVENT.decode',
    (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const v = codec.decodeView(dv, (i & (SLOTS - 1)) * SIZE);
        if (!isCodecError(v)) s += v.ulMsg;
      }
      return s;
    },
    (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const v = decodeEventByHand(dv, (i & (SLOTS - 1)) * SIZE);
        s += v.ulMsg;
      }
      return s;
    },
  );

  const outView = new DataView(new ArrayBuffer(SLOTS * SIZE));
  const byHand = (n: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const k = i & (SLOTS - 1);
      s += encodeEventByHand(events[k]!, outView, k * SIZE);
    }
    return s;
  };
  // The same work as the hand-written baseline: write the members, check nothing. This is the
  // path a miniport uses for the events it builds itself.
  const encode = compareRates(
    'codec.NDIS_TAPI_EVENT.encode',
    (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const k = i & (SLOTS - 1);
        const w = codec.encodeTrustedView(events[k]!, outView, k * SIZE);
        if (typeof w === 'number') s += w;
      }
      return s;
    },
    byHand,
  );
  // More work than the baseline: every member is checked (type, range, integer) and a bad one
  // becomes an error value. Printed so the price of validation is visible, not hidden.
  const checked = compareRates(
    'codec.NDIS_TAPI_EVENT.encode.checked',
    (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const k = i & (SLOTS - 1);
        const w = codec.encodeIntoView(events[k]!, outView, k * SIZE);
        if (typeof w === 'number') s += w;
      }
      return s;
    },
    byHand,
  );
  return [decode, encode, checked];
}
