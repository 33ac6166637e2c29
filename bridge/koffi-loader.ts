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
  alloc(type: string, length: number): unknown;
  free(pointer: unknown): void;
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
