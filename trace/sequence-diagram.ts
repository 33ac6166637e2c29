import { tapiMessageOf, tapiMessageText } from './tapi-record.js';
import {
  LINE_CALLSTATE,
  LINE_NEWCALL,
  LINE_REPLY,
  NDIS_STATUS_PENDING,
  NDIS_STATUS_TAPI_INDICATION,
  NDIS_STATUS_WAN_LINE_UP,
  codecFor,
  isCodecError,
  nameOf,
} from '../oid/index.js';
import { remoteActionOf } from './trace-show.js';
import type { TraceRecord } from './trace-record.js';

/** The lifelines, left to right. */
/** The lifelines; the last is drawn only when the trace has messages to TAPI applications. */
const LANES = ['remote party', 'miniport', 'NDISTAPI / NDISWAN', 'TAPI', 'applications'] as const;
type Lane = 0 | 1 | 2 | 3 | 4;

interface Row {
  readonly timeNs: bigint;
  readonly from: Lane;
  readonly to: Lane;
  readonly label: string;
  readonly style: 'call' | 'reply' | 'event' | 'note';
}

const short = (name: string, prefix: string): string => (name.startsWith(prefix) ? name.slice(prefix.length) : name);
const hex = (v: number | bigint): string => `0x${v.toString(16)}`;

function eventRows(r: TraceRecord): Row[] {
  const t = r.timeNs;
  if (r.code !== NDIS_STATUS_TAPI_INDICATION) {
    const up = r.code === NDIS_STATUS_WAN_LINE_UP;
    const name = short(nameOf('NDIS_STATUS', r.code), 'NDIS_STATUS_');
    if (!up) return [{ timeNs: t, from: 1, to: 2, label: name, style: 'event' }];
    const u = codecFor('NDIS_MAC_LINE_UP', r.abi, r.variant).decode(r.data);
    return [{ timeNs: t, from: 1, to: 2, label: isCodecError(u) ? name : `${name} htCall=${hex(u.ConnectionWrapperID)}`, style: 'event' }];
  }
  const e = codecFor('NDIS_TAPI_EVENT', r.abi, r.variant).decode(r.data);
  if (isCodecError(e)) return [{ timeNs: t, from: 1, to: 2, label: 'NDIS_TAPI_EVENT (short)', style: 'event' }];
  const msg = nameOf('LINE_MESSAGE', e.ulMsg);
  const detail = e.ulMsg === LINE_CALLSTATE ? ` ${nameOf('LINECALLSTATE', Number(e.ulParam1))}` : e.ulMsg === LINE_NEWCALL ? ` hdCall=${hex(e.ulParam1)}` : '';
  const rows: Row[] = [{ timeNs: t, from: 1, to: 2, label: `${msg}${detail}`, style: 'event' }];
  if (e.ulMsg !== LINE_NEWCALL) rows.push({ timeNs: t, from: 2, to: 3, label: `${msg}${detail}`, style: 'event' });
  return rows;
}

