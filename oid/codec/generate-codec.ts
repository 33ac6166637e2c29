import { layoutOf, type FieldLayout, type StructLayout } from '../layout.js';
import type { StructName } from '../schema/structures.js';

/*
 * Turns a structure's layout into JavaScript source for its decoder, encoder and measurer:
 * straight-line DataView reads and writes at constant offsets, which is as fast as a
 * hand-written codec while every offset still comes from the schema. One source text holds
 * the functions of the root structure and of every structure nested in it.
 *
 * Generated function signatures (o: absolute offset of the structure, end: end of the
 * buffer, root: where the caller started decoding, p: member path prefix for errors):
 *   D_x(dv, u8, o, end, root, p)      -> value | CodecError
 *   E_x(v, dv, u8, o, cur, root, p)   -> cursor after this structure's variable data | CodecError
 *   M_x(v, p)                         -> bytes of variable data this structure appends | CodecError
 */

const TOTALS = ['ulTotalSize', 'ulNeededSize', 'ulUsedSize'] as const;

const key = (s: string): string => JSON.stringify(s);

function fnName(kind: 'D' | 'E' | 'M', l: StructLayout): string {
  return `${kind}_${l.name}`;
}

function readScalar(f: FieldLayout, at: string): string {
  switch (f.primitive) {
    case 'u8':
      return `dv.getUint8(${at})`;
    case 'u16':
      return `dv.getUint16(${at}, true)`;
    case 'u32':
      return `dv.getUint32(${at}, true)`;
    case 'i32':
      return `dv.getInt32(${at}, true)`;
    case 'u64':
      return `readPtr64(dv, ${at})`;
    case 'ptr':
      return f.size === 8 ? `readPtr64(dv, ${at})` : `dv.getUint32(${at}, true)`;
    default:
      throw new Error(`no scalar read for ${f.name}`);
  }
}

/**
 * A statement that validates `x` for the member and writes it at `at`, through one of the
 * small writers of runtime.ts (V8 inlines them; the generated function stays small enough to
 * be inlined into its caller in turn). A writer returns false when the value does not fit.
 */
function writeScalar(l: StructLayout, f: FieldLayout, at: string): string {
  return `if (!${writerOf(l, f)}(dv, ${at}, x)) return badValue(S, p + ${key(f.name)}, ${key(f.cType)}, x);`;
}

/** Byte ranges of the fixed part that no member covers (padding), for zeroing. */
function gaps(l: StructLayout, base: number, out: Array<[number, number]>): void {
  let at = 0;
  for (const f of l.fields) {
    if (f.offset > at) out.push([base + at, base + f.offset]);
    // A nested structure zeroes its own padding; a trailing array's slot may hold data.
    if (f.kind === 'bytes' || f.kind === 'structs') out.push([base + f.offset, base + f.offset + f.size]);
    at = f.offset + f.size;
  }
  if (l.size > at) out.push([base + at, base + l.size]);
}

function zeroStatements(l: StructLayout): string[] {
  const ranges: Array<[number, number]> = [];
  gaps(l, 0, ranges);
  const out: string[] = [];
  for (const [a, b] of ranges) {
    let i = a;
    while (i < b) {
      if (b - i >= 4 && i % 4 === 0) {
        out.push(`dv.setUint32(o + ${i}, 0, true);`);
        i += 4;
      } else {
        out.push(`dv.setUint8(o + ${i}, 0);`);
        i += 1;
      }
    }
  }
  return out;
}

