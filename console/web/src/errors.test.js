// node --test src/errors.test.js (node's own runner, no package needed)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapFieldErrors, parseFieldPath } from './errors.js';

test('field paths as the API server prints them', () => {
  assert.deepEqual(parseFieldPath('spec.sentinel.quorum'), ['spec', 'sentinel', 'quorum']);
  assert.deepEqual(parseFieldPath('spec.config[hz]'), ['spec', 'config', 'hz']);
  assert.deepEqual(parseFieldPath('spec.items[0].x'), ['spec', 'items', '0', 'x']);
  assert.deepEqual(parseFieldPath('spec.labels[app.kubernetes.io/name]'), ['spec', 'labels', 'app.kubernetes.io/name']);
  assert.deepEqual(parseFieldPath('spec.config["hz"]'), ['spec', 'config', 'hz']);
  assert.deepEqual(parseFieldPath('spec.a[0][1]'), ['spec', 'a', '0', '1']);
  assert.deepEqual(parseFieldPath('.spec.size'), ['spec', 'size']);
  assert.deepEqual(parseFieldPath('spec.config["a\\"]b"]'), ['spec', 'config', 'a"]b']);
  assert.deepEqual(parseFieldPath("spec.config['x.y']"), ['spec', 'config', 'x.y']);
  assert.deepEqual(parseFieldPath(''), []);
  assert.equal(parseFieldPath('[0]'), null);
  assert.equal(parseFieldPath('spec..a'), null);
  assert.equal(parseFieldPath('spec[0'), null);
  assert.equal(parseFieldPath('spec[0]x'), null);
});

test('fieldErrors become extraErrors, name errors and the rest', () => {
  const { extraErrors, nameErrors, other } = mapFieldErrors({
    'spec.sentinel.quorum': ['cannot exceed the number of Sentinels'],
    'spec.config[hz]': ['must be a string'],
    'spec.items[0].x': ['bad'],
    'spec.size': 'must be 1 or at least 3',
    spec: ['set either password or passwordSecret, not both'],
    '': ['a rule on the whole object'],
    'metadata.name': ['must be at most 48 characters'],
    'metadata.labels[a]': ['invalid label'],
    'spec.__proto__.x': ['nope'],
  });
  assert.deepEqual(extraErrors, {
    __errors: ['set either password or passwordSecret, not both', 'a rule on the whole object'],
    sentinel: { quorum: { __errors: ['cannot exceed the number of Sentinels'] } },
    config: { hz: { __errors: ['must be a string'] } },
    items: { 0: { x: { __errors: ['bad'] } } },
    size: { __errors: ['must be 1 or at least 3'] },
  });
  assert.deepEqual(nameErrors, ['must be at most 48 characters']);
  assert.deepEqual(other, [
    { field: 'metadata.labels[a]', messages: ['invalid label'] },
    { field: 'spec.__proto__.x', messages: ['nope'] },
  ]);
  assert.equal(Object.prototype.x, undefined);
});

test('no field errors: no extraErrors', () => {
  assert.deepEqual(mapFieldErrors(undefined), { extraErrors: undefined, nameErrors: [], other: [] });
  assert.deepEqual(mapFieldErrors({ 'metadata.name': ['x'] }).extraErrors, undefined);
});

// The JSON text fields of console/schema_form.py (same runner; jsonText.js is pure too).
import { jsonTextFields, jsonTextProblems, markJsonText } from './jsonText.js';

test('JSON text fields are found, marked and checked', () => {
  const schema = {
    type: 'object',
    properties: {
      affinity: { type: 'string' },
      size: { type: 'integer' },
      pods: { type: 'array', items: { type: 'object', properties: { extra: { type: 'string' } } } },
    },
  };
  const uiSchema = {
    affinity: { 'ui:widget': 'textarea', 'ui:help': 'JSON object' },
    size: { 'ui:help': 'Default: 3' },
    pods: { items: { extra: { 'ui:help': 'JSON value. Default: 1' } } },
  };
  const fields = jsonTextFields(schema, uiSchema);
  assert.deepEqual(fields, [
    { path: ['affinity'], uiPath: ['affinity'], kind: 'object' },
    { path: ['pods', '*', 'extra'], uiPath: ['pods', 'items', 'extra'], kind: 'value' },
  ]);
  const marked = markJsonText(uiSchema, fields);
  assert.equal(marked.affinity['ui:classNames'], 'json-text');
  assert.equal(marked.pods.items.extra['ui:classNames'], 'json-text');
  assert.equal(uiSchema.affinity['ui:classNames'], undefined);
  assert.deepEqual(
    jsonTextProblems({ affinity: '[1]', pods: [{ extra: '1' }, { extra: '{' }, { extra: '  ' }] }, fields).map(
      ([path]) => path,
    ),
    [['affinity'], ['pods', '1', 'extra']],
  );
  assert.deepEqual(jsonTextProblems({ affinity: '{"a": 1}' }, fields), []);
});
