import { TAPI_OIDS, layouts } from '../oid/index.js';
import { hex32, textTable } from './text-table.js';

export interface OidRow {
  readonly name: string;
  readonly oid: string;
  readonly kind: string;
  readonly requirement: string;
  readonly structure: string;
  readonly x64: number | null;
  readonly x86: number | null;
}

/** The OID_TAPI_* requests with their structure sizes on both ABIs. */
export function oidRows(): OidRow[] {
  return TAPI_OIDS.map((r) => ({
    name: r.name,
    oid: hex32(r.oid),
    kind: r.kind ?? '?',
    requirement: r.requirement,
    structure: r.structure ?? '-',
    x64: r.structure ? layouts[r.structure].x64.size : null,
    x86: r.structure ? layouts[r.structure].x86.size : null,
  }));
}

export function oidTableText(): string {
  return textTable(
    ['OID', 'value', 'Q/S', 'support', 'structure', 'x64', 'x86'],
    oidRows().map((r) => [r.name, r.oid, r.kind, r.requirement, r.structure, String(r.x64 ?? '-'), String(r.x86 ?? '-')]),
  );
}