function decoder(l: StructLayout): string {
  const lines: string[] = [`function ${fnName('D', l)}(dv, u8, o, end, root, p) {`];
  const props: string[] = [];
  l.fields.forEach((f, i) => {
    const at = `o + ${f.offset}`;
    if (f.kind === 'scalar') {
      lines.push(`  const f${i} = ${readScalar(f, at)};`);
    } else if (f.kind === 'struct') {
      const inner = layoutOf(f.struct!, l.abi, l.variant);
      lines.push(`  const f${i} = ${fnName('D', inner)}(dv, u8, ${at}, end, root, p + ${key(f.name + '.')});`);
      lines.push(`  if (f${i} instanceof CodecError) return f${i};`);
    } else {
      const n = `f${l.fields.findIndex((g) => g.name === f.lengthField)}`;
      const span = f.kind === 'bytes' ? n : `${n} * ${f.size}`;
      lines.push(`  const a${i} = ${at};`);
      lines.push(
        `  if (a${i} + ${span} > end) return shortBuffer(S, p + ${key(f.name)}, a${i} + ${span} - root, end - root, ${key(`${f.name} (${f.lengthField})`)});`,
      );
      if (f.kind === 'bytes') {
        lines.push(`  const f${i} = u8.slice(a${i}, a${i} + ${n});`);
      } else {
        const inner = layoutOf(f.struct!, l.abi, l.variant);
        lines.push(`  const f${i} = [];`);
        lines.push(`  for (let k = 0; k < ${n}; k++) {`);
        lines.push(
          `    const e = ${fnName('D', inner)}(dv, u8, a${i} + k * ${f.size}, end, root, p + ${key(f.name)} + '[' + k + '].');`,
        );
        lines.push(`    if (e instanceof CodecError) return e;`);
        lines.push(`    f${i}.push(e);`);
        lines.push(`  }`);
      }
    }
    props.push(`${key(f.name)}: f${i}`);
  });
  l.varParts.forEach((part, j) => {
    const size = `f${l.fields.findIndex((g) => g.name === part.sizeField)}`;
    const off = `f${l.fields.findIndex((g) => g.name === part.offsetField)}`;
    lines.push(`  let v${j};`);
    lines.push(`  if (${size} === 0) v${j} = new Uint8Array(0);`);
    lines.push(`  else {`);
    lines.push(`    const a = o + ${off};`);
    lines.push(
      `    if (a + ${size} > end) return shortBuffer(S, p + ${key(part.name)}, a + ${size} - root, end - root, ${key(`${part.name} (${part.sizeField} at ${part.offsetField})`)});`,
    );
    lines.push(`    v${j} = u8.slice(a, a + ${size});`);
    lines.push(`  }`);
    props.push(`${key(part.name)}: v${j}`);
  });
  lines.push(`  return { ${props.join(', ')} };`);
  lines.push('}');
  return lines.join('\n');
}

function measurer(l: StructLayout): string {
  const lines: string[] = [`function ${fnName('M', l)}(v, p) {`, '  if (v === undefined) return 0;', '  if (v === null || typeof v !== "object") return badValue(S, p.slice(0, -1), "structure", v);', '  let n = 0, d, m;'];
  for (const f of l.fields) {
    if (f.kind === 'struct' && layoutOf(f.struct!, l.abi, l.variant).variable) {
      const inner = layoutOf(f.struct!, l.abi, l.variant);
      lines.push(`  m = ${fnName('M', inner)}(v[${key(f.name)}], p + ${key(f.name + '.')});`);
      lines.push('  if (typeof m !== "number") return m;');
      lines.push('  n += m;');
    } else if (f.kind === 'bytes') {
      lines.push(`  d = v[${key(f.name)}];`);
      lines.push(`  if (d !== undefined && !(d instanceof Uint8Array)) return badValue(S, p + ${key(f.name)}, 'Uint8Array', d);`);
      lines.push(`  if (d !== undefined && ${f.offset} + d.length > ${l.size}) n += ${f.offset} + d.length - ${l.size};`);
    } else if (f.kind === 'structs') {
      lines.push(`  d = v[${key(f.name)}];`);
      lines.push(`  if (d !== undefined && !Array.isArray(d)) return badValue(S, p + ${key(f.name)}, 'array', d);`);
      lines.push(`  if (d !== undefined && ${f.offset} + d.length * ${f.size} > ${l.size}) n += ${f.offset} + d.length * ${f.size} - ${l.size};`);
    }
  }
  for (const part of l.varParts) {
    lines.push(`  d = v[${key(part.name)}];`);
    lines.push(`  if (d !== undefined) { if (!(d instanceof Uint8Array)) return badValue(S, p + ${key(part.name)}, 'Uint8Array', d); n += d.length; }`);
  }
  lines.push('  return n;');
  lines.push('}');
  return lines.join('\n');
}

