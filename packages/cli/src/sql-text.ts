// Small SQL text helpers for the CLI: statement splitting, comparison and naming.
/**
 * Split a .sql file into statements on `;`, ignoring semicolons inside quotes and
 * dropping `--` and `/* *\/` comments. Just enough lexing for DDL files kept in git;
 * the server parses each statement for real.
 */
export function splitSqlStatements(text: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      current += ' ';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < n && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      current += text.slice(i, Math.min(j + 1, n));
      i = j + 1;
      continue;
    }
    if (c === ';') {
      if (current.trim() !== '') statements.push(current.trim());
      current = '';
      i++;
      continue;
    }
    current += c;
    i++;
  }
  if (current.trim() !== '') statements.push(current.trim());
  return statements;
}

/** Whitespace-insensitive form used to decide whether a stored statement changed. */
export function normalizeStatement(sql: string): string {
  return splitSqlStatements(sql).join('; ').replace(/\s+/g, ' ').replace(/\s*([(),=])\s*/g, '$1').trim();
}

const CREATE_RE = /^\s*create\s+(stream|table)\b/i;
const TARGET_RE = /^\s*create\s+(stream|table)\s+(?:`([^`]+)`|([A-Za-z0-9_-]+))/i;

/**
 * Turn what the user typed into a full `CREATE STREAM|TABLE` statement. eKuiper's CLI
 * accepts `create stream demo '(id bigint) WITH (...)'` and files holding `demo (...)
 * WITH (...)`; users also paste the whole statement. All three forms are accepted.
 */
export function toCreateStatement(kind: 'stream' | 'table', name: string | undefined, def: string): string {
  const body = def.trim().replace(/;\s*$/, '').trim();
  if (CREATE_RE.test(body)) return body;
  const keyword = `CREATE ${kind.toUpperCase()}`;
  if (name === undefined) return `${keyword} ${body}`;
  const startsWithName = body.startsWith(name) && /^[\s(]|^$/.test(body.slice(name.length));
  return startsWithName ? `${keyword} ${body}` : `${keyword} ${name} ${body}`;
}

/** The kind and name a CREATE statement defines, or undefined for anything else. */
export function statementTarget(sql: string): { kind: 'stream' | 'table'; name: string } | undefined {
  const m = TARGET_RE.exec(sql);
  if (!m) return undefined;
  return { kind: m[1]!.toLowerCase() as 'stream' | 'table', name: (m[2] ?? m[3])! };
}
