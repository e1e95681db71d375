import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Engine, defaultConfig, type OortConfig } from '@oort/engine';
import { buildApp } from '../app.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export interface TestApp {
  app: FastifyInstance;
  engine: Engine;
  config: OortConfig;
  dataDir: string;
  close(): Promise<void>;
}

/** A real engine over a memory store and a fresh data folder, with the REST app on top (for `inject()`). */
export async function openTestApp(tune?: (c: OortConfig) => void): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oort-rest-'));
  const config = defaultConfig();
  config.store.type = 'memory';
  config.dataDir = dataDir;
  tune?.(config);
  const engine = await Engine.open({ dataDir, config, logger: quiet });
  const app = buildApp(engine, config, { log: quiet });
  return {
    app, engine, config, dataDir,
    async close() {
      await app.close();
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns true or the deadline passes. */
export async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 20));
  }
}
