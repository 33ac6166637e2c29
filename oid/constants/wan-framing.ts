// NDIS_WAN_INFO.FramingBits (ddk/ndiswan.h): the framings a WAN miniport offers, and the bit a
// TAPI-capable one sets.
export const RAS_FRAMING = 0x00000001;
export const PPP_FRAMING = 0x00000100;
export const TAPI_PROVIDER = 0x80000000;
