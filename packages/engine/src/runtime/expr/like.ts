/**
 * LIKE patterns as eKuiper compiles them (`ast.LikePattern.Compile`): `%` → any run,
 * `_` → one character, `\%` and `\_` are kept escaped, and then every backslash is doubled.
 * So `\_` matches a backslash followed by `_` (eKuiper's own test: `"str\\_ng"` matches the
 * text `str\_ng`, not `str_ng`), and other regex metacharacters are not escaped (a quirk we
 * keep). The match is anchored and case-sensitive.
 */
export function likeToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === '%' || next === '_') {
        out += '\\\\' + next;
        i++;
      } else {
        out += '\\\\';
      }
    } else if (c === '%') {
      out += '.*';
    } else if (c === '_') {
      out += '.';
    } else {
      out += c;
    }
  }
  const source = '^' + out + '$';
  try {
    return new RegExp(source, 'u');
  } catch {
    try {
      return new RegExp(source);
    } catch (err) {
      throw new Error(`error parsing regexp: ${(err as Error).message}: \`${source}\``);
    }
  }
}
