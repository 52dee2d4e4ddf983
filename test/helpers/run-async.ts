/**
 * `spawnSync`'s result, without blocking the test worker: a long synchronous child (a 60 s real-time
 * run, a native build) starves vitest's worker RPC, which then fails the run with
 * `Timeout calling "onTaskUpdate"` although every test passed.
 */
import { spawn, type SpawnOptions } from 'node:child_process';

export interface RunResult {
  /** Exit code, or null when killed (signal, timeout). */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runAsync(command: string, args: readonly string[], options: SpawnOptions & { timeout?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = options.timeout ? setTimeout(() => child.kill('SIGKILL'), options.timeout) : null;
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status) => {
      if (timer) clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
