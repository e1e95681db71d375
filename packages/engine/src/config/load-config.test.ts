import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './load-config.js';
import { defaultConfig } from './oort-config.js';
import { OortError } from '../errors.js';

function withYaml(text: string, fn: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'oort-conf-'));
  try {
    const file = join(dir, 'oort.yaml');
    writeFileSync(file, text);
    fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('loadConfig', () => {
  it('returns the defaults when given nothing', () => {
    const c = loadConfig();
    assert.equal(c.basic.restIp, '127.0.0.1');
    assert.equal(c.basic.restPort, 9081);
    assert.equal(c.basic.authentication, false);
    assert.equal(c.basic.maxRequestBodyBytes, 10 * 1024 * 1024);
    assert.equal(c.rule.qos, 0);
    assert.equal(c.rule.checkpointInterval, '300s');
    assert.equal(c.rule.lateTolerance, '1s');
    assert.deepEqual(c.rule.restartStrategy, { attempts: 0, delay: 1000, multiplier: 2, maxDelay: 30000, jitterFactor: 0.1 });
    assert.equal(c.sink.maxDiskCache, 1024000);
    assert.equal(c.source.httpServerPort, 10081);
    assert.equal(c.store.type, 'sqlite');
    assert.equal(c.mqtt.broker, 'auto');
    assert.equal(c.mqtt.server, 'tcp://127.0.0.1:1883');
    assert.equal(c.plugins.allowInstallScripts, false);
    assert.equal(c.portable.pythonBin, 'python3');
    assert.equal(c.dataDir, resolve('data'));
  });

  it('reads values from a YAML file and keeps defaults for the rest', () => {
    withYaml('basic:\n  restPort: 9999\n  logLevel: debug\nrule:\n  restartStrategy:\n    attempts: 3\n', (file) => {
      const c = loadConfig({ configFile: file });
      assert.equal(c.basic.restPort, 9999);
      assert.equal(c.basic.logLevel, 'debug');
      assert.equal(c.basic.restIp, '127.0.0.1');
      assert.equal(c.rule.restartStrategy.attempts, 3);
      assert.equal(c.rule.restartStrategy.delay, 1000);
    });
  });

  it('lets OORT__ environment variables override the file, case-insensitively', () => {
    withYaml('basic:\n  restPort: 9999\n', (file) => {
      const c = loadConfig({
        configFile: file,
        env: { OORT__BASIC__RESTPORT: '9082', oort__basic__consolelog: 'false', OORT__MQTT__BROKER: 'off' },
      });
      assert.equal(c.basic.restPort, 9082);
      assert.equal(c.basic.consoleLog, false);
      assert.equal(c.mqtt.broker, 'off');
    });
  });

  it('accepts eKuiper KUIPER__ variables, with OORT__ winning when both are set', () => {
    const c = loadConfig({
      env: { KUIPER__BASIC__RESTPORT: '7000', KUIPER__BASIC__IGNORECASE: 'true', OORT__BASIC__RESTPORT: '7001' },
    });
    assert.equal(c.basic.restPort, 7001);
    assert.equal(c.basic.ignoreCase, true);
  });

  it('ignores unrelated and unknown environment variables', () => {
    const c = loadConfig({ env: { PATH: '/bin', OORT__NOPE__X: '1', OORT__BASIC__NOPE: '2', OORT__: 'x' } });
    assert.deepEqual({ ...c, dataDir: '' }, { ...defaultConfig(), dataDir: '' });
  });

  it('lets overrides beat the environment and the dataDir option beat everything', () => {
    const c = loadConfig({
      env: { OORT__BASIC__RESTPORT: '9082', OORT__DATADIR: '/tmp/from-env' },
      overrides: { basic: { restPort: 1234 }, dataDir: '/tmp/from-overrides' },
      dataDir: '/tmp/from-flag',
    });
    assert.equal(c.basic.restPort, 1234);
    assert.equal(c.dataDir, '/tmp/from-flag');
  });

  it('reads the data directory from the environment', () => {
    assert.equal(loadConfig({ env: { OORT__DATADIR: '/tmp/oort-data' } }).dataDir, '/tmp/oort-data');
  });

  it('parses environment values as YAML scalars and turns numbers into strings where a string is expected', () => {
    const c = loadConfig({ env: { OORT__BASIC__TIMEZONE: '123', OORT__RULE__CHECKPOINTINTERVAL: '5000', OORT__MQTT__SERVER: 'tcp://h:1884' } });
    assert.equal(c.basic.timezone, '123');
    assert.equal(c.rule.checkpointInterval, 5000);
    assert.equal(c.mqtt.server, 'tcp://h:1884');
  });

  it('rejects a value of the wrong type, naming the key and the source', () => {
    assert.throws(
      () => loadConfig({ env: { OORT__BASIC__RESTPORT: 'abc' } }),
      (e: unknown) => e instanceof OortError && /basic\.restPort must be a number/.test(e.message) && /OORT__/.test(e.message),
    );
    assert.throws(() => loadConfig({ env: { OORT__MQTT__BROKER: 'maybe' } }), /mqtt\.broker must be one of auto, on, off/);
    assert.throws(() => loadConfig({ env: { OORT__RULE__QOS: '3' } }), /rule\.qos must be one of/);
    assert.throws(() => loadConfig({ env: { OORT__RULE__LATETOLERANCE: '1 parsec' } }), /rule\.lateTolerance must be a duration/);
    assert.throws(() => loadConfig({ env: { OORT__BASIC__AUTHENTICATION: 'yes please' } }), /must be true or false/);
  });

  it('fails clearly on a missing or malformed file', () => {
    assert.throws(() => loadConfig({ configFile: '/nonexistent/oort.yaml' }), /configuration file \/nonexistent\/oort.yaml not found/);
    withYaml('basic: [1, 2', (file) => assert.throws(() => loadConfig({ configFile: file }), /not valid YAML/));
    withYaml('- a\n- b\n', (file) => assert.throws(() => loadConfig({ configFile: file }), /map of sections/));
  });

  it('treats an empty file as no settings', () => {
    withYaml('', (file) => assert.equal(loadConfig({ configFile: file }).basic.restPort, 9081));
  });

  it('loads the shipped etc/oort.yaml to exactly the built-in defaults', () => {
    const shipped = fileURLToPath(new URL('../../../../etc/oort.yaml', import.meta.url));
    const c = loadConfig({ configFile: shipped });
    assert.deepEqual(c, loadConfig());
  });
});
