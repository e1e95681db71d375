/** `oort plugin deploy` against the real REST server, in process: install, then update with no restart. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runPluginCommand } from './index.js';

type Server = { url: string; close(): Promise<void> };
type StartServer = (o: Record<string, unknown>) => Promise<Server>;

async function loadServer(): Promise<StartServer | string> {
  const specifier = '@oort/server';
  try {
    const mod = (await import(specifier)) as { startServer?: StartServer };
    return mod.startServer ?? 'no startServer export';
  } catch (err) {
    return (err as Error).message;
  }
}
const startServer = await loadServer();

describe('oort plugin deploy to a running Oort server', { skip: typeof startServer === 'string' && `@oort/server does not load: ${startServer}` }, () => {
  const work = mkdtempSync(join(tmpdir(), 'oort-deploy-e2e-'));
  const dir = join(work, 'jsonsink');
  let server: Server;
  const lines: string[] = [];
  const io = { out: (s: string) => lines.push(s), err: (s: string) => lines.push(s) };

  before(async () => {
    server = await (startServer as StartServer)({
      port: 0,
      host: '127.0.0.1',
      dataDir: join(work, 'data'),
      etcDir: join(work, 'etc'),
      env: { OORT__MQTT__BROKER: 'off', OORT__BASIC__CONSOLELOG: 'false' },
      handleSignals: false,
    });
    assert.equal(await runPluginCommand(['init', 'sink', 'jsonsink', '--dir', dir], io), 0);
  });
  after(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('installs the plugin: GET /plugins/sinks/jsonsink answers version 1.0.0', async () => {
    const code = await runPluginCommand(['deploy', '--dir', dir, '--server', server.url], io);
    assert.equal(code, 0, lines.join('\n'));
    assert.match(lines.join('\n'), /201 sinks plugin jsonsink is created/);
    const res = await fetch(`${server.url}/plugins/sinks/jsonsink`);
    assert.deepEqual(await res.json(), { name: 'jsonsink', version: '1.0.0' });
  });

  it('updates it in place when deployed again with a new version', async () => {
    const pkgPath = join(dir, 'package.json');
    writeFileSync(pkgPath, JSON.stringify({ ...JSON.parse(readFileSync(pkgPath, 'utf8')), version: '1.1.0' }));
    lines.length = 0;
    const code = await runPluginCommand(['deploy', '--dir', dir, '--server', server.url], io);
    assert.equal(code, 0, lines.join('\n'));
    assert.match(lines.join('\n'), /PUT .*\/plugins\/sinks\/jsonsink/);
    const res = await fetch(`${server.url}/plugins/sinks/jsonsink`);
    assert.deepEqual(await res.json(), { name: 'jsonsink', version: '1.1.0' });
  });
});
