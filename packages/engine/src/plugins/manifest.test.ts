import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OortError } from '../errors.js';
import { checkSdkCompat, parseManifest } from './manifest.js';

describe('parseManifest', () => {
  it('reads an Oort manifest', () => {
    const m = parseManifest(
      { name: 'mysql', version: '1.0.0', sdk: '^1.0.0', kinds: ['sink'], sinks: ['mysql'], isolation: 'worker', main: 'mysql.js' },
      { name: 'mysql', type: 'sinks' },
    );
    assert.equal(m.version, '1.0.0');
    assert.deepEqual(m.sinks, ['mysql']);
    assert.equal(m.isolation, 'worker');
    assert.equal(m.language, 'js');
  });

  it('takes the version from an eKuiper style file name when the manifest has none', () => {
    const m = parseManifest(undefined, { name: 'mysql', type: 'sinks', mainFile: 'Mysql@v1.2.0.js', fileVersion: 'v1.2.0' });
    assert.equal(m.version, '1.2.0');
    assert.equal(m.main, 'Mysql@v1.2.0.js');
    assert.deepEqual(m.sinks, ['mysql']);
  });

  it('accepts the eKuiper portable manifest shape', () => {
    const m = parseManifest(
      { version: 'v1.0.0', language: 'python', executable: 'pysam.py', sources: ['pyjson'], sinks: ['print'], functions: ['revert'] },
      { name: 'pysam', type: 'portables' },
    );
    assert.equal(m.version, '1.0.0');
    assert.equal(m.isolation, 'process');
    assert.deepEqual(m.kinds, ['source', 'sink', 'function']);
  });

  it('refuses a manifest whose name differs from the plugin name', () => {
    assert.throws(
      () => parseManifest({ name: 'other', sinks: ['x'], main: 'x.js' }, { name: 'mysql', type: 'sinks' }),
      (e: OortError) => e.errorName === 'PLUGIN' && /does not match/.test(e.message),
    );
  });

  it('refuses a portable plugin without an executable', () => {
    assert.throws(() => parseManifest({ language: 'python', sources: ['a'] }, { name: 'p', type: 'portables' }), /executable/);
  });

  it('refuses a bad sdk range', () => {
    assert.throws(() => parseManifest({ sdk: 'latest', main: 'a.js' }, { name: 'a', type: 'sinks' }), /sdk must be a version range/);
  });
});

describe('checkSdkCompat', () => {
  it('lets a plugin built against sdk 1.0.0 load on a 1.4 server', () => {
    checkSdkCompat('^1.0.0', '1.4.0', 'mysql');
  });

  it('refuses a plugin needing another major, naming both versions', () => {
    assert.throws(
      () => checkSdkCompat('^2.0.0', '1.0.0', 'mysql'),
      (e: OortError) =>
        e.errorName === 'PLUGIN_INCOMPATIBLE' && e.message === 'plugin mysql needs @oort/sdk ^2.0.0 but this server provides 1.0.0',
    );
  });
});
