import { asciiz, codecFor, isCodecError, type Abi, type CodecError, type LayoutVariant, type StructInput } from '../oid/index.js';

/**
 * An OID_TAPI_GET_ID buffer as NDISTAPI lays it out: the fixed part, the DeviceID VAR_STRING
 * with `reserve` bytes for the id (its ulTotalSize), then the device class name, which the
 * miniport reads at ulDeviceClassOffset. Keeping the name past the reserve means the id the
 * miniport writes never overwrites it.
 */
export function getIdBuffer(
  abi: Abi,
  variant: LayoutVariant,
  value: StructInput<'NDIS_TAPI_GET_ID'>,
  deviceClass: string,
  reserve: number,
): Uint8Array | CodecError {
  const codec = codecFor('NDIS_TAPI_GET_ID', abi, variant);
  const fixed = codec.encode({ ...value, DeviceID: { ulTotalSize: reserve } });
  if (isCodecError(fixed)) return fixed;
  const classAt = codec.layout.offsets['DeviceID']! + reserve;
  const name = asciiz(deviceClass);
  const buffer = new Uint8Array(classAt + name.length);
  buffer.set(fixed.subarray(0, codec.size));
  buffer.set(name, classAt);
  const dv = new DataView(buffer.buffer);
  dv.setUint32(codec.layout.offsets['ulDeviceClassSize']!, name.length, true);
  dv.setUint32(codec.layout.offsets['ulDeviceClassOffset']!, classAt, true);
  return buffer;
}