function encoder(l: StructLayout): string {
  return [`function ${fnName('E', l)}(v, dv, u8, o, cur, root, p) {`, ...encoderBody(l), '  return cur;', '}'].join('\n');
}

/** The statements of an encoder, after which `cur` is the end of the structure's variable data. */
function encoderBody(l: StructLayout): string[] {
  const lines: string[] = ['  if (v === undefined) v = NONE; else if (v === null || typeof v !== "object") return badValue(S, p.slice(0, -1), "structure", v);', '  let x, d;'];
  if (!l.variable) lines.push(...zeroStatements(l).map((s) => `  ${s}`));
  if (l.trailing) {
    const t = l.trailing;
    if (t.kind === 'bytes') {
      lines.push(`  d = v[${key(t.name)}];`);
      lines.push(`  if (d !== undefined) { u8.set(d, o + ${t.offset}); if (o + ${t.offset} + d.length > cur) cur = o + ${t.offset} + d.length; }`);
    }
  }
  l.fields.forEach((f) => {
    const at = `o + ${f.offset}`;
    if (f.kind === 'scalar') {
      lines.push(`  x = v[${key(f.name)}];`);
      lines.push(`  ${writeScalar(l, f, at)}`);
    } else if (f.kind === 'struct') {
      const inner = layoutOf(f.struct!, l.abi, l.variant);
      lines.push(`  x = ${fnName('E', inner)}(v[${key(f.name)}], dv, u8, ${at}, cur, root, p + ${key(f.name + '.')});`);
      lines.push('  if (typeof x !== "number") return x;');
      lines.push('  cur = x;');
    } else if (f.kind === 'structs') {
      const inner = layoutOf(f.struct!, l.abi, l.variant);
      lines.push(`  d = v[${key(f.name)}];`);
      lines.push(`  if (d !== undefined) for (let k = 0; k < d.length; k++) {`);
      lines.push(
        `    x = ${fnName('E', inner)}(d[k], dv, u8, ${at} + k * ${f.size}, cur, root, p + ${key(f.name)} + '[' + k + '].');`,
      );
      lines.push('    if (typeof x !== "number") return x;');
      lines.push('    cur = x;');
      lines.push('  }');
      lines.push(`  if (d !== undefined && ${at} + d.length * ${f.size} > cur) cur = ${at} + d.length * ${f.size};`);
    }
  });
  // Derived members: a trailing array's length, the variable parts' size/offset, the totals.
  if (l.trailing) {
    const t = l.trailing;
    const lf = l.fields.find((g) => g.name === t.lengthField)!;
    lines.push(`  d = v[${key(t.name)}];`);
    lines.push(`  if (d !== undefined && v[${key(t.lengthField!)}] === undefined) { x = d.length; ${writeScalar(l, lf, `o + ${lf.offset}`)} }`);
  }
  for (const part of l.varParts) {
    const sf = l.fields.find((g) => g.name === part.sizeField)!;
    const of = l.fields.find((g) => g.name === part.offsetField)!;
    lines.push(`  d = v[${key(part.name)}];`);
    lines.push('  if (d !== undefined) {');
    lines.push(`    if (v[${key(part.sizeField)}] === undefined) { x = d.length; ${writeScalar(l, sf, `o + ${sf.offset}`)} }`);
    lines.push(
      `    if (v[${key(part.offsetField)}] === undefined) { x = d.length === 0 ? 0 : cur - o; ${writeScalar(l, of, `o + ${of.offset}`)} }`,
    );
    lines.push('    u8.set(d, cur);');
    lines.push('    cur += d.length;');
    lines.push('  }');
  }
  if (l.varParts.length > 0) {
    for (const total of TOTALS) {
      const tf = l.fields.find((g) => g.name === total);
      if (tf) lines.push(`  if (v[${key(total)}] === undefined) { x = cur - o; ${writeScalar(l, tf, `o + ${tf.offset}`)} }`);
    }
  }
  return lines;
}

