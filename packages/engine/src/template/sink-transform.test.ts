import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileSinkTransform } from './sink-transform.js';

const rows = [
  { id: 1, name: 'a', t: 20.5 },
  { id: 2, name: 'b', t: 30 },
];
const text = (b: Uint8Array | undefined) => Buffer.from(b!).toString('utf8');

describe('compileSinkTransform', () => {
  it('sends the whole result as one JSON array by default', () => {
    const items = compileSinkTransform({}, 'bytes')(rows);
    assert.equal(items.length, 1);
    assert.equal(text(items[0]!.payload), JSON.stringify(rows));
  });

  it('sends one item per row with sendSingle', () => {
    const items = compileSinkTransform({ sendSingle: true }, 'bytes')(rows);
    assert.deepEqual(items.map((i) => text(i.payload)), [JSON.stringify(rows[0]), JSON.stringify(rows[1])]);
  });

  it('omits empty results with omitIfEmpty', () => {
    assert.equal(compileSinkTransform({ omitIfEmpty: true }, 'bytes')([]).length, 0);
    assert.equal(compileSinkTransform({}, 'bytes')([]).length, 1);
    assert.equal(compileSinkTransform({ omitIfEmpty: true, sendSingle: true }, 'bytes')([{}, { a: 1 }]).length, 1);
  });

  it('sends template output as is for text formats', () => {
    const items = compileSinkTransform({ sendSingle: true, dataTemplate: 'id={{.id}}' }, 'bytes')(rows);
    assert.deepEqual(items.map((i) => text(i.payload)), ['id=1', 'id=2']);
  });

  it('applies the template to the array without sendSingle', () => {
    const items = compileSinkTransform({ dataTemplate: '{{len .}}' }, 'bytes')(rows);
    assert.equal(text(items[0]!.payload), '2');
  });

  it('parses template output back as JSON before selecting fields', () => {
    const items = compileSinkTransform({ sendSingle: true, dataTemplate: '{"v":{{.t}},"k":"{{.name}}"}', fields: ['v'] }, 'bytes')(rows);
    assert.deepEqual(items.map((i) => text(i.payload)), ['{"v":20.5}', '{"v":30}']);
  });

  it('reports template output that is not JSON when fields follow', () => {
    const errors: Error[] = [];
    const items = compileSinkTransform({ sendSingle: true, dataTemplate: 'x{{.id}}', fields: ['a'] }, 'bytes', (e) => errors.push(e))(rows);
    assert.equal(items.length, 0);
    assert.match(errors[0]!.message, /after applying dataTemplate/);
  });

  it('keeps only the listed fields', () => {
    const items = compileSinkTransform({ fields: ['name'] }, 'bytes')(rows);
    assert.equal(text(items[0]!.payload), '[{"name":"a"},{"name":"b"}]');
  });

  it('drops excluded fields', () => {
    const items = compileSinkTransform({ excludeFields: 'name,t', sendSingle: true }, 'bytes')(rows);
    assert.equal(text(items[0]!.payload), '{"id":1}');
  });

  it('takes dataField from the first row of an array', () => {
    const items = compileSinkTransform({ dataField: 'name' }, 'bytes')(rows);
    assert.equal(text(items[0]!.payload), '"a"');
  });

  it('takes dataField then selects fields inside it', () => {
    const items = compileSinkTransform({ sendSingle: true, dataField: 'inner', fields: ['x'] }, 'tuple')([{ inner: [{ x: 1, y: 2 }] }]);
    assert.deepEqual(items[0]!.rows, [{ x: 1 }]);
  });

  it('encodes with the delimited format in field order', () => {
    const items = compileSinkTransform({ format: 'delimited', fields: ['name', 'id'], delimiter: ';' }, 'bytes')(rows);
    assert.equal(text(items[0]!.payload), 'a;1\nb;2');
  });

  it('hands rows to tuple sinks', () => {
    assert.deepEqual(compileSinkTransform({}, 'tuple')(rows)[0]!.rows, rows);
    assert.deepEqual(compileSinkTransform({ sendSingle: true }, 'tuple')(rows).map((i) => i.rows), [[rows[0]], [rows[1]]]);
  });

  it('parses template output into rows for tuple sinks', () => {
    const items = compileSinkTransform({ sendSingle: true, dataTemplate: '{"k":{{.id}}}' }, 'tuple')(rows);
    assert.deepEqual(items[0]!.rows, [{ k: 1 }]);
  });

  it('renders dynamic props per row', () => {
    const items = compileSinkTransform({ sendSingle: true, topic: 'dev/{{.name}}', qos: 1 }, 'bytes')(rows);
    assert.deepEqual(items.map((i) => i.props.topic), ['dev/a', 'dev/b']);
    assert.equal(items[0]!.props.qos, 1);
  });

  it('renders dynamic props against the array without sendSingle', () => {
    const items = compileSinkTransform({ topic: 'dev/{{index . 0 "name"}}' }, 'bytes')(rows);
    assert.equal(items[0]!.props.topic, 'dev/a');
  });

  it('renders templated values inside object props such as headers', () => {
    const items = compileSinkTransform({ sendSingle: true, headers: { 'x-id': '{{.id}}', fixed: 'y' } }, 'bytes')(rows);
    assert.deepEqual(items[1]!.props.headers, { 'x-id': '2', fixed: 'y' });
  });

  it('shares one static props object when nothing is dynamic', () => {
    const items = compileSinkTransform({ sendSingle: true, topic: 'a' }, 'bytes')(rows);
    assert.equal(items[0]!.props, items[1]!.props);
  });

  it('does not render the data template as a dynamic prop', () => {
    const items = compileSinkTransform({ dataTemplate: '{{len .}}' }, 'bytes')(rows);
    assert.equal(items[0]!.props.dataTemplate, '{{len .}}');
  });

  it('looks up static props with prop in templates', () => {
    const items = compileSinkTransform({ sendSingle: true, unit: 'C', dataTemplate: '{{.t}}{{prop "unit"}}' }, 'bytes')(rows);
    assert.equal(text(items[0]!.payload), '20.5C');
  });

  it('refuses fields and excludeFields together', () => {
    assert.throws(() => compileSinkTransform({ fields: ['a'], excludeFields: ['b'] }, 'bytes'));
  });
});
