/** Real statements the fuzzer mutates: rule SQL in eKuiper's dialect and stream DDL. */
export const RULE_SQL: readonly string[] = [
  'SELECT * FROM demo',
  'SELECT temperature, humidity FROM demo WHERE temperature > 30',
  'SELECT count(*) AS c, avg(temperature) AS t FROM demo GROUP BY TumblingWindow(ss, 10)',
  'SELECT deviceId, max(temperature) FROM demo GROUP BY deviceId, HoppingWindow(ss, 10, 5) HAVING max(temperature) > 20',
  "SELECT * FROM demo WHERE name LIKE 'abc%' AND size BETWEEN 1 AND 10",
  'SELECT CASE WHEN size > 5 THEN "big" WHEN size > 2 THEN "medium" ELSE "small" END AS kind FROM demo',
  'SELECT demo.id, t.name FROM demo INNER JOIN t ON demo.id = t.id GROUP BY TumblingWindow(ss, 1)',
  'SELECT a->b->c AS deep, arr[0] AS first, arr[1:3] AS slice FROM demo',
  'SELECT collect(*)[0]->temperature AS t FROM demo GROUP BY CountWindow(5)',
  "SELECT format_time(ts, 'yyyy-MM-dd HH:mm:ss') AS f, abs(-1.5e3) AS a FROM demo",
  'SELECT lag(temperature) OVER (PARTITION BY deviceId) AS prev FROM demo',
  'SELECT * FROM demo GROUP BY SessionWindow(mi, 2, 1) ORDER BY ts DESC LIMIT 3',
  'SELECT unnest(arr) FROM demo',
  "SELECT temperature * 1.8 + 32 AS f FROM demo WHERE deviceId IN ('a', 'b') AND NOT (x IS NULL)",
  'SELECT row_number() AS r, window_start() AS s, window_end() AS e FROM demo GROUP BY SlidingWindow(ss, 10) FILTER (WHERE x > 1)',
];

export const STREAM_SQL: readonly string[] = [
  'CREATE STREAM demo () WITH (DATASOURCE="demo", FORMAT="json")',
  'CREATE STREAM demo2 (id BIGINT, name STRING, size FLOAT, ok BOOLEAN, ts DATETIME) WITH (DATASOURCE="d/2", FORMAT="JSON", TIMESTAMP="ts", KEY="id")',
  'CREATE STREAM demo3 (a STRUCT(b BIGINT, c ARRAY(STRING)), raw BYTEA) WITH (TYPE="memory", DATASOURCE="m/#", SHARED="true")',
  'CREATE TABLE t (id BIGINT, name STRING) WITH (DATASOURCE="lookup.json", TYPE="file", KIND="scan")',
  'CREATE STREAM csv4 () WITH (DATASOURCE="c", FORMAT="delimited", DELIMITER=";", CONF_KEY="default")',
];

/** Fragments the mutator inserts: keywords, operators, literals and troublemakers. */
export const FRAGMENTS: readonly string[] = [
  'SELECT', 'FROM', 'WHERE', 'GROUP BY', 'HAVING', 'ORDER BY', 'LIMIT', 'JOIN', 'ON', 'AS', 'AND', 'OR', 'NOT', 'CASE', 'END',
  'OVER', 'PARTITION BY', 'FILTER', 'WITH', 'CREATE STREAM', 'TumblingWindow(', 'count(', ')', '(', ',', '*', '->', '[', ']', ':',
  '"', "'", '`', '\\', '.', ';', '=', '!=', '<>', '<=', '>=', '+', '-', '/', '%', '&', '|', '^', '~',
  '9223372036854775808', '-9223372036854775809', '1e999', '0x', '.e', 'NULL', 'true', '$', '@', '#', '{{.x}}',
  '\u0000', '\u202e', '\ud83d', '😀', '\n', '\t', ' ', '/*', '*/', '--', 'ss, -1', 'ss, 0', 'ss, 1e20', 'DATASOURCE=', 'FORMAT="x"',
];
