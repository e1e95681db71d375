/**
 * The SQL syntax tree. Nodes are plain readonly data with a `kind`; every node carries the
 * position of its first token. Visitors dispatch on `kind` through a `Record<Kind, ...>`
 * so a new node kind fails to compile until each visitor handles it.
 */

export interface Pos {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column (in UTF-16 code units). */
  readonly col: number;
  /** 0-based offset into the statement text. */
  readonly offset: number;
}

// ---------------------------------------------------------------- expressions

export interface IntegerLiteral { readonly kind: 'IntegerLiteral'; readonly pos: Pos; readonly value: bigint }
export interface NumberLiteral { readonly kind: 'NumberLiteral'; readonly pos: Pos; readonly value: number }
export interface StringLiteral { readonly kind: 'StringLiteral'; readonly pos: Pos; readonly value: string }
export interface BooleanLiteral { readonly kind: 'BooleanLiteral'; readonly pos: Pos; readonly value: boolean }
/** A window time unit keyword used as a function argument: DD, HH, MI, SS, MS. */
export interface TimeUnitLiteral { readonly kind: 'TimeUnitLiteral'; readonly pos: Pos; readonly unit: TimeUnit }
export type TimeUnit = 'DD' | 'HH' | 'MI' | 'SS' | 'MS';

/**
 * A column. `stream` is set for `s.col`; the analyzer turns `a.b` into a
 * {@link JsonAccess} when `a` is not a source name.
 */
export interface FieldRef { readonly kind: 'FieldRef'; readonly pos: Pos; readonly stream?: string; readonly name: string }

/** `*`, `s.*`, `* EXCEPT(a, b)`, `* REPLACE(expr AS a, ...)`. */
export interface Wildcard {
  readonly kind: 'Wildcard';
  readonly pos: Pos;
  readonly stream?: string;
  readonly except: readonly string[];
  readonly replace: readonly SelectField[];
}

/** Key of `meta(...)`: `meta(topic)`, `meta(s.topic)`, `meta(*)`, `meta(a->b)` (path). */
export interface MetaRef { readonly kind: 'MetaRef'; readonly pos: Pos; readonly stream?: string; readonly name: string; readonly path: readonly string[] }

export type BinaryOp =
  | 'OR' | 'AND'
  | '=' | '!=' | '<' | '<=' | '>' | '>='
  | '+' | '-' | '|' | '^'
  | '*' | '/' | '%' | '&';

export interface BinaryExpr { readonly kind: 'BinaryExpr'; readonly pos: Pos; readonly op: BinaryOp; readonly lhs: Expr; readonly rhs: Expr }
export interface ParenExpr { readonly kind: 'ParenExpr'; readonly pos: Pos; readonly expr: Expr }
/** `a->b` (and `a.b` when `a` is not a source). */
export interface JsonAccess { readonly kind: 'JsonAccess'; readonly pos: Pos; readonly expr: Expr; readonly key: string }
/** `a[i]`. */
export interface IndexExpr { readonly kind: 'IndexExpr'; readonly pos: Pos; readonly expr: Expr; readonly index: Expr }
/** `a[s:e]`, `a[s:]`, `a[:e]`, `a[:]`, `a[]`. */
export interface SliceExpr { readonly kind: 'SliceExpr'; readonly pos: Pos; readonly expr: Expr; readonly start?: Expr; readonly end?: Expr }

/** `f(args) [FILTER (WHERE c)] [OVER ([PARTITION BY ...] [ORDER BY ...] [WHEN c])]`. Name is lowercased. */
export interface Call {
  readonly kind: 'Call';
  readonly pos: Pos;
  readonly name: string;
  readonly args: readonly Expr[];
  readonly over?: OverClause;
}
export interface OverClause { readonly partitionBy: readonly Expr[]; readonly orderBy: readonly SortField[]; readonly when?: Expr }

/** `CASE [value] WHEN a THEN b ... [ELSE e] END`. */
export interface CaseExpr {
  readonly kind: 'CaseExpr';
  readonly pos: Pos;
  readonly value?: Expr;
  readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
  readonly else?: Expr;
}
/** `x [NOT] IN (a, b)` (list) or `x [NOT] IN arrExpr`. */
export interface InExpr { readonly kind: 'InExpr'; readonly pos: Pos; readonly expr: Expr; readonly not: boolean; readonly list?: readonly Expr[]; readonly array?: Expr }
export interface BetweenExpr { readonly kind: 'BetweenExpr'; readonly pos: Pos; readonly expr: Expr; readonly not: boolean; readonly low: Expr; readonly high: Expr }
export interface LikeExpr { readonly kind: 'LikeExpr'; readonly pos: Pos; readonly expr: Expr; readonly not: boolean; readonly pattern: Expr }

