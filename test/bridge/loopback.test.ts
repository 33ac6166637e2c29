import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { wanemu } from '../support/cli.js';

const root = join(__dirname, '..', '..');
const LOOPBACK = join(root, 'bridge', 'build', 'libwanemu_loopback.so');
const examples = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => join(root, 'examples', f));
/** Faults are injected above the miniport, so what NDISTAPI saw is not what any miniport does. */
const FAULTED = new Set(['dropped-connected.yaml']);

// The isolated runs of the load examples make hundreds of thousands of round trips to the host.
jest.setTimeout(180_000);

let dir: string;
beforeAll(() => {
  const r = spawnSync(process.execPath, [join(root, 'bridge', 'build.mjs'), '--strict', 'native', 'loopback'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bridge build failed: ${r.stderr}`);
  dir = mkdtempSync(join(tmpdir(), 'wanemu-loopback-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The summary lines of a run, without the file names, which differ. */
const summary = (out: string): string => out.split('\n').filter((l) => !l.includes('.yaml')).join('\n');

describe.each([
  ['in process', []],
  ['isolated', ['--isolate']],
])('the reference loopback library, %s', (_how, extra: string[]) => {
  it.each(examples.map((f) => [basename(f), f]))('runs %s with the same outcome and statistics as the simulated miniport', async (_name, file) => {
    const sim = await wanemu('run', file);
    const native = await wanemu('run', file, '--against', `native:${LOOPBACK}`, ...extra);
    expect(native.err).toBe('');
    expect(native.code).toBe(0);
    expect(summary(native.out)).toBe(summary(sim.out));
    expect(native.out).toMatch(/1 of 1 scenarios passed/);
  });

  it.each(examples.filter((f) => !FAULTED.has(basename(f))).map((f) => [basename(f), f]))('replays the trace %s recorded on the simulated miniport with no divergence', async (name, file) => {
    const trace = join(dir, `${name}-${extra.length}.pcapng`);
    expect((await wanemu('run', file, '--trace', trace)).code).toBe(0);
    const r = await wanemu('replay', trace, '--against', `native:${LOOPBACK}`, ...extra);
    expect(r.out).toMatch(/no divergence/);
    expect(r.code).toBe(0);
  });
});

describe('a deliberately different library configuration', () => {
  it('gives the expected first-divergence report: a shorter offer timeout idles the call before ANSWER', async () => {
    const file = join(root, 'examples', 'incoming-accept-answer.yaml');
    const trace = join(dir, 'timeout-diverges.pcapng');
    expect((await wanemu('run', file, '--trace', trace)).code).toBe(0);
    const r = await wanemu('replay', trace, '--against', `native:${LOOPBACK}?offerTimeoutMs=0;clock=virtual`);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/first divergence after \d+ matching outputs/);
    expect(r.out).toMatch(/IDLE|OFFERING|ACCEPT/);
  });
});

describe('--against on the command line', () => {
  it('is bad input when it names no library, or one that cannot be loaded', async () => {
    const file = join(root, 'examples', 'incoming-timeout.yaml');
    const bad = await wanemu('run', file, '--against', 'hardware');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--against takes sim or native:<library path>/);
    const missing = await wanemu('run', file, '--against', 'native:/no/such/library.so');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot load \/no\/such\/library\.so/);
  });
});
