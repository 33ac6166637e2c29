import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Abi } from '../../oid/index.js';

/*
 * The mingw-w64 cross-compilers that serve as the oracle: x86_64-w64-mingw32-gcc for the
 * Windows x64 ABI and i686-w64-mingw32-gcc for x86, with the Windows headers of the Debian
 * package mingw-w64-common. A missing compiler is a failure, never a skip.
 */

export const COMPILERS: Record<Abi, string> = {
  x64: process.env.WANEMU_CC_X64 ?? 'x86_64-w64-mingw32-gcc',
  x86: process.env.WANEMU_CC_X86 ?? 'i686-w64-mingw32-gcc',
};

export interface Toolchain {
  readonly abi: Abi;
  readonly cc: string;
  /** The compiler's system include directory that holds ddk/ndistapi.h. */
  readonly include: string;
}

export class ToolchainMissing extends Error {}

/** Finds the compiler for an ABI and the include directory holding the DDK headers. */
export function toolchain(abi: Abi): Toolchain {
  const cc = COMPILERS[abi];
  const probe = spawnSync(cc, ['-xc', '-E', '-v', '-'], { input: '', encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new ToolchainMissing(
      `${cc} is not installed (${probe.error?.message ?? probe.stderr}); ` +
        'install it with: apt-get install -y mingw-w64-common gcc-mingw-w64-x86-64 gcc-mingw-w64-i686',
    );
  }
  const list = /#include <\.\.\.> search starts here:\n([\s\S]*?)End of search list/.exec(probe.stderr)?.[1] ?? '';
  const dirs = list.split('\n').map((l) => l.trim()).filter(Boolean);
  const include = dirs.find((d) => spawnSync('test', ['-f', join(d, 'ddk', 'ndistapi.h')]).status === 0);
  if (include === undefined) {
    throw new ToolchainMissing(`${cc} has no ddk/ndistapi.h in its include path (${dirs.join(', ')}): install mingw-w64-common`);
  }
  return { abi, cc, include };
}

let workDir: string | undefined;

/** Where generated C files are written, kept for a person to read after a failure. */
export function conformanceDir(): string {
  if (workDir === undefined) {
    workDir = mkdtempSync(join(tmpdir(), 'wanemu-conformance-'));
    mkdirSync(workDir, { recursive: true });
  }
  return workDir;
}

export interface CompileResult {
  readonly ok: boolean;
  readonly file: string;
  readonly stderr: string;
  /** The messages of every failed `_Static_assert`. */
  readonly failedAssertions: readonly string[];
  /** Other compiler errors (a member the header does not have, a syntax error). */
  readonly errors: readonly string[];
}

function args(t: Toolchain): string[] {
  // ddk/ndis.h includes wdm.h by a bare name, hence the ddk directory on the path.
  return ['-std=c11', '-I', join(t.include, 'ddk')];
}

/** Compiles a C source for syntax and static assertions only. */
export function compile(t: Toolchain, name: string, source: string): CompileResult {
  const file = join(conformanceDir(), `${name}.${t.abi}.c`);
  writeFileSync(file, source);
  const r = spawnSync(t.cc, [...args(t), '-fsyntax-only', '-fmax-errors=0', file], { encoding: 'utf8' });
  const stderr = r.stderr ?? '';
  const failedAssertions = [...stderr.matchAll(/static assertion failed: "([^"]*)"/g)].map((m) => m[1]!);
  const errors = stderr
    .split('\n')
    .filter((l) => / error: /.test(l) && !/static assertion failed/.test(l))
    .map((l) => l.replace(/^.*? error: /, ''));
  return { ok: r.status === 0, file, stderr, failedAssertions, errors };
}

/** Runs the preprocessor alone and returns its output. */
export function preprocess(t: Toolchain, name: string, source: string, extra: string[] = []): string {
  const file = join(conformanceDir(), `${name}.${t.abi}.c`);
  writeFileSync(file, source);
  const r = spawnSync(t.cc, [...args(t), '-E', '-P', ...extra, file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${t.cc} -E ${file} failed:\n${r.stderr}`);
  return r.stdout;
}
