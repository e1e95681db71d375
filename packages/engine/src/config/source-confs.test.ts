import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSourceConfs, resolveSourceConf } from './source-confs.js';

function withEtc(files: Record<string, string>, fn: (etc: string) => void): void {
  const etc = mkdtempSync(join(tmpdir(), 'oort-etc-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(etc, name, '..'), { recursive: true });
      writeFileSync(join(etc, name), text);
    }
    fn(etc);
  } finally {
    rmSync(etc, { recursive: true, force: true });
  }
}

describe('loadSourceConfs', () => {
  it('reads default and named conf keys of every sources/<type>.yaml', () => {
    withEtc(
      {
        'sources/mqtt.yaml': 'default:\n  server: tcp://127.0.0.1:1883\n  qos: 1\ndemo_conf:\n  server: tcp://10.0.0.1:1883\n',
        'sources/httppull.yml': 'default:\n  url: http://localhost\n  interval: 10000\n',
        'sources/readme.txt': 'not yaml conf',
      },
      (etc) => {
        assert.deepEqual(loadSourceConfs(etc), {
          httppull: { default: { url: 'http://localhost', interval: 10000 } },
          mqtt: { default: { server: 'tcp://127.0.0.1:1883', qos: 1 }, demo_conf: { server: 'tcp://10.0.0.1:1883' } },
        });
      },
    );
  });

  it('reads the legacy mqtt_source.yaml as type mqtt, letting sources/mqtt.yaml win key by key', () => {
    withEtc(
      {
        'mqtt_source.yaml': 'default:\n  server: tcp://a:1883\n  qos: 0\nlegacy:\n  server: tcp://b:1883\n',
        'sources/mqtt.yaml': 'default:\n  qos: 2\n',
      },
      (etc) => {
        assert.deepEqual(loadSourceConfs(etc).mqtt, {
          default: { server: 'tcp://a:1883', qos: 2 },
          legacy: { server: 'tcp://b:1883' },
        });
      },
    );
  });

  it('applies eKuiper-style environment overrides', () => {
    withEtc(
      { 'mqtt_source.yaml': 'default:\n  server: tcp://a:1883\n', 'sources/httppull.yaml': 'default:\n  interval: 10\n' },
      (etc) => {
        const confs = loadSourceConfs(etc, {
          MQTT_SOURCE__DEFAULT__SERVER: 'tcp://env:1883',
          MQTT_SOURCE__DEMO__QOS: '1',
          HTTPPULL__DEFAULT__INTERVAL: '500',
          UNRELATED__DEFAULT__X: 'ignored',
        });
        assert.equal(confs.mqtt!.default!.server, 'tcp://env:1883');
        assert.deepEqual(confs.mqtt!.demo, { qos: 1 });
        assert.equal(confs.httppull!.default!.interval, 500);
        assert.equal(confs.unrelated, undefined);
      },
    );
  });

  it('returns nothing for an etc folder without source files', () => {
    withEtc({}, (etc) => assert.deepEqual(loadSourceConfs(etc), {}));
    assert.deepEqual(loadSourceConfs('/nonexistent/etc'), {});
  });

  it('names the file when a conf key is not a map', () => {
    withEtc({ 'sources/bad.yaml': 'default: 3\n' }, (etc) => assert.throws(() => loadSourceConfs(etc), /bad\.yaml: conf key default must be a map/));
  });

  it('ships etc/sources/mqtt.yaml leaving the server to mqtt.server, with qos 1', () => {
    const etc = fileURLToPath(new URL('../../../../etc', import.meta.url));
    assert.deepEqual(loadSourceConfs(etc).mqtt?.default, { qos: 1 });
  });
});

describe('resolveSourceConf', () => {
  const confs = { mqtt: { default: { server: 'tcp://d:1883', qos: 1 }, demo: { server: 'tcp://x:1883' } } };

  it('overlays the named key on the defaults', () => {
    assert.deepEqual(resolveSourceConf(confs, 'mqtt', 'demo'), { server: 'tcp://x:1883', qos: 1 });
  });

  it('falls back to the defaults for a missing or empty key and to nothing for an unknown type', () => {
    assert.deepEqual(resolveSourceConf(confs, 'mqtt'), { server: 'tcp://d:1883', qos: 1 });
    assert.deepEqual(resolveSourceConf(confs, 'mqtt', 'nope'), { server: 'tcp://d:1883', qos: 1 });
    assert.deepEqual(resolveSourceConf(confs, 'kafka', 'x'), {});
  });
});
