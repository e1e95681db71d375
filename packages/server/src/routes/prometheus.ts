import type { FastifyInstance } from 'fastify';
import type { EngineApi } from '@oort/engine';
import type { RouteContext } from '../route-context.js';

const KINDS = ['source', 'op', 'sink'] as const;
type Kind = (typeof KINDS)[number];

/** eKuiper's per-node families, in its order, with their Prometheus type and help text. */
const NODE_METRICS: { suffix: string; type: 'counter' | 'gauge'; help: string; notOp?: true }[] = [
  { suffix: 'records_in_total', type: 'counter', help: 'Total number of messages received by the operation of' },
  { suffix: 'records_out_total', type: 'counter', help: 'Total number of messages published by the operation of' },
  { suffix: 'messages_processed_total', type: 'counter', help: 'Total number of messages processed by the operation of' },
  { suffix: 'exceptions_total', type: 'counter', help: 'Total number of user exceptions of' },
  { suffix: 'process_latency_us', type: 'gauge', help: 'Process latency in microseconds of' },
  { suffix: 'buffer_length', type: 'gauge', help: 'The length of the plan buffer which is shared by all instances of' },
  { suffix: 'connection_status', type: 'gauge', help: 'The connection status (0 connecting, 1 connected, -1 disconnected) of', notOp: true },
];
const SUFFIXES = new Set(NODE_METRICS.map((m) => m.suffix));
// `<kind>_<node name>_<instance>_<metric>`; the node name may itself contain `_<digits>_`.
const KEY = new RegExp(`^(source|op|sink)_(.+)_(\\d+)_(${[...SUFFIXES].join('|')})$`);

interface Sample {
  labels: string;
  value: number;
}

/** `GET /metrics`: rule metrics in the Prometheus text format under eKuiper's family names. */
export function prometheusRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/metrics', async (_req, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(renderMetrics(ctx.engine)),
  );
}

/** The exposition text for every rule the engine knows (stopped rules keep their last run's metrics). */
export function renderMetrics(engine: EngineApi): string {
  const families = new Map<string, Sample[]>();
  const rules = engine.listRules();
  let running = 0;
  const statusSamples: Sample[] = [];
  for (const rule of rules) {
    const v = rule.status === 'running' ? 1 : rule.status === 'stopped by error' ? -1 : 0;
    if (v === 1) running++;
    statusSamples.push({ labels: `rule="${esc(rule.id)}"`, value: v });
    let status: Record<string, unknown>;
    try {
      status = engine.ruleStatus(rule.id);
    } catch {
      continue; // deleted between the list and now
    }
    for (const [key, value] of Object.entries(status)) {
      const m = KEY.exec(key);
      if (m === null || typeof value !== 'number') continue;
      const [, kind, op, instance, suffix] = m as unknown as [string, Kind, string, string, string];
      const name = `kuiper_${kind}_${suffix}`;
      const labels = `rule="${esc(rule.id)}",type="${kind}",op="${esc(op)}",op_instance="${instance}"`;
      let list = families.get(name);
      if (list === undefined) families.set(name, (list = []));
      list.push({ labels, value });
    }
  }
  const out: string[] = [];
  for (const kind of KINDS) {
    for (const m of NODE_METRICS) {
      if (m.notOp && kind === 'op') continue;
      const name = `kuiper_${kind}_${m.suffix}`;
      const samples = families.get(name);
      if (samples !== undefined) family(out, name, m.type, `${m.help} kuiper_${kind}`, samples);
    }
  }
  if (statusSamples.length > 0) {
    family(out, 'kuiper_rule_status', 'gauge', 'gauge of rule status (1 running, 0 stopped, -1 stopped by error)', statusSamples);
  }
  family(out, 'kuiper_rule_count', 'gauge', 'gauge of rule status count', [
    { labels: 'status="running"', value: running },
    { labels: 'status="stop"', value: rules.length - running },
  ]);
  return out.join('\n') + '\n';
}

function family(out: string[], name: string, type: string, help: string, samples: Sample[]): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  for (const s of samples) out.push(`${name}{${s.labels}} ${s.value}`);
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
