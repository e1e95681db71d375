/**
 * Output names of a SELECT's fields read from the SQL text, for when the engine does not
 * offer `ruleSchema`: top-level commas between SELECT and FROM split the fields; a field is
 * named by its alias, else its column, else its function name, else `kuiper_field_<n>` (the
 * parser's rules). Wildcards come back as `*`. The rule was validated when it was stored, so
 * the text is well formed.
 */
export function selectFieldNames(sql: string): { name: string; invisible: boolean }[] {
  let unnamed = 0;
  return selectItems(sql).map((item) => ({ name: nameOf(item), invisible: /\sINVISIBLE\s*$/i.test(item) }));

  function nameOf(item: string): string {
    const alias = /\s+AS\s+(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)\s*(?:INVISIBLE\s*)?$/i.exec(item);
    if (alias) return unquote(alias[1]!);
    const expr = item.replace(/\s+INVISIBLE\s*$/i, '').trim();
    if (/^(?:[A-Za-z_][A-Za-z0-9_]*\.)?\*$/.test(expr)) return '*';
    const col = /^(?:(?:`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)\.)?(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)$/.exec(expr);
    if (col) return unquote(col[1]!);
    const call = /^([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(expr);
    if (call && closesAtEnd(expr, call[0].length - 1)) return call[1]!;
    return `kuiper_field_${unnamed++}`;
  }
}

function unquote(s: string): string {
  return s.startsWith('`') ? s.slice(1, -1) : s;
}

/** Whether the parenthesis at `open` is closed by the last character. */
function closesAtEnd(s: string, open: number): boolean {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === "'" || ch === '"' || ch === '`') i = skipQuoted(s, i);
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i === s.length - 1;
  }
  return false;
}

function skipQuoted(s: string, i: number): number {
  const q = s[i]!;
  for (let j = i + 1; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === q) return j;
  }
  return s.length;
}

function selectItems(sql: string): string[] {
  const m = /^\s*SELECT\s+/i.exec(sql);
  if (!m) return [];
  const items: string[] = [];
  let depth = 0;
  let start = m[0].length;
  for (let i = start; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"' || ch === '`') i = skipQuoted(sql, i);
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (depth === 0 && ch === ',') {
      items.push(sql.slice(start, i).trim());
      start = i + 1;
    } else if (depth === 0 && /\s/.test(ch) && /^\s+FROM\b/i.test(sql.slice(i))) {
      items.push(sql.slice(start, i).trim());
      return items.filter((x) => x !== '');
    }
  }
  items.push(sql.slice(start).trim());
  return items.filter((x) => x !== '');
}
