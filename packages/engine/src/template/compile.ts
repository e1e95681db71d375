import { isMap, typeName } from '../runtime/value.js';
import type { Command, Operand, Pipe, TNode } from './ast.js';
import { BUILTIN_FUNCS, truth, type TemplateFunc } from './funcs.js';
import { printValue } from './go-format.js';
import { TemplateSyntaxError } from './lexer.js';
import { parseTemplate } from './parser.js';

interface Scope {
  names: string[];
  values: unknown[];
}
type Eval = (dot: unknown, s: Scope) => unknown;
/** Returns a loop signal: 0 go on, 1 break, 2 continue. */
type Exec = (out: string[], dot: unknown, s: Scope) => number;

export interface TemplateOptions {
  /** Extra functions (or overrides), e.g. eKuiper's `prop`. */
  funcs?: Record<string, TemplateFunc>;
}

function field(v: unknown, name: string): unknown {
  if (v === undefined || v === null) return undefined;
  if (isMap(v)) return v[name];
  throw new Error(`can't evaluate field ${name} in type ${typeName(v)}`);
}

function chain(names: string[]): (v: unknown) => unknown {
  if (names.length === 0) return (v) => v;
  if (names.length === 1) {
    const n = names[0]!;
    return (v) => field(v, n);
  }
  return (v) => {
    for (const n of names) v = field(v, n);
    return v;
  };
}

function lookupVar(s: Scope, name: string): number {
  for (let i = s.names.length - 1; i >= 0; i--) if (s.names[i] === name) return i;
  throw new Error(`undefined variable: ${name}`);
}

class Compiler {
  constructor(private readonly funcs: Record<string, TemplateFunc>) {}

  list(nodes: TNode[]): Exec {
    const execs = nodes.map((n) => this.node(n));
    if (execs.length === 1) return execs[0]!;
    return (out, dot, s) => {
      for (const e of execs) {
        const sig = e(out, dot, s);
        if (sig) return sig;
      }
      return 0;
    };
  }

  private node(n: TNode): Exec {
    switch (n.k) {
      case 'text': {
        const t = n.text;
        return (out) => (out.push(t), 0);
      }
      case 'action': {
        const pipe = this.pipe(n.pipe);
        if (n.pipe.decl.length) return (_o, dot, s) => (pipe(dot, s), 0);
        return (out, dot, s) => (out.push(printValue(pipe(dot, s))), 0);
      }
      case 'break':
        return () => 1;
      case 'continue':
        return () => 2;
      case 'if':
      case 'with': {
        const pipe = this.pipe(n.pipe);
        const body = this.list(n.list);
        const alt = n.elseList ? this.list(n.elseList) : undefined;
        const isWith = n.k === 'with';
        return (out, dot, s) => {
          const mark = s.names.length;
          const v = pipe(dot, s);
          let sig = 0;
          if (truth(v)) sig = body(out, isWith ? v : dot, s);
          else if (alt) sig = alt(out, dot, s);
          s.names.length = mark;
          s.values.length = mark;
          return sig;
        };
      }
      case 'range':
        return this.range(n.pipe, n.list, n.elseList);
    }
  }

  private range(p: Pipe, list: TNode[], elseList: TNode[] | undefined): Exec {
    const decl = p.decl;
    const pipe = this.pipe({ ...p, decl: [] });
    const body = this.list(list);
    const alt = elseList ? this.list(elseList) : undefined;
    return (out, dot, s) => {
      const mark = s.names.length;
      const v = pipe(dot, s);
      let entries: [unknown, unknown][];
      if (Array.isArray(v)) entries = v.map((e, i) => [BigInt(i), e]);
      else if (isMap(v)) entries = Object.keys(v).sort().map((k) => [k, v[k]]);
      else if (typeof v === 'bigint') entries = Array.from({ length: Number(v) }, (_x, i) => [BigInt(i), BigInt(i)]);
      else if (v === undefined || v === null) entries = [];
      else throw new Error(`range can't iterate over ${printValue(v)}`);
      if (entries.length === 0) {
        const sig = alt ? alt(out, dot, s) : 0;
        s.names.length = s.values.length = mark;
        return sig;
      }
      for (const [k, e] of entries) {
        s.names.length = s.values.length = mark;
        if (decl.length === 1) {
          s.names.push(decl[0]!);
          s.values.push(e);
        } else if (decl.length === 2) {
          s.names.push(decl[0]!, decl[1]!);
          s.values.push(k, e);
        }
        const sig = body(out, e, s);
        if (sig === 1) break;
      }
      s.names.length = s.values.length = mark;
      return 0;
    };
  }

