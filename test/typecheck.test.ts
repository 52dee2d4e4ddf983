/** The whole project type-checks under strict TypeScript (tsc --noEmit). */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

describe('TypeScript', () => {
  it('tsc --noEmit reports no errors', () => {
    const root = resolve(__dirname, '..');
    let output = '';
    let ok = true;
    try {
      execFileSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      ok = false;
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(output).toBe('');
    expect(ok).toBe(true);
  });
});
