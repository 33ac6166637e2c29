
// Generates bridge/loopback/lb_defs.h from the project's dist/ (constants, x64 WDK layouts,
// the call state table, the TAPI OID table and the simulated miniport's defaults).
// Usage, after `npm run build`: node bridge/loopback/gen-lb-defs.mjs [root] [output]
// (root defaults to the working directory, output to <root>/bridge/loopback/lb_defs.h).
// test/bridge/loopback-defs.test.ts checks the committed header equals what this writes.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
const root = resolve(process.argv[2] ?? '.');
const load = (p) => import(pathToFileURL(resolve(root, p)).href);
const o = await load('dist/oid/index.js');
const { CALL_TRANSITIONS, SIMULATED_CALL_STATES, PROGRESS_STATES } = await load('dist/miniport/call-state-table.js');
const { SUPPORTED_LINE_STATES, SUPPORTED_ADDRESS_STATES } = await load('dist/miniport/oids/line-oids.js');
const { DEFAULT_CONFIG } = await load('dist/miniport/sim-config.js');
const OPEN = '/' + '*', CLOSE = '*' + '/';

const out = [];
const hex = (n) => '0x' + (n >>> 0).toString(16).toUpperCase().padStart(8, '0') + 'u';
out.push(OPEN);
out.push(' * lb_defs.h: constants, x64 WDK structure layouts, the call state table and the defaults of');
out.push(' * wanemu\'s simulated miniport, generated from the project\'s own dist/oid and dist/miniport');
out.push(' * (layoutOf(..., "x64", "wdk"), the oid/ constants, CALL_TRANSITIONS, DEFAULT_CONFIG) so that');
out.push(' * no offset or value here is written from memory. Regenerate rather than edit by hand, with');
out.push(' * bridge/loopback/gen-lb-defs.mjs (after npm run build: node bridge/loopback/gen-lb-defs.mjs).');
out.push(' ' + CLOSE);
out.push('#ifndef LB_DEFS_H', '#define LB_DEFS_H', '', '#include <stdint.h>', '');
out.push(OPEN + ' Constants (oid/constants). ' + CLOSE);
const names = Object.keys(o).filter((k) => typeof o[k] === 'number' && /^(NDIS_|OID_|LINE|STRINGFORMAT_|PPP_FRAMING$|TAPI_PROVIDER$)/.test(k)).sort();
for (const k of names) out.push(`#define ${k} ${hex(o[k])}`);
out.push('');
out.push(OPEN + ' Layouts (x64, wdk): SZ_<struct>, O_<struct>_<member> (offset), W_<struct>_<member> (bytes). ' + CLOSE);
const structs = [
  'NDIS_WAN_INFO', 'NDIS_TAPI_PROVIDER_INITIALIZE', 'NDIS_TAPI_PROVIDER_SHUTDOWN', 'NDIS_TAPI_OPEN', 'NDIS_TAPI_CLOSE',
  'NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION', 'NDIS_TAPI_CONDITIONAL_MEDIA_DETECTION', 'NDIS_TAPI_SET_STATUS_MESSAGES',
  'NDIS_TAPI_NEGOTIATE_EXT_VERSION', 'NDIS_TAPI_GET_EXTENSION_ID', 'LINE_CALL_PARAMS', 'LINE_DIAL_PARAMS', 'LINE_EXTENSION_ID',
  'NDIS_TAPI_EVENT', 'NDIS_MAC_LINE_UP', 'NDIS_MAC_LINE_DOWN',
  'NDIS_TAPI_ACCEPT', 'NDIS_TAPI_ANSWER', 'NDIS_TAPI_DROP', 'NDIS_TAPI_CLOSE_CALL', 'NDIS_TAPI_MAKE_CALL', 'NDIS_TAPI_DIAL',
  'NDIS_TAPI_SECURE_CALL', 'NDIS_TAPI_SET_APP_SPECIFIC', 'NDIS_TAPI_SET_MEDIA_MODE', 'NDIS_TAPI_SET_CALL_PARAMS',
  'NDIS_TAPI_GET_ID', 'VAR_STRING', 'NDIS_TAPI_GET_CALL_STATUS', 'LINE_CALL_STATUS', 'NDIS_TAPI_GET_ADDRESS_STATUS',
  'LINE_ADDRESS_STATUS', 'NDIS_TAPI_GET_LINE_DEV_STATUS', 'LINE_DEV_STATUS', 'NDIS_TAPI_GET_CALL_INFO', 'LINE_CALL_INFO',
  'NDIS_TAPI_GET_ADDRESS_ID', 'NDIS_TAPI_GET_CALL_ADDRESS_ID', 'NDIS_TAPI_GET_DEV_CAPS', 'LINE_DEV_CAPS',
  'NDIS_TAPI_GET_ADDRESS_CAPS', 'LINE_ADDRESS_CAPS', 'NDIS_TAPI_DEV_SPECIFIC',
];
const emit = (prefix, l) => {
  out.push(`#define ${prefix.sz}${l.name} ${l.size}`);
  for (const f of l.fields) {
    out.push(`#define ${prefix.o}${l.name}_${f.name} ${f.offset}`);
    out.push(`#define ${prefix.w}${l.name}_${f.name} ${f.size}`);
  }
  l.varParts.forEach((p, i) => out.push(`#define ${prefix.vp}${l.name}_${p.name} ${i}`));
};
for (const s of structs) {
  emit({ sz: 'SZ_', o: 'O_', w: 'W_', vp: 'VP_' }, o.layoutOf(s, 'x64', 'wdk'));
  out.push('');
}
out.push(OPEN + ' NDIS_TAPI_PROVIDER_INITIALIZE in the DDK layout (ULONG ulProviderID): the least buffer taken. ' + CLOSE);
emit({ sz: 'SZDDK_', o: 'ODDK_', w: 'WDDK_', vp: 'VPDDK_' }, o.layoutOf('NDIS_TAPI_PROVIDER_INITIALIZE', 'x64', 'ddk'));
out.push('');
out.push(OPEN + ' The call state table (miniport/call-state-table.ts): FROM_<event> mask, TO_<event> state (0: given). ' + CLOSE);
for (const [e, t] of Object.entries(CALL_TRANSITIONS)) {
  out.push(`#define FROM_${e} ${hex(t.from.reduce((m, s) => m | s, 0))}`);
  out.push(`#define TO_${e} ${t.to === 'given' ? '0u' : hex(t.to)}`);
}
out.push(`#define PROGRESS_STATES_MASK ${hex(PROGRESS_STATES.reduce((m, s) => m | s, 0))}`);
out.push(`#define SIMULATED_CALL_STATES ${hex(SIMULATED_CALL_STATES)}`);
out.push(`#define SUPPORTED_LINE_STATES ${hex(SUPPORTED_LINE_STATES)}`);
out.push(`#define SUPPORTED_ADDRESS_STATES ${hex(SUPPORTED_ADDRESS_STATES)}`);
out.push('');
out.push(OPEN + ' wanemu\'s call transfer in OID_TAPI_DEV_SPECIFIC\'s Params: tag and operations (oid/wanemu-transfer.ts). ' + CLOSE);
for (const k of ['WANEMU_TRANSFER_TAG', 'WANEMU_BLIND_TRANSFER', 'WANEMU_REDIRECT']) {
  const v = o[k];
  if (typeof v !== 'number') throw new Error(`${k} not found in dist/oid`);
  out.push(`#define ${k} ${hex(v)}`);
}
out.push('');
out.push(OPEN + ' Every OID_TAPI_* with its request kind (0 query, 1 set, -1 undocumented): oid/oid-requests.ts. ' + CLOSE);
out.push('#define LB_TAPI_OID_ROWS \\');
out.push(o.TAPI_OIDS.map((r) => `    {${hex(r.oid)}, ${r.kind === 'query' ? 0 : r.kind === 'set' ? 1 : -1}}`).join(', \\\n'));
out.push('');
out.push(OPEN + ' DEFAULT_CONFIG (miniport/sim-config.ts). ' + CLOSE);
const c = DEFAULT_CONFIG;
const cstr = (s) => '"' + [...s].map((ch) => { const b = ch.charCodeAt(0) & 0xff; return b >= 0x20 && b < 0x7f && ch !== '"' && ch !== '\\' ? ch : '\\' + b.toString(8).padStart(3, '0'); }).join('') + '"';
for (const k of ['lines', 'addressesPerLine', 'callsPerAddress', 'mediaModes', 'bearerModes', 'maxRate', 'providerId', 'offerTimeoutMs', 'extVersion', 'linkSpeed', 'maxFrameSize', 'maxTransmit']) {
  out.push(`#define DEF_${k} ${c[k]}u`);
}
out.push(`#define DEF_providerInfo ${cstr(c.providerInfo)}`);
out.push(`#define DEF_providerInfoLen ${c.providerInfo.length}`);
out.push(`#define DEF_lineName ${cstr(c.lineName)}`);
out.push(`#define DEF_outgoing_stepMs ${c.outgoing.stepMs}`);
out.push(`#define DEF_outgoing_outcome ${cstr(c.outgoing.outcome)}`);
out.push(`#define DEF_outgoing_progress { ${c.outgoing.progress.map(hex).join(', ')} }`);
out.push(`#define DEF_outgoing_progressLen ${c.outgoing.progress.length}`);
if (Object.keys(c.outgoing.byAddress).length !== 0) throw new Error('default byAddress not empty');
if (c.abi !== 'x64' || c.variant !== 'wdk') throw new Error('default ABI changed');
out.push('', '#endif ' + OPEN + ' LB_DEFS_H ' + CLOSE, '');
writeFileSync(process.argv[3] ?? resolve(root, 'bridge/loopback/lb_defs.h'), out.join('\n'));
