import {
  FAMILIES,
  NDIS_STATUS_TAPI_INDICATION,
  NDIS_STATUS_WAN_LINE_DOWN,
  NDIS_STATUS_WAN_LINE_UP,
  OID_WAN_GET_INFO,
  TAPI_OIDS,
  layoutOf,
  type StructLayout,
  type StructName,
} from '../oid/index.js';
import { ABI_CODES, RECORD_HEADER, RECORD_KINDS } from './trace-record.js';

/*
 * Generates wireshark/wanemu.lua, the Wireshark dissector for wanemu traces, from the same
 * schema, layouts and constants the codecs use, so the dissector cannot drift from the wire
 * format: a test compares the committed file with this output (`npm run gen:dissector`
 * rewrites it).
 */

interface Member {
  readonly path: string;
  readonly offset: number;
  readonly size: number;
  readonly type: 'uint8' | 'uint16' | 'uint32' | 'int32' | 'uint64';
}

/** A structure's scalar members with nested structures flattened, at offsets from its start. */
function members(l: StructLayout, prefix: string, base: number, out: Member[]): void {
  for (const f of l.fields) {
    const path = `${prefix}.${f.name}`;
    if (f.kind === 'struct') {
      members(layoutOf(f.struct!, l.abi, l.variant), path, base + f.offset, out);
    } else if (f.kind === 'scalar') {
      const type = f.valueType === 'ptr' ? 'uint64' : f.primitive === 'u8' ? 'uint8' : f.primitive === 'u16' ? 'uint16' : f.primitive === 'i32' ? 'int32' : 'uint32';
      out.push({ path, offset: base + f.offset, size: f.size, type });
    }
  }
}

const lua = (s: string): string => JSON.stringify(s);
const hex = (v: number): string => `0x${v.toString(16).padStart(8, '0')}`;

function valueTable(name: string, entries: Iterable<readonly [string, number]>): string {
  const rows = [...entries].map(([n, v]) => `  [${hex(v)}] = ${lua(n)},`);
  return `local ${name} = {\n${rows.join('\n')}\n}`;
}

/** The structures a record's bytes hold, by OID and by indication status. */
function structureTables(): { byOid: Map<number, StructName>; byStatus: Map<number, StructName> } {
  const byOid = new Map<number, StructName>([[OID_WAN_GET_INFO, 'NDIS_WAN_INFO']]);
  for (const o of TAPI_OIDS) if (o.structure !== undefined) byOid.set(o.oid, o.structure);
  const byStatus = new Map<number, StructName>([
    [NDIS_STATUS_TAPI_INDICATION, 'NDIS_TAPI_EVENT'],
    [NDIS_STATUS_WAN_LINE_UP, 'NDIS_MAC_LINE_UP'],
    [NDIS_STATUS_WAN_LINE_DOWN, 'NDIS_MAC_LINE_DOWN'],
  ]);
  return { byOid, byStatus };
}

