import type { TimeUnit, WindowType } from './ast.js';

/** Functions that keep state per row and accept `OVER (PARTITION BY ... WHEN ...)`. */
export const ANALYTIC_FUNCTIONS: ReadonlySet<string> = new Set([
  'lag', 'latest', 'changed_col', 'had_changed', 'acc_sum', 'acc_min', 'acc_max', 'acc_count', 'acc_avg',
]);

/** Window functions (numbering inside an emitted collection): `OVER (PARTITION BY ... ORDER BY ...)`. */
export const WINDOW_FUNCTIONS: ReadonlySet<string> = new Set(['row_number']);

/** Window constructors allowed in GROUP BY, by lowercased name. */
export const WINDOW_NAMES: Readonly<Record<string, WindowType>> = {
  tumblingwindow: 'tumbling',
  hoppingwindow: 'hopping',
  slidingwindow: 'sliding',
  sessionwindow: 'session',
  countwindow: 'count',
  statewindow: 'state',
};

/** Functions whose argument is a metadata key (`meta(topic)`, `mqtt(topic)`), not an expression. */
export const META_FUNCTIONS: ReadonlySet<string> = new Set(['meta', 'mqtt']);

export const TIME_UNIT_MS: Readonly<Record<TimeUnit, number>> = {
  DD: 86_400_000, HH: 3_600_000, MI: 60_000, SS: 1_000, MS: 1,
};

/** `WITH (...)` option names (`pkg/ast/token.go::StreamTokens`), in eKuiper's documentation order. */
export const STREAM_OPTIONS: readonly string[] = [
  'DATASOURCE', 'FORMAT', 'TYPE', 'KEY', 'CONF_KEY', 'EXTRA', 'SHARED', 'STRICT_VALIDATION', 'TIMESTAMP',
  'TIMESTAMP_FORMAT', 'SCHEMAID', 'DELIMITER', 'RETAIN_SIZE', 'KIND', 'VERSION', 'TEMP',
];

export const SIMPLE_TYPES = ['BIGINT', 'FLOAT', 'STRING', 'DATETIME', 'BOOLEAN', 'BYTEA'] as const;
export const FIELD_TYPE_NAMES: readonly string[] = [...SIMPLE_TYPES, 'ARRAY', 'STRUCT'];
