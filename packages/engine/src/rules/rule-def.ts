import { parseDuration } from '@oort/sdk';
import { oortError } from '../errors.js';
import { checkId } from '../catalog/catalog.js';

export interface RestartStrategy {
  attempts: number;
  delay: number;
  multiplier: number;
  maxDelay: number;
  jitterFactor: number;
}

/** Rule options (eKuiper names), durations in milliseconds. */
export interface RuleOptions {
  debug: boolean;
  isEventTime: boolean;
  lateTolerance: number;
  concurrency: number;
  bufferLength: number;
  sendMetaToSink: boolean;
  sendNilField: boolean;
  sendError: boolean;
  qos: number;
  checkpointInterval: number;
  restartStrategy: RestartStrategy;
  disableBufferFullDiscard: boolean;
  [key: string]: unknown;
}

export interface ActionDef {
  readonly type: string;
  readonly props: Record<string, unknown>;
}

export interface RuleDef {
  readonly id: string;
  readonly name: string;
  readonly sql: string;
  readonly actions: readonly ActionDef[];
  readonly options: RuleOptions;
  readonly triggered: boolean;
  readonly tags: string[] | null;
  readonly version: string;
  /** The rule JSON as the user sent it (returned by `GET /rules/{id}`). */
  readonly raw: Record<string, unknown>;
}

export const DEFAULT_RULE_OPTIONS: RuleOptions = {
  debug: false,
  isEventTime: false,
  lateTolerance: 1000,
  concurrency: 1,
  bufferLength: 1024,
  sendMetaToSink: false,
  sendNilField: false,
  sendError: false,
  qos: 0,
  checkpointInterval: 300000,
  restartStrategy: { attempts: 0, delay: 1000, multiplier: 2, maxDelay: 30000, jitterFactor: 0.1 },
  disableBufferFullDiscard: false,
};

const DURATION_OPTIONS = new Set(['lateTolerance', 'checkpointInterval']);

/** Validates rule JSON (eKuiper's shape) and fills option defaults. */
export function parseRule(input: unknown, defaults: Partial<RuleOptions> = {}): RuleDef {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw oortError('RULE', 'the rule must be a JSON object');
  }
  const raw = input as Record<string, unknown>;
  checkId(raw.id);
  if (raw.graph !== undefined) throw oortError('RULE', 'graph rules are not supported yet; use sql');
  if (typeof raw.sql !== 'string' || raw.sql.trim() === '') throw oortError('RULE', `rule ${raw.id} has no sql`);
  if (!Array.isArray(raw.actions) || raw.actions.length === 0) throw oortError('RULE', `rule ${raw.id} has no actions`);
  const actions: ActionDef[] = [];
  for (const a of raw.actions) {
    if (typeof a !== 'object' || a === null || Array.isArray(a)) throw oortError('RULE', 'each action must be an object such as {"log": {}}');
    for (const [type, props] of Object.entries(a as Record<string, unknown>)) {
      if (typeof props !== 'object' || props === null || Array.isArray(props)) {
        throw oortError('RULE', `properties of action ${type} must be an object`);
      }
      actions.push({ type, props: props as Record<string, unknown> });
    }
  }
  if (actions.length === 0) throw oortError('RULE', `rule ${raw.id} has no actions`);
  return {
    id: raw.id,
    name: typeof raw.name === 'string' && raw.name ? raw.name : raw.id,
    sql: raw.sql,
    actions,
    options: parseOptions(raw.options, defaults),
    triggered: raw.triggered === undefined ? true : raw.triggered === true,
    tags: Array.isArray(raw.tags) ? raw.tags.map(String) : null,
    version: typeof raw.version === 'string' ? raw.version : '',
    raw,
  };
}

function parseOptions(input: unknown, defaults: Partial<RuleOptions>): RuleOptions {
  const base = { ...DEFAULT_RULE_OPTIONS, ...defaults } as RuleOptions;
  base.restartStrategy = { ...DEFAULT_RULE_OPTIONS.restartStrategy, ...(defaults.restartStrategy ?? {}) };
  if (input === undefined || input === null) return base;
  if (typeof input !== 'object' || Array.isArray(input)) throw oortError('RULE', 'options must be an object');
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    if (DURATION_OPTIONS.has(k)) {
      const ms = parseDuration(v);
      if (ms === undefined || ms < 0) throw oortError('RULE', `option ${k} must be a duration, got ${JSON.stringify(v)}`);
      base[k] = ms;
    } else if (k === 'restartStrategy') {
      if (typeof v !== 'object' || v === null) throw oortError('RULE', 'option restartStrategy must be an object');
      const rs = { ...base.restartStrategy };
      for (const [rk, rv] of Object.entries(v as Record<string, unknown>)) {
        const n = rk === 'delay' || rk === 'maxDelay' ? parseDuration(rv) : Number(rv);
        if (n === undefined || Number.isNaN(n)) throw oortError('RULE', `restartStrategy.${rk} must be a number`);
        (rs as unknown as Record<string, number>)[rk] = n;
      }
      base.restartStrategy = rs;
    } else if (k === 'bufferLength' || k === 'concurrency' || k === 'qos') {
      const n = Number(v);
      if (!Number.isInteger(n)) throw oortError('RULE', `option ${k} must be an integer`);
      base[k] = k === 'qos' ? n : n <= 0 ? DEFAULT_RULE_OPTIONS[k] : n;
    } else {
      base[k] = v;
    }
  }
  if (base.qos < 0 || base.qos > 2) throw oortError('RULE', 'option qos must be 0, 1 or 2');
  // refused rather than ignored: a scheduled rule that ran all the time would surprise its owner
  for (const k of ['cron', 'duration', 'cronDatetimeRange'] as const) {
    const v = base[k];
    if (v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)) {
      throw oortError('RULE', `option ${k}: scheduled rules are not supported yet; start and stop the rule through the REST API instead`);
    }
  }
  return base;
}
