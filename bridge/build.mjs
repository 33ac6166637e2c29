// Builds the bridge's native libraries with the machine's C compiler (CC, else cc):
// the bridge runtime NativeMiniport loads, the reference loopback library and the test library.
// Run by `npm ci` / `npm install` (the prepare script) and before the tests; safe to run again.
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'build');
const cc = process.env.CC ?? 'cc';
const flags = ['-std=c11', '-O2', '-g', '-Wall', '-Wextra', '-Werror', '-fPIC', '-shared', '-pthread', '-D_GNU_SOURCE', `-I${join(here, 'include')}`];

/** name -> sources and extra flags */
const targets = [
  { name: 'libwanemu_bridge.so', dir: 'native', extra: [] },
  { name: 'libwanemu_loopback.so', dir: 'loopback', extra: [] },
  { name: 'libwanemu_testhw.so', dir: 'test-lib', extra: [] },
  { name: 'libwanemu_testhw_wrongabi.so', dir: 'test-lib', extra: ['-DTESTHW_REPORTED_ABI=99'] },
];

// Targets named on the command line (by folder: native, loopback, test-lib), or all of them.
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const newest = (files) => Math.max(...files.map((f) => statSync(f).mtimeMs));
mkdirSync(out, { recursive: true });
let failed = false;
for (const t of targets) {
  if (wanted.length > 0 && !wanted.includes(t.dir)) continue;
  const dir = join(here, t.dir);
  const sources = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.c')).map((f) => join(dir, f)) : [];
  if (sources.length === 0) continue;
  const headers = [join(here, 'include', 'wanemu_hw.h'), ...readdirSync(dir).filter((f) => f.endsWith('.h')).map((f) => join(dir, f))];
  const target = join(out, t.name);
  if (existsSync(target) && statSync(target).mtimeMs > newest([...sources, ...headers, fileURLToPath(import.meta.url)])) continue;
  const r = spawnSync(cc, [...flags, ...t.extra, '-o', target, ...sources, '-lm'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) {
    failed = true;
    process.stderr.write(`bridge: ${cc} could not build ${t.name}: ${r.error?.message ?? r.stderr}\n`);
  }
}
if (failed) {
  process.stderr.write('bridge: the native libraries are not built; `--against native:` and the bridge tests need a C compiler (set CC)\n');
  process.exitCode = process.argv.includes('--strict') ? 1 : 0;
}