/** The layouts of a structure and of every structure nested in it, innermost first. */
function closure(l: StructLayout, seen: Map<string, StructLayout>): void {
  for (const f of l.fields) {
    if (f.struct !== undefined) closure(layoutOf(f.struct, l.abi, l.variant), seen);
  }
  seen.set(l.name, l);
}

/**
 * The entry points, specialised for the root structure so the hot path is one small function
 * with `sizeof` inlined: `decode(bytes, offset)`, and for structures of fixed size
 * `encodeFixed(v, bytes, offset)`, and the same over a DataView (`decodeView`,
 * `encodeFixedView`). `short(bytes, offset)` / `shortView(dv, offset)` build the short-buffer error.
 */
function entryPoints(l: StructLayout): string {
  return `function decode(bytes, offset) {
  if (offset === undefined) offset = 0;
  if (!(offset >= 0 && bytes.length - offset >= ${l.size})) return short(bytes, offset);
  return ${fnName('D', l)}(viewOf(bytes), bytes, offset, bytes.length, offset, '');
}

${l.variable ? variableDecodeView(l) : fixedDecodeView(l)}

${fixedEncoder(l)}`;
}

function variableDecodeView(l: StructLayout): string {
  return `function decodeView(dv, offset) {
  if (offset === undefined) offset = 0;
  if (!(offset >= 0 && dv.byteLength - offset >= ${l.size})) return shortView(dv, offset);
  return ${fnName('D', l)}(dv, new Uint8Array(dv.buffer, dv.byteOffset, dv.byteLength), offset, dv.byteLength, offset, '');
}`;
}

/**
 * A fixed-size structure read from a DataView lets the DataView check the span: a read past
 * its end throws RangeError, which becomes the short-buffer error value. (Reading
 * \`dv.byteLength\` up front costs a third of the decode rate on Node 20.)
 */
function fixedDecodeView(l: StructLayout): string {
  const last = l.fields[l.fields.length - 1];
  // Trailing padding is never read, so a read of the structure's last byte checks the span.
  const probe = last === undefined || last.offset + last.size < l.size ? `dv.getUint8(offset + ${l.size - 1});\n    ` : '';
  return `function decodeView(dv, offset) {
  if (offset === undefined) offset = 0;
  if (!(offset >= 0)) return shortView(dv, offset);
  try {
    ${probe}return ${fnName('D', l)}(dv, undefined, offset, 0, offset, '');
  } catch (e) {
    if (e instanceof RangeError) return shortView(dv, offset);
    throw e;
  }
}`;
}

/** The writer a scalar member goes through (see writeScalar). */
function writerOf(l: StructLayout, f: FieldLayout): string {
  switch (f.primitive) {
    case 'u8':
      return 'writeU8';
    case 'u16':
      return 'writeU16';
    case 'u32':
      return f.valueType === 'ptr' ? 'writeU32OrBigint' : 'writeU32';
    case 'i32':
      return 'writeI32';
    case 'u64':
      return 'writePtr64';
    case 'ptr':
      return f.size === 8 ? 'writePtr64' : 'writeU32OrBigint';
    default:
      throw new Error(`no scalar write for ${f.name} in ${l.name}`);
  }
}

/**
 * The hot entry point of a fixed-size root structure, kept compact so V8 can inline it and
 * its writers into the caller: members written straight from the value, padding zeroed,
 * and a failing member reported through `fail(index, value)`, which names it and reads the
 * member's value back for the message (index -1: the value itself is not a structure).
 */
