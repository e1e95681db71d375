import type { Row } from '@oort/sdk';
import '../../functions/index.js';
import { getBuiltin } from '../../functions/registry.js';
import { Catalog } from '../../catalog/catalog.js';
import { MemoryKV } from '../../store/memory-kv.js';
import { planRule } from '../../plan/planner.js';
import { parseRule } from '../../rules/rule-def.js';
import { ManualClock } from '../clock.js';
import { buildWindowStage, type WindowStageProcessor } from '../window-stage.js';

/** One input of a window test: its processing time, stream (default `demo`) and data. */
export interface WindowTestEvent {
  t: number;
  stream?: string;
  data: Row;
}

/**
 * A window stage for tests, over a schemaless stream `demo` (TIMESTAMP="ts") and a scan
 * table `tbl` (RETAIN_SIZE="2"), on a manual clock starting at `start`; `feed` advances the
 * clock to each event (firing earlier timers) and processes it.
 */
export function windowStageForTest(sql: string, options: Record<string, unknown>, start: number) {
  const catalog = new Catalog(new MemoryKV());
  catalog.create('CREATE STREAM demo () WITH (TYPE="mock", TIMESTAMP="ts")');
  catalog.create('CREATE TABLE tbl () WITH (TYPE="mock", RETAIN_SIZE="2")');
  const rule = parseRule({ id: 'r1', sql, actions: [{ log: {} }], options }, {});
  const clock = new ManualClock(start);
  const out: Row[][] = [];
  const p: WindowStageProcessor = buildWindowStage({
    plan: planRule(sql, catalog),
    rule,
    clock,
    firstOpIndex: 2,
    resolveFunction: getBuiltin,
    ignoreCase: false,
    emit: (rows) => out.push(rows),
  });
  const feed = (evs: WindowTestEvent[]): void => {
    for (const e of evs) {
      clock.advanceTo(e.t, true);
      p.process({ emitter: e.stream ?? 'demo', data: e.data, meta: {}, ts: e.t });
    }
  };
  return { p, clock, out, feed };
}
