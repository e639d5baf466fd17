// node --test src/validator.test.js (node's own runner, no package needed)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import validator from './validator.js';

const schema = {
  type: 'object',
  required: ['size'],
  properties: {
    size: { type: 'integer', title: 'Size', minimum: 1 },
    image: { type: 'string', minLength: 3 },
    sentinel: {
      type: 'object',
      properties: { quorum: { type: 'integer', minimum: 1, exclusiveMaximum: true, maximum: 10 } },
    },
    config: { type: 'object', maxProperties: 2, additionalProperties: { type: 'string' } },
    items: { type: 'array', items: { type: 'object', required: ['x'], properties: { x: { type: 'string', pattern: '^[a-z]+$' } } } },
    requests: { type: 'object', additionalProperties: { anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: '^[0-9]+m?$' } },
    policy: { type: 'string', enum: ['Always', 'Never'] },
  },
};

test('a valid form has no errors', () => {
  const { errors, errorSchema } = validator.validateFormData(
    { size: 3, image: 'redis', sentinel: { quorum: 9 }, config: { hz: '10' }, items: [{ x: 'ab' }], requests: { cpu: '100m', memory: 5 } },
    schema,
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(errorSchema, {});
});

test('errors land on their fields, without the wrappers', () => {
  const { errors, errorSchema } = validator.validateFormData(
    { image: 'r', sentinel: { quorum: 10 }, config: { a: '1', b: '2', c: 3 }, items: [{ x: 'A1' }, {}], requests: { cpu: 'lots' }, policy: 'Sometimes' },
    schema,
  );
  assert.deepEqual(errorSchema.size, { __errors: ['is a required property'] });
  assert.deepEqual(errorSchema.image, { __errors: ['must not have fewer than 3 characters'] });
  assert.deepEqual(errorSchema.sentinel, { quorum: { __errors: ['must be < 10'] } });
  assert.deepEqual(errorSchema.config.__errors, ['must not have more than 2 entries']);
  assert.deepEqual(errorSchema.config.c, { __errors: ['must be string'] });
  assert.deepEqual(errorSchema.items[0].x, { __errors: ['must match pattern "^[a-z]+$"'] });
  assert.deepEqual(errorSchema.items[1].x, { __errors: ['is a required property'] });
  assert.deepEqual(errorSchema.requests.cpu, { __errors: ['must match pattern "^[0-9]+m?$"'] });
  assert.deepEqual(errorSchema.policy, { __errors: ['must be one of "Always", "Never"'] });
  const size = errors.find((e) => e.property === '.size');
  assert.equal(size.stack, "'Size' is a required property");
  assert.ok(!errors.some((e) => /does not match/.test(e.message)), JSON.stringify(errors));
});

test('transformErrors and customValidate are applied', () => {
  const { errorSchema } = validator.validateFormData(
    { size: 0 },
    schema,
    (formData, errs) => {
      if (formData.size === 0) errs.image.addError('custom');
      return errs;
    },
    (errors) => errors.map((e) => ({ ...e, message: `X ${e.message}` })),
  );
  assert.deepEqual(errorSchema.size, { __errors: ['X must be >= 1'] });
  assert.deepEqual(errorSchema.image, { __errors: ['custom'] });
});

test('isValid resolves $ref against the root and copes with undefined', () => {
  const root = { definitions: { n: { type: 'integer' } }, type: 'object', properties: { a: { $ref: '#/definitions/n' } } };
  const option = { type: 'object', properties: { a: { $ref: '#/definitions/n' } } };
  assert.equal(validator.isValid(option, { a: 1 }, root), true);
  assert.equal(validator.isValid(option, { a: 'x' }, root), false);
  assert.equal(validator.isValid({ type: 'string' }, undefined, root), false);
  assert.equal(validator.isValid({}, undefined, root), true);
  assert.equal(validator.isValid({ type: 'string' }, 'x', root), true);
});

test('a broken schema is a validation error, not a throw', () => {
  const { errors, errorSchema } = validator.validateFormData({ a: 1 }, { type: 'object', properties: { a: { $ref: '#/nowhere' } } });
  assert.equal(errors.length, 1);
  assert.ok(errorSchema.$schema.__errors[0].includes('Unresolved'));
  assert.equal(validator.rawValidation({ type: 'string' }, 5).errors.length, 1);
});

test('anyOf branches of another type say nothing', () => {
  const quantity = { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^[0-9]+m?$' }] };
  const s = { type: 'object', properties: { cpu: quantity, mem: quantity } };
  const { errorSchema } = validator.validateFormData({ cpu: '1 core', mem: true }, s);
  assert.deepEqual(errorSchema.cpu, { __errors: ['must match pattern "^[0-9]+m?$"'] });
  assert.deepEqual(errorSchema.mem, { __errors: ['must be integer or string'] });
  assert.equal(validator.validateFormData({ cpu: 5, mem: '10m' }, s).errors.length, 0);
});
