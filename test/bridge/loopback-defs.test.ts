import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = join(__dirname, '..', '..');

describe('bridge/loopback/lb_defs.h', () => {
  it('is what gen-lb-defs.mjs writes from the built oid/ and miniport/ (constants, layouts, state table, defaults)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wanemu-lbdefs-'));
    try {
      const out = join(dir, 'lb_defs.h');
      const r = spawnSync(process.execPath, [join(root, 'bridge', 'loopback', 'gen-lb-defs.mjs'), root, out], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(root, 'bridge', 'loopback', 'lb_defs.h'), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
