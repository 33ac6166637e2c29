import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { NativeBridgeError } from './koffi-loader.js';

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

function findUp(from: string, file: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (isWanemuRoot(dir) && existsSync(join(dir, file))) return join(dir, file);
    if (dirname(dir) === dir) return undefined;
  }
}

/** A file of the wanemu package, found above the running script or the working directory. */
export function wanemuFile(file: string): string | undefined {
  return (process.argv[1] === undefined ? undefined : findUp(dirname(process.argv[1]), file)) ?? findUp(process.cwd(), file);
}

/**
 * The bridge runtime (bridge/native/wanemu_bridge.c, built by `node bridge/build.mjs`): from
 * WANEMU_BRIDGE_LIBRARY, else the wanemu package above the running script or the working
 * directory.
 */
export function bridgeLibraryPath(): string {
  const fromEnv = process.env['WANEMU_BRIDGE_LIBRARY'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const found = wanemuFile(BRIDGE_LIBRARY);
  if (found === undefined) {
    throw new NativeBridgeError(`the bridge runtime ${BRIDGE_LIBRARY} is not built: run \`node bridge/build.mjs\` in the wanemu package (it needs a C compiler), or set WANEMU_BRIDGE_LIBRARY`);
  }
  return found;
}