export function dissectorSource(): string {
  const { byOid, byStatus } = structureTables();
  const structures = [...new Set([...byOid.values(), ...byStatus.values()])].sort();
  // Members per ABI code; one ProtoField per member path (its type is the same on every ABI).
  const fieldTypes = new Map<string, Member['type']>();
  const layouts: string[] = [];
  ABI_CODES.forEach(({ abi, variant }, code) => {
    const rows: string[] = [];
    for (const s of structures) {
      const ms: Member[] = [];
      members(layoutOf(s, abi, variant), s, 0, ms);
      for (const m of ms) fieldTypes.set(m.path, m.type);
      rows.push(`    [${lua(s)}] = { ${ms.map((m) => `{ ${lua(m.path)}, ${m.offset}, ${m.size} }`).join(', ')} },`);
    }
    layouts.push(`  [${code}] = { -- ${abi}, ${variant} layout\n${rows.join('\n')}\n  },`);
  });
  const oidNames = [...FAMILIES.OID.values].filter(([n]) => n.startsWith('OID_TAPI_') || n.startsWith('OID_WAN_'));
  const statusNames = [...FAMILIES.NDIS_STATUS.values, ...FAMILIES.NDIS_STATUS_TAPI.values];
  const fieldLines = [...fieldTypes].map(([path, type]) => {
    const label = path.slice(path.indexOf('.') + 1);
    const extra = path === 'NDIS_TAPI_EVENT.ulMsg' ? ', base.DEC, MESSAGES' : type === 'uint64' ? ', base.HEX' : '';
    return `M[${lua(path)}] = ProtoField.${type}(${lua(`wanemu.${path}`)}, ${lua(label)}${extra})`;
  });

  return `-- wanemu.lua: a Wireshark dissector for wanemu traces (docs/trace-format.md).
-- Generated from wanemu's schema by trace/dissector-source.ts (npm run gen:dissector); do not edit.
-- Use: wireshark -X lua_script:wireshark/wanemu.lua trace.pcapng
--      tshark -X lua_script:wireshark/wanemu.lua -r trace.pcapng -V

local p = Proto("wanemu", "wanemu NDIS WAN miniport exchange")

local KINDS = { ${RECORD_KINDS.map((k, i) => `[${i + 1}] = ${lua(k)}`).join(', ')} }
local ABIS = { ${ABI_CODES.map((a, i) => `[${i}] = ${lua(`${a.abi} (${a.variant} layout)`)}`).join(', ')} }

${valueTable('OIDS', oidNames)}

${valueTable('STATUSES', statusNames)}

${valueTable('MESSAGES', FAMILIES.LINE_MESSAGE.values)}

local H = {
  version = ProtoField.uint8("wanemu.version", "Record version"),
  kind = ProtoField.uint8("wanemu.kind", "Kind", base.DEC, KINDS),
  direction = ProtoField.uint8("wanemu.direction", "Direction", base.DEC, { [0] = "down (NDISTAPI to miniport)", [1] = "up (miniport to NDISTAPI/NDISWAN)" }, 0x01),
  request_kind = ProtoField.uint8("wanemu.request_kind", "Request kind", base.DEC, { [0] = "query", [1] = "set" }, 0x02),
  abi = ProtoField.uint8("wanemu.abi", "ABI", base.DEC, ABIS),
  seq = ProtoField.uint32("wanemu.seq", "Sequence"),
  oid = ProtoField.uint32("wanemu.oid", "OID", base.HEX, OIDS),
  indication = ProtoField.uint32("wanemu.indication", "Indication", base.HEX, STATUSES),
  request_id = ProtoField.uint32("wanemu.request_id", "Request id"),
  status = ProtoField.uint32("wanemu.status", "Status", base.HEX, STATUSES),
  bytes_used = ProtoField.uint32("wanemu.bytes_used", "Bytes used"),
  bytes_needed = ProtoField.uint32("wanemu.bytes_needed", "Bytes needed"),
  length = ProtoField.uint32("wanemu.length", "Data length"),
  data = ProtoField.bytes("wanemu.data", "Data"),
  action = ProtoField.string("wanemu.action", "Remote-party action (JSON)"),
}

local M = {}
${fieldLines.join('\n')}

local fields = {}
for _, f in pairs(H) do table.insert(fields, f) end
for _, f in pairs(M) do table.insert(fields, f) end
p.fields = fields

local LAYOUTS = {
${layouts.join('\n')}
}

local BY_OID = {
${[...byOid].map(([oid, s]) => `  [${hex(oid)}] = ${lua(s)},`).join('\n')}
}

local BY_STATUS = {
${[...byStatus].map(([st, s]) => `  [${hex(st)}] = ${lua(s)},`).join('\n')}
}

local HEADER = ${RECORD_HEADER}

function p.dissector(tvb, pinfo, tree)
  if tvb:len() < HEADER then return 0 end
  pinfo.cols.protocol = "wanemu"
  local t = tree:add(p, tvb(), "wanemu exchange")
  t:add(H.version, tvb(0, 1))
  t:add(H.kind, tvb(1, 1))
  t:add(H.direction, tvb(2, 1))
  local kind = tvb(1, 1):uint()
  if kind == ${RECORD_KINDS.indexOf('remote') + 1} or kind == ${RECORD_KINDS.indexOf('tapi') + 1} then
    local length = tvb(28, 4):le_uint()
    if length > tvb:len() - HEADER then length = tvb:len() - HEADER end
    t:add(H.length, tvb(28, 4), length)
    if length > 0 then
      t:add(H.action, tvb(HEADER, length))
      pinfo.cols.info = (KINDS[kind] or "?") .. " " .. tvb(HEADER, length):string()
    end
    return tvb:len()
  end
  if kind >= ${RECORD_KINDS.indexOf('trpRequest') + 1} then
    -- An MS-TRP packet (request, reply, event record): its bytes as they are.
    local length = tvb(28, 4):le_uint()
    if length > tvb:len() - HEADER then length = tvb:len() - HEADER end
    t:add(H.length, tvb(28, 4), length)
    pinfo.cols.info = (KINDS[kind] or "?") .. string.format(" 0x%08x, %d bytes", tvb(8, 4):le_uint(), length)
    return tvb:len()
  end
  local indication = kind == 4 or kind == 5
  if not indication then t:add(H.request_kind, tvb(2, 1)) end
  t:add(H.abi, tvb(3, 1))
  t:add_le(H.seq, tvb(4, 4))
  local code = tvb(8, 4):le_uint()
  local structure
  local info = (KINDS[kind] or "?") .. " "
  if indication then
    t:add_le(H.indication, tvb(8, 4))
    structure = BY_STATUS[code]
    info = info .. (STATUSES[code] or string.format("0x%08x", code))
  else
    t:add_le(H.oid, tvb(8, 4))
    t:add_le(H.request_id, tvb(12, 4))
    structure = BY_OID[code]
    info = info .. (OIDS[code] or string.format("0x%08x", code)) .. " #" .. tvb(12, 4):le_uint()
    if kind == 2 or kind == 3 then
      t:add_le(H.status, tvb(16, 4))
      t:add_le(H.bytes_used, tvb(20, 4))
      t:add_le(H.bytes_needed, tvb(24, 4))
      local st = tvb(16, 4):le_uint()
      info = info .. " " .. (STATUSES[st] or string.format("0x%08x", st))
    end
  end
  t:add_le(H.length, tvb(28, 4))
  local length = tvb(28, 4):le_uint()
  if length > tvb:len() - HEADER then length = tvb:len() - HEADER end
  if length > 0 then
    local data = tvb(HEADER, length)
    t:add(H.data, data)
    local abi = LAYOUTS[tvb(3, 1):uint()]
    local ms = abi and structure and abi[structure]
    if ms then
      local s = t:add(data, structure)
      for _, m in ipairs(ms) do
        local path, offset, size = m[1], m[2], m[3]
        if offset + size <= length then s:add_le(M[path], data(offset, size)) end
      end
    end
  end
  pinfo.cols.info = info
  return tvb:len()
end

DissectorTable.get("wtap_encap"):add(wtap.USER0, p)
`;
}