function fixedEncoder(l: StructLayout): string {
  if (l.variable) return 'function encodeFixed() { throw new Error("variable-size structure"); }\nconst encodeFixedView = encodeFixed, encodeTrustedView = encodeFixed;';
  const n = l.fields.length;
  const lines = [
    `// Writes the members and returns ${l.size}; the caller has checked the span. A member that`,
    '// does not fit stops it with -(index + 1), a value that is no structure with -(count + 1);',
    '// fail() turns that into the CodecError. (Small codes instead of calls keep this function',
    '// small enough for V8 to inline it, with its writers, into the caller.)',
    'function writeFixed(v, dv, o) {',
    `  if (typeof v !== 'object' || v === null) { if (v !== undefined) return ${-(n + 1)}; v = NONE; }`,
    ...zeroStatements(l).map((z) => `  ${z}`),
  ];
  l.fields.forEach((f, i) => {
    const prop = `v[${key(f.name)}]`;
    const at = f.offset === 0 ? 'o' : `o + ${f.offset}`;
    if (f.kind === 'scalar') {
      lines.push(`  if (!${writerOf(l, f)}(dv, ${at}, ${prop})) return ${-(i + 1)};`);
    } else {
      const inner = layoutOf(f.struct!, l.abi, l.variant);
      lines.push(`  if (typeof ${fnName('E', inner)}(${prop}, dv, undefined, ${at}, 0, o, '') !== 'number') return ${-(i + 1)};`);
    }
  });
  lines.push(
    `  return ${l.size};`,
    '}',
    '',
    ...trustedEncoder(l),
    '',
    'function encodeFixed(v, bytes, o) {',
    '  if (o === undefined) o = 0;',
    `  if (!(o >= 0 && bytes.length - o >= ${l.size} && (o >>> 0) === o)) return short(bytes, o);`,
    '  const r = writeFixed(v, viewOf(bytes), o);',
    '  return r > 0 ? r : fail(-r - 1, v);',
    '}',
    '',
    '// Over a caller\'s DataView: reading its byteLength costs more than the writes, so the span',
    '// is left to the DataView\'s own bounds checks, whose error becomes the short-buffer error.',
    'function encodeFixedView(v, dv, o) {',
    '  if (o === undefined) o = 0;',
    '  else if ((o >>> 0) !== o) return shortView(dv, o);',
    '  let r;',
    '  try {',
    '    r = writeFixed(v, dv, o);',
    '  } catch (e) {',
    '    return shortView(dv, o);',
    '  }',
    '  return r > 0 ? r : fail(-r - 1, v);',
    '}',
  );
  return lines.join('\n');
}

/**
 * The encoder for values the caller vouches for (numbers and bigints in range, or left out):
 * the same writes with no checks, for hot paths that encode values they built themselves.
 * A DataView writes undefined as 0 and takes a 64-bit number as two 32-bit halves.
 */
function trustedEncoder(l: StructLayout): string[] {
  const lines = ['function encodeTrustedView(v, dv, o) {', ...zeroStatements(l).map((z) => `  ${z}`)];
  for (const f of l.fields) {
    const prop = `v[${key(f.name)}]`;
    const at = f.offset === 0 ? 'o' : `o + ${f.offset}`;
    if (f.kind !== 'scalar') {
      const inner = layoutOf(f.struct!, l.abi, l.variant);
      lines.push(`  ${fnName('E', inner)}(${prop}, dv, undefined, ${at}, 0, o, '');`);
      continue;
    }
    switch (f.primitive) {
      case 'u8':
        lines.push(`  dv.setUint8(${at}, ${prop});`);
        break;
      case 'u16':
        lines.push(`  dv.setUint16(${at}, ${prop}, true);`);
        break;
      case 'i32':
        lines.push(`  dv.setInt32(${at}, ${prop}, true);`);
        break;
      default:
        if (f.size === 8) lines.push(`  writePtr64Trusted(dv, ${at}, ${prop});`);
        else lines.push(`  writeU32Trusted(dv, ${at}, ${prop});`);
    }
  }
  lines.push(`  return ${l.size};`, '}');
  return lines;
}

/** JavaScript source defining D_, E_ and M_ functions for the structure and its nested ones, and the entry points. */
export function codecSource(name: StructName, abi: StructLayout['abi'], variant: StructLayout['variant']): string {
  const all = new Map<string, StructLayout>();
  const root = layoutOf(name, abi, variant);
  closure(root, all);
  const parts: string[] = [];
  for (const l of all.values()) parts.push(decoder(l), encoder(l), measurer(l));
  parts.push(entryPoints(root));
  return parts.join('\n\n');
}
