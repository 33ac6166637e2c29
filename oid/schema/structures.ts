import { CO_TAPI_STRUCTURES } from './co-tapi-structures.js';
import { INDICATION_STRUCTURES } from './indication-structures.js';
import { LINE_STRUCTURES } from './line-structures.js';
import { REQUEST_STRUCTURES } from './request-structures.js';
import type { StructDef } from './schema-types.js';
import { WAN_STRUCTURES } from './wan-structures.js';

/** The one schema: every structure wanemu lays out, by its C typedef name. */
export const STRUCTURES = {
  ...LINE_STRUCTURES,
  ...REQUEST_STRUCTURES,
  ...INDICATION_STRUCTURES,
  ...CO_TAPI_STRUCTURES,
  ...WAN_STRUCTURES,
} as const satisfies Record<string, StructDef>;

export type Structures = typeof STRUCTURES;
export type StructName = keyof Structures;

export const STRUCT_NAMES = Object.keys(STRUCTURES) as StructName[];

export function isStructName(name: string): name is StructName {
  return Object.prototype.hasOwnProperty.call(STRUCTURES, name);
}
