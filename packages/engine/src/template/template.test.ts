import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileTemplate } from './compile.js';

const row = { id: 1, name: 'ab', temp: 21.5, n: 7n, ok: true, nested: { a: { b: 'deep' } }, list: [1, 2, 3], empty: '' };
const rows = [
  { id: 1, t: 20.25 },
  { id: 2, t: 30 },
];

const cases: [string, string, unknown, string][] = [
  ['prints a field', '{{.name}}', row, 'ab'],
  ['prints a nested field', '{{.nested.a.b}}', row, 'deep'],
  ['prints floats as Go %v', '{{.temp}} {{.id}}', row, '21.5 1'],
  ['prints bigint digits', '{{.n}}', row, '7'],
  ['prints a missing key as <no value>', '{{.nope}}', row, '<no value>'],
  ['prints maps in Go syntax with sorted keys', '{{.}}', { b: 2, a: 'x' }, 'map[a:x b:2]'],
  ['prints arrays in Go syntax', '{{.list}}', row, '[1 2 3]'],
  ['indexes an array then a key', '{{index . 1 "id"}}', rows, '2'],
  ['writes JSON with json', '{{json .}}', rows, '[{"id":1,"t":20.25},{"id":2,"t":30}]'],
  ['writes JSON with toJson and bigint digits', '{{toJson .}}', { n: 5n }, '{"n":5}'],
  ['writes JSON the Go way with sorted keys and HTML escapes', '{{json .}}', { b: '<a&b>', a: [1.5, null] }, '{"a":[1.5,null],"b":"\\u003ca\\u0026b\\u003e"}'],
  ['ranges over an array', '{{range .}}{{.id}};{{end}}', rows, '1;2;'],
  ['ranges with index and element variables', '{{range $i, $e := .}}{{$i}}={{$e.id}} {{end}}', rows, '0=1 1=2 '],
  ['ranges over a map in key order', '{{range $k, $v := .}}{{$k}}{{$v}}{{end}}', { b: 2, a: 1 }, 'a1b2'],
  ['runs the else branch of an empty range', '{{range .}}x{{else}}none{{end}}', [], 'none'],
  ['takes the if branch', '{{if .ok}}yes{{else}}no{{end}}', row, 'yes'],
  ['takes the else if branch', '{{if eq .id 2}}two{{else if eq .id 1}}one{{else}}other{{end}}', row, 'one'],
  ['takes the final else branch', '{{if eq .id 2}}two{{else if eq .id 3}}three{{else}}other{{end}}', row, 'other'],
  ['treats empty strings as false', '{{if .empty}}y{{else}}n{{end}}', row, 'n'],
  ['rebinds dot with with', '{{with .nested.a}}{{.b}}{{end}}', row, 'deep'],
  ['skips with on a missing value', '{{with .nope}}x{{else}}missing{{end}}', row, 'missing'],
  ['compares numbers', '{{if and (gt .temp 20) (lt .temp 22)}}in{{end}}', row, 'in'],
  ['compares a float with an integer literal', '{{if ge .id 1}}ok{{end}}', row, 'ok'],
  ['negates with not', '{{if not .ok}}a{{else}}b{{end}}', row, 'b'],
  ['returns the first falsy or last value from and', '{{and 1 0 2}}|{{and 1 2}}', row, '0|2'],
  ['returns the first truthy value from or', '{{or .empty .name}}', row, 'ab'],
  ['formats with printf in a pipeline', '{{.temp | printf "%.2f"}}', row, '21.50'],
  ['formats several printf verbs', '{{printf "%s-%d-%v-%5.1f|%-4s|%03d" .name .n .ok .temp "x" .n}}', row, 'ab-7-true- 21.5|x   |007'],
  ['reports a float given to %d the Go way', '{{printf "%d" .id}}', row, '%!d(float64=1)'],
  ['joins print operands like Go', '{{print 1 2 "a" "b" 3}}', row, '1 2ab3'],
  ['measures with len', '{{len .list}} {{len .name}}', row, '3 2'],
  ['trims whitespace with dashes', 'a  {{- .name -}}  b', row, 'aabb'],
  ['drops comments', 'x{{/* note */}}y', row, 'xy'],
  ['applies string helpers', '{{upper .name}} {{lower "AB"}} {{trim "  x "}} {{replace "a" "z" .name}}', row, 'AB ab x zb'],
  ['tests substrings', '{{contains "b" .name}} {{hasPrefix "a" .name}} {{hasSuffix "x" .name}}', row, 'true true false'],
  ['quotes strings', '{{quote .name}}', row, '"ab"'],
  ['falls back with default', '{{default "none" .nope}} {{.empty | default "d"}} {{default "none" .name}}', row, 'none d ab'],
  ['encodes and decodes base64', '{{b64enc "hi"}} {{b64dec "aGk="}}', row, 'aGk= hi'],
  ['does integer math like sprig', '{{add 1 2}} {{sub 5 .id}} {{mul 2 3}} {{div 7 2}}', row, '3 4 6 3'],
  ['rounds floats', '{{round 3.14159 2}}', row, '3.14'],
  ['declares and uses variables', '{{$x := .name}}{{$x}}{{$x}}', row, 'abab'],
  ['reads the root through $ inside range', '{{range .list}}{{$.name}}{{end}}', row, 'ababab'],
  ['accesses a field of a parenthesized pipeline', '{{(index . 0).id}}', rows, '1'],
  ['keeps quotes with braces inside strings', '{{printf "}}%s" "x"}}', row, '}}x'],
  ['uses eq with several candidates', '{{if eq .name "x" "ab"}}hit{{end}}', row, 'hit'],
  ['builds JSON text from a range', '[{{range $i, $e := .}}{{if $i}},{{end}}{"v":{{$e.t}}}{{end}}]', rows, '[{"v":20.25},{"v":30}]'],
  ['stops a range at break', '{{range .list}}{{if eq . 2.0}}{{break}}{{end}}{{.}}{{end}}', row, '1'],
];

describe('compileTemplate', () => {
  for (const [name, text, data, want] of cases) {
    it(name, () => {
      assert.equal(compileTemplate(text)(data), want);
    });
  }

  it('rejects unknown functions at compile time', () => {
    assert.throws(() => compileTemplate('{{nosuch .}}'), /function "nosuch" not defined/);
  });

  it('rejects a missing end', () => {
    assert.throws(() => compileTemplate('{{if .a}}x'), /missing \{\{end\}\}/);
  });

  it('reports execution errors when rendering', () => {
    const t = compileTemplate('{{index . 5}}');
    assert.throws(() => t([1]), /index out of range/);
  });

  it('can be rendered many times with different data', () => {
    const t = compileTemplate('{{.a}}');
    assert.equal(t({ a: 1 }), '1');
    assert.equal(t({ a: 'x' }), 'x');
  });
});