function rowsOf(r: TraceRecord): Row[] {
  const t = r.timeNs;
  switch (r.kind) {
    case 'remote': {
      const a = remoteActionOf(r);
      const label = a === undefined ? 'action' : a.action === 'offer' ? `offer ${nameOf('LINEMEDIAMODE', a.mediaMode)}${a.callerId === '' ? '' : ` from ${a.callerId}`}` : `${a.action} hdCall=${hex(a.hdCall)}`;
      return [{ timeNs: t, from: 0, to: 1, label, style: 'call' }];
    }
    case 'request':
      return [{ timeNs: t, from: 2, to: 1, label: `${short(nameOf('OID', r.code), 'OID_TAPI_')} #${r.requestId}`, style: 'call' }];
    case 'return':
    case 'completion': {
      const status = short(nameOf('NDIS_STATUS', r.status), 'NDIS_STATUS_');
      const label = r.kind === 'completion' ? `#${r.requestId} completes ${status}` : r.status === NDIS_STATUS_PENDING ? `#${r.requestId} PENDING` : `#${r.requestId} ${status}`;
      return [{ timeNs: t, from: 1, to: 2, label, style: 'reply' }];
    }
    case 'indication':
      return eventRows(r);
    case 'trpRequest':
    case 'trpReply':
    case 'trpEvent':
      // MS-TRP packets are drawn as the TAPI messages they carry (the tapi records).
      return [];
    case 'tapi': {
      const m = tapiMessageOf(r);
      return [{ timeNs: t, from: 3, to: 4, label: m === undefined ? 'message' : `${m.app}: ${tapiMessageText(m)}`, style: m?.msg === LINE_REPLY ? 'reply' : 'event' }];
    }
    case 'indicationReturn': {
      if (r.code === NDIS_STATUS_TAPI_INDICATION) {
        const e = codecFor('NDIS_TAPI_EVENT', r.abi, r.variant).decode(r.data);
        if (isCodecError(e) || e.ulMsg !== LINE_NEWCALL) return [];
        return [
          { timeNs: t, from: 2, to: 2, label: `writes htCall=${hex(e.ulParam2)} into ulParam2`, style: 'note' },
          { timeNs: t, from: 2, to: 3, label: `LINE_NEWCALL htCall=${hex(e.ulParam2)}`, style: 'event' },
        ];
      }
      if (r.code === NDIS_STATUS_WAN_LINE_UP) {
        const u = codecFor('NDIS_MAC_LINE_UP', r.abi, r.variant).decode(r.data);
        return isCodecError(u) ? [] : [{ timeNs: t, from: 2, to: 2, label: `writes NdisLinkContext=${hex(u.NdisLinkContext)}`, style: 'note' }];
      }
      return [];
    }
  }
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface DiagramOptions {
  readonly title?: string;
  /** Rows drawn at most; a note says how many were left out. */
  readonly maxRows?: number;
}

/**
 * A message sequence chart of a trace as SVG: one lifeline each for the remote party, the
 * miniport, NDISTAPI/NDISWAN and TAPI, one arrow per exchange (requests solid to the miniport,
 * returns and completions dashed back, indications up, what NDISTAPI passes on to TAPI), the
 * write-backs as notes, the clock time on the left.
 */
export function sequenceDiagram(records: Iterable<TraceRecord>, options: DiagramOptions = {}): string {
  const max = options.maxRows ?? 2000;
  const rows: Row[] = [];
  let total = 0;
  for (const r of records) {
    for (const row of rowsOf(r)) {
      total++;
      if (rows.length < max) rows.push(row);
    }
  }
  const lanes = rows.some((row) => row.to === 4) ? LANES.length : LANES.length - 1;
  const laneX = [170, 430, 690, 950, 1290].slice(0, lanes);
  const top = options.title === undefined ? 20 : 50;
  const head = top + 34;
  const step = 24;
  const height = head + 20 + rows.length * step + (total > rows.length ? 30 : 10);
  const width = lanes === LANES.length ? 1460 : 1060;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="11">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#333"/></marker></defs>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  if (options.title !== undefined) out.push(`<text x="${width / 2}" y="30" text-anchor="middle" font-size="14" font-weight="bold">${esc(options.title)}</text>`);
  LANES.slice(0, lanes).forEach((name, i) => {
    const x = laneX[i]!;
    out.push(`<rect x="${x - 80}" y="${top}" width="160" height="24" rx="4" fill="#e8eef7" stroke="#5b7db1"/>`);
    out.push(`<text x="${x}" y="${top + 16}" text-anchor="middle" font-weight="bold">${esc(name)}</text>`);
    out.push(`<line x1="${x}" y1="${top + 24}" x2="${x}" y2="${height - 8}" stroke="#9aa9c2" stroke-dasharray="2,3"/>`);
  });
  rows.forEach((row, i) => {
    const y = head + 20 + i * step;
    out.push(`<text x="8" y="${y + 4}" fill="#777">${(Number(row.timeNs) / 1e9).toFixed(3)}s</text>`);
    const x1 = laneX[row.from]!;
    const x2 = laneX[row.to]!;
    if (row.style === 'note') {
      out.push(`<rect x="${x1 + 6}" y="${y - 10}" width="${row.label.length * 6.7 + 10}" height="16" fill="#fff6d5" stroke="#d9b84a"/>`);
      out.push(`<text x="${x1 + 11}" y="${y + 2}" fill="#6b5500">${esc(row.label)}</text>`);
      return;
    }
    const color = row.style === 'event' ? '#1b6e3a' : row.style === 'reply' ? '#555' : '#1d4f91';
    const dash = row.style === 'reply' ? ' stroke-dasharray="5,3"' : '';
    out.push(`<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" stroke="${color}" stroke-width="1.3"${dash} marker-end="url(#arrow)"/>`);
    const mid = (x1 + x2) / 2;
    out.push(`<text x="${mid}" y="${y - 4}" text-anchor="middle" fill="${color}">${esc(row.label)}</text>`);
  });
  if (total > rows.length) out.push(`<text x="${width / 2}" y="${height - 12}" text-anchor="middle" fill="#a00">${total - rows.length} more rows left out (--max-rows)</text>`);
  out.push('</svg>', '');
  return out.join('\n');
}
