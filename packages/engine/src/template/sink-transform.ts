import type { Row, SinkItem } from '@oort/sdk';
import { getCodec, type Codec } from '../formats/index.js';
import { compileTemplate } from './compile.js';

/** Rule results (one emission) → the items a sink collects. */
export type SinkTransform = (rows: Row[]) => SinkItem[];

/** Properties the transform itself reads; they are never rendered as dynamic props. */
const OWN_PROPS = new Set(['dataTemplate']);

function bool(v: unknown): boolean {
  return v === true || v === 'true';
}

function strList(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.length ? v.map(String) : undefined;
  if (typeof v === 'string' && v.trim()) return v.split(',').map((s) => s.trim());
  return undefined;
}

function isEmpty(u: Row | Row[]): boolean {
  if (Array.isArray(u)) return u.length === 0;
  for (const _ in u) return false;
  return true;
}

function pick(v: unknown, f: (r: Row) => Row): unknown {
  if (Array.isArray(v)) return v.map((e) => (typeof e === 'object' && e !== null ? f(e as Row) : e));
  return typeof v === 'object' && v !== null ? f(v as Row) : v;
}

type Render = (data: unknown) => string;

/** Compiles the `{{...}}` props (top-level strings, and string values of object props such as `headers`). */
function compileDynamicProps(
  props: Record<string, unknown>,
  funcs: Record<string, (a: unknown[]) => unknown>,
): ((data: unknown, base: Record<string, unknown>) => Record<string, unknown>) | undefined {
  const top: [string, Render][] = [];
  const nested: [string, [string, Render][]][] = [];
  for (const [k, v] of Object.entries(props)) {
    if (OWN_PROPS.has(k)) continue;
    if (typeof v === 'string' && v.includes('{{')) top.push([k, compileTemplate(v, { funcs })]);
    else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const inner = Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => typeof x === 'string' && x.includes('{{'))
        .map(([ik, x]) => [ik, compileTemplate(x as string, { funcs })] as [string, Render]);
      if (inner.length) nested.push([k, inner]);
    }
  }
  if (!top.length && !nested.length) return undefined;
  return (data, base) => {
    const out = { ...base };
    for (const [k, r] of top) out[k] = r(data);
    for (const [k, inner] of nested) {
      const o = { ...(base[k] as Record<string, unknown>) };
      for (const [ik, r] of inner) o[ik] = r(data);
      out[k] = o;
    }
    return out;
  };
}

/**
 * Compiles an action's common properties into the transform eKuiper applies before a sink
 * (its `internal/topo/transform`): `sendSingle` splits the result into one item per row,
 * `omitIfEmpty` drops empty results, `dataTemplate` renders each unit, then `dataField`
 * picks a key and `fields`/`excludeFields` keep or drop keys (template output is parsed back
 * as JSON when any of these follow it), and byte sinks encode with `format`. Props holding
 * `{{...}}` are rendered per item against that item's data.
 *
 * Errors on one unit (bad template output) are passed to `onError` and the unit is skipped;
 * without `onError` they are thrown.
 *
 * @example
 * ```ts
 * const t = compileSinkTransform({ sendSingle: true, topic: 'dev/{{.id}}' }, 'bytes');
 * t([{ id: 1 }]); // [{ payload: <{"id":1}>, props: { sendSingle: true, topic: 'dev/1' } }]
 * ```
 */
export function compileSinkTransform(
  props: Record<string, unknown>,
  sinkKind: 'bytes' | 'tuple',
  onError?: (err: Error) => void,
): SinkTransform {
  const staticProps: Record<string, unknown> = { ...props };
  const funcs = { prop: (a: unknown[]) => staticProps[String(a[0])] ?? a[0] };
  const sendSingle = bool(props.sendSingle);
  const omitIfEmpty = bool(props.omitIfEmpty);
  const tmplText = typeof props.dataTemplate === 'string' ? props.dataTemplate : '';
  const tmpl = tmplText ? compileTemplate(tmplText, { funcs }) : undefined;
  const fields = strList(props.fields);
  const excludeFields = strList(props.excludeFields);
  const dataField = (typeof props.dataField === 'string' && props.dataField) || (typeof props.tableDataField === 'string' && props.tableDataField) || '';
  if (fields && excludeFields) throw new Error('fields and excludeFields cannot be set together');
  const selects = !!(fields || excludeFields || dataField);
  const format = typeof props.format === 'string' && props.format ? props.format : 'json';
  const codec: Codec | undefined =
    sinkKind === 'bytes'
      ? getCodec(format, {
          delimiter: typeof props.delimiter === 'string' ? props.delimiter : undefined,
          hasHeader: bool(props.hasHeader),
          fields,
        })
      : undefined;
  const dynamic = compileDynamicProps(props, funcs);

  const keep = fields
    ? (r: Row) => {
        const o: Row = {};
        for (const f of fields) if (f in r) o[f] = r[f];
        return o;
      }
    : excludeFields
      ? (r: Row) => {
          const o: Row = { ...r };
          for (const f of excludeFields) delete o[f];
          return o;
        }
      : undefined;

  const one = (unit: Row | Row[]): SinkItem => {
    const itemProps = dynamic ? dynamic(unit, staticProps) : staticProps;
    let data: unknown = unit;
    if (tmpl) {
      const text = tmpl(unit);
      if (codec && !selects) return { payload: Buffer.from(text, 'utf8'), props: itemProps };
      try {
        data = JSON.parse(text);
      } catch (e) {
        throw new Error(`fail to decode data ${text} after applying dataTemplate for error ${(e as Error).message}`);
      }
    }
    if (dataField) {
      const src = Array.isArray(data) ? data[0] : data;
      data = typeof src === 'object' && src !== null ? (src as Row)[dataField] : undefined;
    }
    if (keep) data = pick(data, keep);
    if (codec) return { payload: codec.encode(data as Row | Row[]), props: itemProps };
    if (Array.isArray(data)) {
      if (!data.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) throw new Error('the sink needs rows (JSON objects) but got ' + JSON.stringify(data));
      return { rows: data as Row[], props: itemProps };
    }
    if (typeof data !== 'object' || data === null) throw new Error('the sink needs rows (JSON objects) but got ' + String(data));
    return { rows: [data as Row], props: itemProps };
  };

  const guarded = (unit: Row | Row[], out: SinkItem[]): void => {
    if (omitIfEmpty && isEmpty(unit)) return;
    if (!onError) {
      out.push(one(unit));
      return;
    }
    try {
      out.push(one(unit));
    } catch (e) {
      onError(e instanceof Error ? e : new Error(String(e)));
    }
  };

  if (!sendSingle) {
    return (rows) => {
      const out: SinkItem[] = [];
      guarded(rows, out);
      return out;
    };
  }
  return (rows) => {
    const out: SinkItem[] = [];
    for (const r of rows) guarded(r, out);
    return out;
  };
}
