import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import { defaultPluginType } from './manifest.js';
import { packPlugin } from './pack.js';
import { loadProject } from './project.js';

export interface DeployOptions {
  dir?: string;
  server: string;
  /** Plugin name on the server; defaults to the manifest's name. */
  name?: string;
  /** `sources`, `sinks`, `functions` or `portables`; defaults from the manifest. */
  type?: string;
  /** Address the server can reach this machine on; the zip is served there. */
  serveHost?: string;
  /** Deploy this zip instead of packing the project (e.g. a portable plugin). */
  zip?: string;
  log?: (line: string) => void;
}

export interface DeployResult {
  method: 'POST' | 'PUT';
  status: number;
  body: string;
  url: string;
  sha256: string;
}

/**
 * Installs the plugin on a running server: serves the zip from a temporary HTTP server on
 * this machine, then `POST /plugins/{type}` (or `PUT /plugins/{type}/{name}` if the server
 * already has it, which swaps it without a restart), and stops serving once the server
 * has answered.
 */
export async function deployPlugin(o: DeployOptions): Promise<DeployResult> {
  const log = o.log ?? (() => {});
  let zipPath = o.zip;
  let name = o.name;
  let type = o.type;
  if (!zipPath) {
    const packed = await packPlugin(o.dir);
    zipPath = packed.zipPath;
    name ??= packed.manifest.name;
    type ??= defaultPluginType(packed.manifest);
    log(`packed ${zipPath} (version ${packed.manifest.version})`);
  } else if (!name || !type) {
    const p = loadProject(o.dir);
    name ??= p.name;
    type ??= defaultPluginType(p.manifest);
  }
  if (!['sources', 'sinks', 'functions', 'portables'].includes(type!)) throw new Error(`--type must be sources, sinks, functions or portables, got ${type}`);
  const sha256 = createHash('sha256').update(readFileSync(zipPath)).digest('hex');
  const base = o.server.replace(/\/+$/, '');
  const file = basename(zipPath);
  const srv = await serveFile(zipPath, file, o.serveHost ?? '127.0.0.1');
  try {
    const { address, port } = srv.address() as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;
    const url = `http://${host}:${port}/${encodeURIComponent(file)}`;
    const exists = (await fetch(`${base}/plugins/${type}/${encodeURIComponent(name!)}`)).ok;
    const method = exists ? 'PUT' : 'POST';
    const target = exists ? `${base}/plugins/${type}/${encodeURIComponent(name!)}` : `${base}/plugins/${type}`;
    log(`${method} ${target} file=${url}`);
    const res = await fetch(target, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, file: url, sha256 }),
    });
    return { method, status: res.status, body: await res.text(), url, sha256 };
  } finally {
    await new Promise<void>((res) => {
      srv.closeAllConnections();
      srv.close(() => res());
    });
  }
}

/** Serves exactly one file at `/<name>`; everything else is 404. */
function serveFile(path: string, name: string, host: string): Promise<Server> {
  const size = statSync(path).size;
  const srv = createServer((req, res) => {
    if (req.method !== 'GET' || decodeURIComponent((req.url ?? '').split('?')[0]!) !== `/${name}`) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': size });
    createReadStream(path).pipe(res);
  });
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, host, () => resolve(srv));
  });
}
