import type { RemoteAction } from '../miniport/remote-party.js';

/*
 * A remote-party action as the UTF-8 bytes of its JSON (the text JSON.stringify gives, member
 * for member), written straight into a byte buffer: the recorder writes two of these per call,
 * and building a string then encoding it costs several times more than the rest of a record.
 */

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

const OFFER = ascii('{"action":"offer","line":');
const ADDRESS = ascii(',"address":');
const MEDIA_MODE = ascii(',"mediaMode":');
const CALLER_ID = ascii(',"callerId":');
const CALLED_ID = ascii(',"calledId":');
const FAIL = ascii('{"action":"fail","hdCall":');
const WHY = ascii(',"why":');
const BY_CALL: Readonly<Record<string, Uint8Array>> = {
  answer: ascii('{"action":"answer","hdCall":'),
  busy: ascii('{"action":"busy","hdCall":'),
  hangUp: ascii('{"action":"hangUp","hdCall":'),
};
const CLOSE = 0x7d; // }
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Writes the action's JSON into `out` from 0 and returns its length, or -1 when `out` is too
 * short or a member is not what this writes by hand (a string with characters JSON escapes or
 * outside ASCII, a number that is not a whole number in 0..2^53): the caller then encodes
 * `JSON.stringify`'s text instead.
 */
export function remoteActionBytes(a: RemoteAction, out: Uint8Array): number {
  let o: number;
  switch (a.action) {
    case 'offer':
      o = put(out, 0, OFFER);
      o = digits(out, o, a.line);
      o = put(out, o, ADDRESS);
      o = digits(out, o, a.address);
      o = put(out, o, MEDIA_MODE);
      o = digits(out, o, a.mediaMode);
      o = put(out, o, CALLER_ID);
      o = quoted(out, o, a.callerId);
      o = put(out, o, CALLED_ID);
      o = quoted(out, o, a.calledId);
      break;
    case 'fail':
      o = put(out, 0, FAIL);
      o = digits(out, o, a.hdCall);
      o = put(out, o, WHY);
      o = quoted(out, o, a.why);
      break;
    default: {
      const prefix = BY_CALL[a.action];
      if (prefix === undefined) return -1;
      o = put(out, 0, prefix);
      o = digits(out, o, a.hdCall);
    }
  }
  if (o < 0 || o >= out.length) return -1;
  out[o] = CLOSE;
  return o + 1;
}

function put(out: Uint8Array, o: number, bytes: Uint8Array): number {
  if (o < 0 || o + bytes.length > out.length) return -1;
  out.set(bytes, o);
  return o + bytes.length;
}

/** A whole number's decimal digits (as JSON writes it). */
function digits(out: Uint8Array, o: number, v: number): number {
  if (o < 0 || !Number.isSafeInteger(v) || v < 0) return -1;
  let n = 1;
  for (let x = v; x >= 10; x = Math.floor(x / 10)) n++;
  if (o + n > out.length) return -1;
  let x = v;
  for (let i = o + n - 1; i >= o; i--) {
    out[i] = 0x30 + (x % 10);
    x = Math.floor(x / 10);
  }
  return o + n;
}

/** A string of printable ASCII JSON needs no escapes in, quoted. */
function quoted(out: Uint8Array, o: number, s: string): number {
  if (o < 0 || o + s.length + 2 > out.length) return -1;
  out[o] = QUOTE;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) return -1;
    out[o + 1 + i] = c;
  }
  out[o + 1 + s.length] = QUOTE;
  return o + s.length + 2;
}

/**
 * The action in `bytes` when they are exactly what `remoteActionBytes` writes (the recorder's
 * own form), without building a string; undefined otherwise (the caller then parses the JSON).
 */
export function remoteActionFromBytes(bytes: Uint8Array): RemoteAction | undefined {
  const r = new ByteReader(bytes);
  for (const action of ['hangUp', 'answer', 'busy'] as const) {
    if (!r.at(0, BY_CALL[action]!)) continue;
    const hdCall = r.number();
    return r.end() && hdCall !== undefined ? { action, hdCall } : undefined;
  }
  if (!r.at(0, OFFER)) return undefined;
  const line = r.number();
  const address = r.expect(ADDRESS) ? r.number() : undefined;
  const mediaMode = r.expect(MEDIA_MODE) ? r.number() : undefined;
  const callerId = r.expect(CALLER_ID) ? r.string() : undefined;
  const calledId = r.expect(CALLED_ID) ? r.string() : undefined;
  if (!r.end() || line === undefined || address === undefined || mediaMode === undefined || callerId === undefined || calledId === undefined) return undefined;
  return { action: 'offer', line, address, mediaMode, callerId, calledId };
}

/** Reads the recorder's JSON forms from bytes: constant parts, whole numbers, plain strings. */
class ByteReader {
  private o = 0;
  constructor(private readonly b: Uint8Array) {}

  /** Whether `bytes` are at `o`; moves past them if so. */
  at(o: number, bytes: Uint8Array): boolean {
    const b = this.b;
    if (o + bytes.length > b.length) return false;
    for (let i = 0; i < bytes.length; i++) if (b[o + i] !== bytes[i]) return false;
    this.o = o + bytes.length;
    return true;
  }

  expect(bytes: Uint8Array): boolean {
    return this.at(this.o, bytes);
  }

  /** Digits, as JSON writes a whole number (no leading zero), up to 2^53. */
  number(): number | undefined {
    const b = this.b;
    let v = 0;
    const start = this.o;
    while (this.o < b.length && b[this.o]! >= 0x30 && b[this.o]! <= 0x39) v = v * 10 + (b[this.o++]! - 0x30);
    const n = this.o - start;
    if (n === 0 || n > 16 || (n > 1 && b[start] === 0x30) || !Number.isSafeInteger(v)) return undefined;
    return v;
  }

  /** A quoted string of printable ASCII with no escapes. */
  string(): string | undefined {
    const b = this.b;
    if (b[this.o] !== QUOTE) return undefined;
    let s = '';
    for (let i = this.o + 1; i < b.length; i++) {
      const c = b[i]!;
      if (c === QUOTE) {
        this.o = i + 1;
        return s;
      }
      if (c < 0x20 || c > 0x7e || c === BACKSLASH) return undefined;
      s += String.fromCharCode(c);
    }
    return undefined;
  }

  /** The closing brace, and nothing after it. */
  end(): boolean {
    return this.o === this.b.length - 1 && this.b[this.o] === CLOSE;
  }
}
