import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Why the bridge could not be used: koffi or the bridge runtime missing, a library refused. */
export class NativeBridgeError extends Error {
  override readonly name = 'NativeBridgeError';
}

/** The part of koffi's API the bridge uses (koffi is an optional dependency, loaded lazily). */
export interface Koffi {
  load(path: string): KoffiLibrary;
  proto(declaration: string): unknown;
  pointer(type: unknown): unknown;
  register(fn: (...args: never[]) => unknown, type: unknown): unknown;
  unregister(callback: unknown): void;
  view(pointer: unknown, length: number): ArrayBuffer;
}

export interface KoffiLibrary {
  func(declaration: string): (...args: unknown[]) => unknown;
  unload?(): void;
}

let koffi: Koffi | undefined;

/** koffi, imported on first use; a NativeBridgeError that says how to get it when it is missing. */
export async function loadKoffi(): Promise<Koffi> {
  if (koffi !== undefined) return koffi;
  try {
    const m = (await import('koffi')) as unknown as { default?: Koffi } & Koffi;
    koffi = m.default ?? m;
    return koffi;
  } catch (e) {
    throw new NativeBridgeError(`the native bridge needs koffi, an optional dependency that is not installed (npm install koffi): ${(e as Error).message}`);
  }
}

const BRIDGE_LIBRARY = join('bridge', 'build', 'libwanemu_bridge.so');

function isWanemuRoot(dir: string): boolean {
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return false;
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'wanemu';
  } catch {
    return false;
  }
}

function findUp(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (isWanemuRoot(dir) && existsSync(join(dir, BRIDGE_LIBRARY))) return join(dir, BRIDGE_LIBRARY);
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The bridge runtime (bridge/native/wanemu_bridge.c, built by `node bridge/build.mjs`): from
 * WANEMU_BRIDGE_LIBRARY, else the wanemu package above the running script or the working
 * directory.
 */
export function bridgeLibraryPath(): string {
  const fromEnv = process.env['WANEMU_BRIDGE_LIBRARY'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const found = (process.argv[1] === undefined ? undefined : findUp(dirname(process.argv[1]))) ?? findUp(process.cwd());
  if (found === undefined) {
    throw new NativeBridgeError(`the bridge runtime ${BRIDGE_LIBRARY} is not built: run \`node bridge/build.mjs\` in the wanemu package (it needs a C compiler), or set WANEMU_BRIDGE_LIBRARY`);
  }
  return found;
}
