// Values extracted from the mingw-w64 headers (tapi.h, tspi.h) with the
// cross-compiler's preprocessor; `npm run test:conformance` re-checks every one of them.
// Values are unsigned 32-bit numbers, written as in the headers.

// LINE_*: TAPI message numbers (ulMsg of NDIS_TAPI_EVENT).
export const LINE_ADDRESSSTATE = 0x00000000;
export const LINE_CALLINFO = 0x00000001;
export const LINE_CALLSTATE = 0x00000002;
export const LINE_CLOSE = 0x00000003;
export const LINE_DEVSPECIFIC = 0x00000004;
export const LINE_DEVSPECIFICFEATURE = 0x00000005;
export const LINE_GATHERDIGITS = 0x00000006;
export const LINE_GENERATE = 0x00000007;
export const LINE_LINEDEVSTATE = 0x00000008;
export const LINE_MONITORDIGITS = 0x00000009;
export const LINE_MONITORMEDIA = 0x0000000a;
export const LINE_MONITORTONE = 0x0000000b;
export const LINE_REPLY = 0x0000000c;
export const LINE_REQUEST = 0x0000000d;
export const LINE_CREATE = 0x00000013;
export const LINE_AGENTSPECIFIC = 0x00000015;
export const LINE_AGENTSTATUS = 0x00000016;
export const LINE_APPNEWCALL = 0x00000017;
export const LINE_PROXYREQUEST = 0x00000018;
export const LINE_REMOVE = 0x00000019;
export const LINE_AGENTSESSIONSTATUS = 0x0000001b;
export const LINE_QUEUESTATUS = 0x0000001c;
export const LINE_AGENTSTATUSEX = 0x0000001d;
export const LINE_GROUPSTATUS = 0x0000001e;
export const LINE_PROXYSTATUS = 0x0000001f;
export const LINE_APPNEWCALLHUB = 0x00000020;
export const LINE_CALLHUBCLOSE = 0x00000021;
export const LINE_DEVSPECIFICEX = 0x00000022;

// TSPI provider-level messages (TSPI_MESSAGE_BASE + n).
export const LINE_NEWCALL = 0x000001f4;
export const TSPI_MESSAGE_BASE = 0x000001f4;
export const LINE_CALLDEVSPECIFIC = 0x000001f5;
export const LINE_CALLDEVSPECIFICFEATURE = 0x000001f6;
export const LINE_CREATEDIALOGINSTANCE = 0x000001f7;
export const LINE_SENDDIALOGINSTANCEDATA = 0x000001f8;
export const LINE_SENDMSPDATA = 0x000001f9;
export const LINE_QOSINFO = 0x000001fa;