  pipe(p: Pipe): Eval {
    const cmds = p.cmds.map((c, i) => this.command(c, i > 0));
    let run: Eval;
    if (cmds.length === 1) {
      const c = cmds[0]!;
      run = (dot, s) => c(dot, s, undefined);
    } else {
      run = (dot, s) => {
        let v: unknown = cmds[0]!(dot, s, undefined);
        for (let i = 1; i < cmds.length; i++) v = cmds[i]!(dot, s, v);
        return v;
      };
    }
    if (!p.decl.length) return run;
    const name = p.decl[0]!;
    if (p.assign) {
      return (dot, s) => {
        const v = run(dot, s);
        s.values[lookupVar(s, name)] = v;
        return v;
      };
    }
    return (dot, s) => {
      const v = run(dot, s);
      s.names.push(name);
      s.values.push(v);
      return v;
    };
  }

  /** `piped` commands receive the previous command's value as their last argument. */
  private command(c: Command, piped: boolean): (dot: unknown, s: Scope, prev: unknown) => unknown {
    const head = c.args[0]!;
    if (head.k === 'ident') {
      const name = head.name;
      const args = c.args.slice(1).map((a) => this.operand(a));
      if (name === 'and' || name === 'or') {
        const isAnd = name === 'and';
        return (dot, s, prev) => {
          const thunks: (() => unknown)[] = args.map((a) => () => a(dot, s));
          if (piped) thunks.push(() => prev);
          let v: unknown;
          for (const t of thunks) {
            v = t();
            if (truth(v) !== isAnd) return v;
          }
          return v;
        };
      }
      const fn = this.funcs[name];
      if (!fn) throw new TemplateSyntaxError(`function "${name}" not defined`);
      if (args.length === 0) return piped ? (_d, _s, prev) => fn([prev]) : () => fn([]);
      if (args.length === 1) {
        const a0 = args[0]!;
        return piped ? (d, s, prev) => fn([a0(d, s), prev]) : (d, s) => fn([a0(d, s)]);
      }
      return (dot, s, prev) => {
        const vals = args.map((a) => a(dot, s));
        if (piped) vals.push(prev);
        return fn(vals);
      };
    }
    if (c.args.length > 1 || piped) {
      throw new TemplateSyntaxError(`can't give argument to non-function ${describe(head)}`);
    }
    const e = this.operand(head);
    return (dot, s) => e(dot, s);
  }

  private operand(o: Operand): Eval {
    switch (o.k) {
      case 'dot':
        return (dot) => dot;
      case 'field': {
        const f = chain(o.names);
        return (dot) => f(dot);
      }
      case 'var': {
        const f = chain(o.names);
        const name = o.name;
        if (name === '$') return (_d, s) => f(s.values[0]);
        return (_d, s) => f(s.values[lookupVar(s, name)]);
      }
      case 'lit': {
        const v = o.value;
        return () => v;
      }
      case 'ident': {
        const fn = this.funcs[o.name];
        if (!fn) throw new TemplateSyntaxError(`function "${o.name}" not defined`);
        return () => fn([]);
      }
      case 'pipe': {
        const p = this.pipe(o.pipe);
        const f = chain(o.names);
        return (dot, s) => f(p(dot, s));
      }
    }
  }
}

function describe(o: Operand): string {
  switch (o.k) {
    case 'field':
      return '.' + o.names.join('.');
    case 'var':
      return o.name;
    case 'lit':
      return String(o.value);
    default:
      return o.k;
  }
}

/**
 * Compiles a Go text/template (the subset eKuiper data templates use) once into a render
 * function. Throws `TemplateSyntaxError` for bad syntax or unknown functions; the render
 * function throws `Error` for execution errors (wrong types, bad index).
 *
 * @example
 * ```ts
 * const render = compileTemplate('{{range .}}{{.id}} {{end}}');
 * render([{ id: 1 }, { id: 2 }]); // "1 2 "
 * ```
 */
export function compileTemplate(text: string, opts: TemplateOptions = {}): (data: unknown) => string {
  const funcs = opts.funcs ? { ...BUILTIN_FUNCS, ...opts.funcs } : BUILTIN_FUNCS;
  const nodes = parseTemplate(text);
  // a lone text node or a lone {{.field}} is the common case: skip the output array
  if (nodes.length === 0) return () => '';
  if (nodes.length === 1 && nodes[0]!.k === 'text') {
    const t = nodes[0]!.text;
    return () => t;
  }
  const exec = new Compiler(funcs).list(nodes);
  return (data) => {
    const out: string[] = [];
    exec(out, data, { names: ['$'], values: [data] });
    return out.length === 1 ? out[0]! : out.join('');
  };
}
