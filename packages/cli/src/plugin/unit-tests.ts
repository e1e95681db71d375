import { spawn } from 'node:child_process';

/** Runs bundled test files with `node --test`, streaming their output; resolves to the exit code. */
export function runNodeTests(files: string[], cwd: string, out: (s: string) => void): Promise<number> {
  if (files.length === 0) return Promise.resolve(0);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=spec', ...files], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (b: Buffer) => out(b.toString()));
    child.stderr.on('data', (b: Buffer) => out(b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}
