import { FAMILIES, type ConstantFamily, type FamilyName } from './families.js';

const byValue = new Map<ConstantFamily, Map<number, string>>();

function reverse(f: ConstantFamily): Map<number, string> {
  let m = byValue.get(f);
  if (m === undefined) {
    m = new Map();
    // First name wins for a value that has two (ascending name order within a value).
    for (const [name, value] of f.values) if (!m.has(value)) m.set(value, name);
    byValue.set(f, m);
  }
  return m;
}

function hex(v: number): string {
  return `0x${v.toString(16).toUpperCase().padStart(8, '0')}`;
}

/**
 * The header name of a value in a family, for logs and traces. Enumerations print the one
 * name (`LINE_NEWCALL`), or the hex value when none matches; bit sets print the names of the
 * bits joined with `|` without the family prefix (`OFFERING|ACCEPTED`), any unnamed bits as
 * hex, and 0 as `0`. Negative inputs are read as their unsigned 32-bit value.
 */
export function nameOf(family: FamilyName | ConstantFamily, value: number): string {
  const f = typeof family === 'string' ? FAMILIES[family] : family;
  const v = value >>> 0;
  const names = reverse(f);
  if (f.kind === 'enum') return names.get(v) ?? hex(v);
  if (v === 0) return names.get(0)?.slice(f.prefix.length) ?? '0';
  const parts: string[] = [];
  let rest = v;
  for (let bit = 1; bit !== 0 && rest !== 0; bit = (bit << 1) >>> 0) {
    if ((rest & bit) === 0) continue;
    const name = names.get(bit);
    if (name !== undefined) {
      parts.push(name.slice(f.prefix.length));
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0) parts.push(hex(rest));
  return parts.join('|');
}

/**
 * The value of a name in a family: the full header name (`LINECALLSTATE_OFFERING`), the
 * name without the prefix (`OFFERING`), or for a bit set several joined with `|`.
 * Undefined when a name is not in the family.
 */
export function valueOf(family: FamilyName | ConstantFamily, text: string): number | undefined {
  const f = typeof family === 'string' ? FAMILIES[family] : family;
  const parts = f.kind === 'bits' ? text.split('|') : [text];
  let v = 0;
  for (const raw of parts) {
    const part = raw.trim();
    const value = f.values.get(part) ?? f.values.get(f.prefix + part);
    if (value === undefined) return undefined;
    v = (v | value) >>> 0;
  }
  return v;
}
