/*
 * The baseline for the codec figures: NDIS_TAPI_EVENT (x64, WDK layout, 48 bytes) encoded
 * and decoded by hand with a DataView, as a careful person would write it: offsets typed
 * in, 64-bit handles kept as numbers below 2^53 and bigints above, padding zeroed.
 */

export interface EventValue {
  htLine: number | bigint;
  htCall: number | bigint;
  ulMsg: number;
  ulParam1: number | bigint;
  ulParam2: number | bigint;
  ulParam3: number | bigint;
}

function read64(dv: DataView, o: number): number | bigint {
  const lo = dv.getUint32(o, true);
  const hi = dv.getUint32(o + 4, true);
  return hi < 0x200000 ? hi * 4294967296 + lo : (BigInt(hi) << 32n) | BigInt(lo);
}

function write64(dv: DataView, o: number, x: number | bigint): void {
  if (typeof x === 'number') {
    dv.setUint32(o, x >>> 0, true);
    dv.setUint32(o + 4, Math.floor(x / 4294967296), true);
  } else {
    dv.setBigUint64(o, x, true);
  }
}

export function decodeEventByHand(dv: DataView, o: number): EventValue {
  return {
    htLine: read64(dv, o),
    htCall: read64(dv, o + 8),
    ulMsg: dv.getUint32(o + 16, true),
    ulParam1: read64(dv, o + 24),
    ulParam2: read64(dv, o + 32),
    ulParam3: read64(dv, o + 40),
  };
}

export function encodeEventByHand(v: EventValue, dv: DataView, o: number): number {
  write64(dv, o, v.htLine);
  write64(dv, o + 8, v.htCall);
  dv.setUint32(o + 16, v.ulMsg, true);
  dv.setUint32(o + 20, 0, true);
  write64(dv, o + 24, v.ulParam1);
  write64(dv, o + 32, v.ulParam2);
  write64(dv, o + 40, v.ulParam3);
  return 48;
}
