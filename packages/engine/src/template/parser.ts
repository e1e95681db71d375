import type { Command, Operand, Pipe, TNode } from './ast.js';
import { segment, TemplateSyntaxError, type Segment, type Token } from './lexer.js';

type Stop = { kind: 'end' } | { kind: 'else'; rest: Token[] } | { kind: 'eof' };

/** Parses template text into a node list. Throws TemplateSyntaxError. */
export function parseTemplate(src: string): TNode[] {
  const p = new Parser(segment(src));
  const { nodes, stop } = p.list();
  if (stop.kind !== 'eof') throw new TemplateSyntaxError(`unexpected {{${stop.kind}}}`);
  return nodes;
}

class Parser {
  private i = 0;
  constructor(private readonly segs: Segment[]) {}

  list(): { nodes: TNode[]; stop: Stop } {
    const nodes: TNode[] = [];
    while (this.i < this.segs.length) {
      const seg = this.segs[this.i++]!;
      if (seg.kind === 'text') {
        nodes.push({ k: 'text', text: seg.text });
        continue;
      }
      const toks = seg.tokens;
      const head = toks[0];
      if (!head) throw new TemplateSyntaxError(`missing value for command at ${seg.pos}`);
      if (head.t === 'ident') {
        switch (head.name) {
          case 'end':
            return { nodes, stop: { kind: 'end' } };
          case 'else':
            return { nodes, stop: { kind: 'else', rest: toks.slice(1) } };
          case 'if':
          case 'with':
          case 'range':
            nodes.push(this.control(head.name, toks.slice(1)));
            continue;
          case 'break':
          case 'continue':
            nodes.push({ k: head.name });
            continue;
          case 'define':
          case 'template':
          case 'block':
            throw new TemplateSyntaxError(`{{${head.name}}} is not supported`);
        }
      }
      nodes.push({ k: 'action', pipe: pipeline(toks, true) });
    }
    return { nodes, stop: { kind: 'eof' } };
  }

  private control(kind: 'if' | 'with' | 'range', toks: Token[]): TNode {
    const pipe = pipeline(toks, true);
    const { nodes, stop } = this.list();
    if (stop.kind === 'eof') throw new TemplateSyntaxError(`unexpected EOF: missing {{end}} for {{${kind}}}`);
    let elseList: TNode[] | undefined;
    if (stop.kind === 'else') {
      const first = stop.rest[0];
      if (first && first.t === 'ident' && (first.name === 'if' || first.name === 'with') && kind !== 'range') {
        // `{{else if}}` chains share the final {{end}}
        elseList = [this.control(first.name, stop.rest.slice(1))];
      } else {
        if (stop.rest.length) throw new TemplateSyntaxError('unexpected tokens after {{else}}');
        const tail = this.list();
        if (tail.stop.kind !== 'end') throw new TemplateSyntaxError(`missing {{end}} for {{${kind}}}`);
        elseList = tail.nodes;
      }
    }
    return { k: kind, pipe, list: nodes, elseList };
  }
}

function pipeline(toks: Token[], allowDecl: boolean): Pipe {
  let pos = 0;
  const decl: string[] = [];
  let assign = false;
  if (allowDecl) {
    // `$x :=`, `$i, $e :=`, `$x =`
    let k = 0;
    const vars: string[] = [];
    while (toks[k]?.t === 'var' && (toks[k] as { names: string[] }).names.length === 0) {
      vars.push((toks[k] as { name: string }).name);
      const next = toks[k + 1];
      if (next?.t === 'op' && next.op === ',') k += 2;
      else {
        k++;
        break;
      }
    }
    const op = toks[k];
    if (vars.length && op?.t === 'op' && (op.op === ':=' || op.op === '=')) {
      decl.push(...vars);
      assign = op.op === '=';
      pos = k + 1;
    }
  }
  const cmds: Command[] = [];
  let args: Operand[] = [];
  const end = toks.length;
  while (pos < end) {
    const tok = toks[pos]!;
    if (tok.t === 'op' && tok.op === '|') {
      if (!args.length) throw new TemplateSyntaxError('missing command before |');
      cmds.push({ args });
      args = [];
      pos++;
      continue;
    }
    const [operand, next] = operandAt(toks, pos);
    args.push(operand);
    pos = next;
  }
  if (args.length) cmds.push({ args });
  if (!cmds.length) throw new TemplateSyntaxError('missing value for command');
  return { decl, assign, cmds };
}

function operandAt(toks: Token[], pos: number): [Operand, number] {
  const tok = toks[pos]!;
  switch (tok.t) {
    case 'field':
      return [{ k: 'field', names: tok.names }, pos + 1];
    case 'dot':
      return [{ k: 'dot' }, pos + 1];
    case 'var':
      return [{ k: 'var', name: tok.name, names: tok.names }, pos + 1];
    case 'lit':
      return [{ k: 'lit', value: tok.value }, pos + 1];
    case 'ident':
      return [{ k: 'ident', name: tok.name }, pos + 1];
    case 'op': {
      if (tok.op !== '(') throw new TemplateSyntaxError(`unexpected "${tok.op}" in command`);
      let depth = 0;
      let k = pos;
      for (; k < toks.length; k++) {
        const t = toks[k]!;
        if (t.t === 'op' && t.op === '(') depth++;
        else if (t.t === 'op' && t.op === ')' && --depth === 0) break;
      }
      if (k >= toks.length) throw new TemplateSyntaxError('unclosed left paren');
      const inner = pipeline(toks.slice(pos + 1, k), false);
      const after = toks[k + 1];
      if (after && after.t === 'field' && !after.space) return [{ k: 'pipe', pipe: inner, names: after.names }, k + 2];
      return [{ k: 'pipe', pipe: inner, names: [] }, k + 1];
    }
  }
}
