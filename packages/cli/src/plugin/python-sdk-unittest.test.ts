/**
 * Runs the Python SDK's own unit tests (standard library unittest) as part of the node
 * test suite, so CI covers them without a separate Python step.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

// From packages/cli/dist/plugin/ back to the repository root.
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const python = spawnSync('python3', ['--version']).status === 0;

it('passes the Python SDK unit tests (python3 -m unittest discover)', { skip: python ? false : 'python3 is not installed' }, () => {
  const r = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', 'sdks/python/tests'], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  assert.equal(r.status, 0, `python3 -m unittest failed (status ${r.status}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /\nOK/, r.stderr);
});
