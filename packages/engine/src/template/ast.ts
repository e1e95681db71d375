/** Parsed Go template: plain data, compiled to closures by compile.ts. */

export type Operand =
  | { k: 'field'; names: string[] }
  | { k: 'dot' }
  | { k: 'var'; name: string; names: string[] }
  | { k: 'lit'; value: unknown }
  | { k: 'ident'; name: string }
  | { k: 'pipe'; pipe: Pipe; names: string[] };

export interface Command {
  args: Operand[];
}

export interface Pipe {
  decl: string[];
  /** `=` instead of `:=`: assigns existing variables. */
  assign: boolean;
  cmds: Command[];
}

export type TNode =
  | { k: 'text'; text: string }
  | { k: 'action'; pipe: Pipe }
  | { k: 'if' | 'with' | 'range'; pipe: Pipe; list: TNode[]; elseList: TNode[] | undefined }
  | { k: 'break' | 'continue' };