export type Expr =
  | IntegerLiteral | NumberLiteral | StringLiteral | BooleanLiteral | TimeUnitLiteral
  | FieldRef | Wildcard | MetaRef
  | BinaryExpr | ParenExpr | JsonAccess | IndexExpr | SliceExpr
  | Call | CaseExpr | InExpr | BetweenExpr | LikeExpr;

export type ExprKind = Expr['kind'];

// ---------------------------------------------------------------- SELECT

export interface SelectField {
  readonly pos: Pos;
  readonly expr: Expr;
  readonly alias?: string;
  readonly invisible: boolean;
  /**
   * Output column name: the alias; else the column name for a plain column; else the
   * function name for a call; else `kuiper_field_<n>` (n counts unnamed fields from 0).
   */
  readonly name: string;
}

export interface SourceRef { readonly pos: Pos; readonly name: string; readonly alias?: string }

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS';
export interface Join { readonly pos: Pos; readonly type: JoinType; readonly source: SourceRef; readonly on?: Expr }

export type WindowType = 'tumbling' | 'hopping' | 'sliding' | 'session' | 'count' | 'state';

/** A window in GROUP BY. Lengths are in milliseconds for time windows, rows for count windows. */
export interface WindowSpec {
  readonly kind: 'Window';
  readonly pos: Pos;
  readonly type: WindowType;
  readonly unit?: TimeUnit;
  /** tumbling/hopping/sliding length; session max duration; count window size. */
  readonly length?: number;
  /** hopping hop; session timeout; count window hop. */
  readonly interval?: number;
  /** sliding delay. */
  readonly delay?: number;
  /** state window: single condition or begin condition. */
  readonly beginCond?: Expr;
  /** state window: emit condition (two-argument form). */
  readonly emitCond?: Expr;
  /** `FILTER (WHERE ...)` after the window. */
  readonly filter?: Expr;
  /** `OVER (WHEN ...)` trigger condition (sliding). */
  readonly trigger?: Expr;
  /** `OVER (PARTITION BY ...)` (state window). */
  readonly partitionBy: readonly Expr[];
}

export interface SortField { readonly pos: Pos; readonly expr: Expr; readonly ascending: boolean }

export interface SelectStatement {
  readonly kind: 'Select';
  readonly pos: Pos;
  readonly fields: readonly SelectField[];
  readonly from: SourceRef;
  readonly joins: readonly Join[];
  readonly where?: Expr;
  /** GROUP BY expressions other than the window. */
  readonly dimensions: readonly Expr[];
  readonly window?: WindowSpec;
  readonly having?: Expr;
  readonly orderBy: readonly SortField[];
  readonly limit?: number;
}

// ---------------------------------------------------------------- DDL and commands

export type FieldType =
  | { readonly type: 'bigint' | 'float' | 'string' | 'datetime' | 'boolean' | 'bytea' }
  | { readonly type: 'array'; readonly element: FieldType }
  | { readonly type: 'struct'; readonly fields: readonly StreamField[] };

export interface StreamField { readonly name: string; readonly fieldType: FieldType; readonly default?: unknown }

/**
 * `CREATE STREAM|TABLE name (fields) WITH (...)`. `fields` is empty for a schemaless stream.
 * Option keys are uppercased (`DATASOURCE`, `FORMAT`, ...); values are the unquoted strings
 * (`TRUE`/`FALSE` bare tokens become "true"/"false").
 */
export interface CreateStreamStatement {
  readonly kind: 'CreateStream';
  readonly pos: Pos;
  readonly streamType: 'stream' | 'table';
  readonly name: string;
  readonly fields: readonly StreamField[];
  readonly options: Readonly<Record<string, string>>;
}

export interface ShowStatement { readonly kind: 'Show'; readonly pos: Pos; readonly target: 'streams' | 'tables' }
export interface DescribeStatement { readonly kind: 'Describe'; readonly pos: Pos; readonly target: 'stream' | 'table'; readonly name: string }
export interface ExplainStatement { readonly kind: 'Explain'; readonly pos: Pos; readonly target: 'stream' | 'table'; readonly name: string }
export interface DropStatement { readonly kind: 'Drop'; readonly pos: Pos; readonly target: 'stream' | 'table'; readonly name: string }

export type Statement = SelectStatement | CreateStreamStatement | ShowStatement | DescribeStatement | ExplainStatement | DropStatement;
