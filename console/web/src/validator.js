// An RJSF validator (the ValidatorType of @rjsf/utils) on top of @cfworker/json-schema, draft 7.
//
// Why not @rjsf/validator-ajv8: Ajv compiles every schema into JavaScript source and runs it with `new Function`,
// which the console's Content-Security-Policy (`script-src 'self'`, no 'unsafe-eval') forbids, so the page would
// throw on the first validation. @cfworker/json-schema interprets the schema instead (no eval, no new Function).
//
// What it does, in the shape @rjsf/validator-ajv8 gives RJSF:
// - rawValidation(schema, data): cfworker's errors ("output units"), keeping only those that say what is wrong
//   (the wrappers "Property "x" does not match schema." that cfworker adds at every level above are dropped, and
//   so are the anyOf/oneOf branches of another type: simplifyCombinators);
// - validateFormData(...): those errors as RJSFValidationErrors ({name, property: ".a.0.b", message, stack,
//   params, schemaPath, title}) with ajv-like English messages, run through transformErrors, made into an
//   ErrorSchema with @rjsf/utils' toErrorSchema, then merged with customValidate's errors (createErrorHandler,
//   unwrapErrorHandler, validationDataMerge), exactly as processRawValidationErrors of validator-ajv8 does;
// - isValid(schema, data, rootSchema): used by RJSF to pick anyOf/oneOf options; `$ref`s of a sub-schema are
//   resolved against the root's definitions/$defs;
// - toErrorList(errorSchema): @rjsf/utils' toErrorList (kept for callers of the RJSF 5 interface).
// Schemas come from a CRD's openAPIV3Schema; the copy that is validated turns OpenAPI 3.0's boolean
// exclusiveMinimum/exclusiveMaximum and `nullable` into their draft 7 forms. Compiled validators are cached per
// schema object (RJSF passes the same root schema object on every validation).
import { Validator } from '@cfworker/json-schema';
import {
  createErrorHandler,
  getByPath,
  getDefaultFormState,
  getUiOptions,
  toErrorList,
  toErrorSchema,
  unwrapErrorHandler,
  validationDataMerge,
} from '@rjsf/utils';

// cfworker reports, before the errors of a sub-schema, one error of its own saying that the sub-schema failed.
const WRAPPERS = new Set([
  'properties',
  'patternProperties',
  'additionalProperties',
  'unevaluatedProperties',
  'items',
  'prefixItems',
  'additionalItems',
  'unevaluatedItems',
  '$ref',
  '$recursiveRef',
  'allOf',
  'if',
  'dependentSchemas',
]);

// Keys whose values are data, not schemas: copied as they are.
const DATA_KEYWORDS = new Set(['default', 'enum', 'const', 'examples', 'example', 'required']);

/**
 * anyOf / oneOf as a person reads them. A branch that fails only because the value is of another type (the integer
 * branch of an int-or-string given "1 core") says nothing useful: its errors go, and so does the generic
 * "must match a schema in anyOf" when another branch says what is wrong. When every branch is of another type, one
 * error stays: "must be integer or string".
 */
export function simplifyCombinators(units) {
  let result = units;
  const combinators = units.filter((u) => u.keyword === 'anyOf' || u.keyword === 'oneOf');
  for (const combinator of combinators) {
    if (!result.includes(combinator)) continue;
    const prefix = `${combinator.keywordLocation}/`;
    const branches = new Map();
    for (const unit of result) {
      if (!unit.keywordLocation.startsWith(prefix)) continue;
      const index = unit.keywordLocation.slice(prefix.length).split('/')[0];
      if (!branches.has(index)) branches.set(index, []);
      branches.get(index).push(unit);
    }
    if (branches.size === 0) continue;
    const mismatched = [...branches.values()].filter(
      (errors) =>
        errors.length === 1 &&
        errors[0].keyword === 'type' &&
        errors[0].instanceLocation === combinator.instanceLocation,
    );
    const drop = new Set(mismatched.flat());
    let replacement = null;
    if (mismatched.length === branches.size) {
      const types = mismatched.map((errors) => {
        const m = /Expected "(.*)"\.$/.exec(errors[0].error);
        return m ? m[1].split('", "') : [];
      });
      replacement = { ...combinator, keyword: 'type', error: `Expected "${[...new Set(types.flat())].join('", "')}".` };
    } else if (mismatched.length > 0 && combinator.keyword === 'anyOf') {
      drop.add(combinator);
    }
    result = result.filter((u) => !drop.has(u)).map((u) => (u === combinator && replacement ? replacement : u));
  }
  return result;
}

/** The validated copy of a schema: OpenAPI 3.0 spellings made draft 7. */
export function normalizeSchema(schema) {
  if (Array.isArray(schema)) return schema.map(normalizeSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] = DATA_KEYWORDS.has(key) ? value : normalizeSchema(value);
  }
  for (const [exclusive, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ]) {
    if (typeof out[exclusive] === 'boolean') {
      if (out[exclusive] && typeof out[bound] === 'number') {
        out[exclusive] = out[bound];
        delete out[bound];
      } else {
        delete out[exclusive];
      }
    }
  }
  if (out.nullable === true && typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  return out;
}

/** The form data as JSON would carry it: cfworker refuses `undefined` (and functions, NaN ...). */
function asJson(data) {
  if (data === undefined) return undefined;
  return JSON.parse(JSON.stringify(data));
}

/** "#/a/0/b~1c" -> ["a", "0", "b/c"] (cfworker's pointers are JSON pointers, URI-encoded). */
function pointerSegments(pointer) {
  const body = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (body === '' || body === '/') return [];
  return body
    .slice(1)
    .split('/')
    .map((s) => {
      let decoded = s;
      try {
        decoded = decodeURIComponent(s);
      } catch {
        // keep it as it is
      }
      return decoded.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

function valueAtPointer(root, pointer) {
  let node = root;
  for (const segment of pointerSegments(pointer)) {
    if (segment === '$ref' || node === null || typeof node !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, segment)) return undefined;
    node = node[segment];
  }
  return node;
}

/** The sub-schema that describes the data at `segments` (for its title), or undefined. */
function schemaAtPath(schema, segments) {
  let node = schema;
  for (const segment of segments) {
    if (!node || typeof node !== 'object') return undefined;
    if (node.properties && Object.prototype.hasOwnProperty.call(node.properties, segment)) {
      node = node.properties[segment];
    } else if (Array.isArray(node.items)) {
      node = node.items[Number(segment)];
    } else if (node.items && typeof node.items === 'object') {
      node = node.items;
    } else if (node.additionalProperties && typeof node.additionalProperties === 'object') {
      node = node.additionalProperties;
    } else {
      return undefined;
    }
  }
  return node;
}

function lastNumber(text) {
  const m = /(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\)?\.?$/.exec(text);
  return m ? m[1] : '?';
}

/** An ajv-like English message for one cfworker error. */
function messageFor(unit, keywordValue) {
  const value = typeof keywordValue === 'number' ? String(keywordValue) : lastNumber(unit.error);
  switch (unit.keyword) {
    case 'type': {
      const m = /Expected "(.*)"\.$/.exec(unit.error);
      return `must be ${m ? m[1].split('", "').join(' or ') : 'of another type'}`;
    }
    case 'minimum':
      return `must be >= ${value}`;
    case 'maximum':
      return `must be <= ${value}`;
    case 'exclusiveMinimum':
      return `must be > ${value}`;
    case 'exclusiveMaximum':
      return `must be < ${value}`;
    case 'multipleOf':
      return `must be a multiple of ${value}`;
    case 'minLength':
      return `must not have fewer than ${value} characters`;
    case 'maxLength':
      return `must not have more than ${value} characters`;
    case 'minItems':
      return `must not have fewer than ${value} items`;
    case 'maxItems':
      return `must not have more than ${value} items`;
    case 'minProperties':
      return `must not have fewer than ${value} entries`;
    case 'maxProperties':
      return `must not have more than ${value} entries`;
    case 'pattern':
      return typeof keywordValue === 'string' ? `must match pattern "${keywordValue}"` : 'does not match the pattern';
    case 'format': {
      const m = /format "(.*)"\.$/.exec(unit.error);
      return `must match format "${m ? m[1] : '?'}"`;
    }
    case 'enum':
      return Array.isArray(keywordValue)
        ? `must be one of ${keywordValue.map((v) => JSON.stringify(v)).join(', ')}`
        : 'must be equal to one of the allowed values';
    case 'const':
      return 'must be equal to constant';
    case 'uniqueItems':
      return `must not have duplicate items (${unit.error.replace(/\.$/, '').toLowerCase()})`;
    case 'anyOf':
      return 'must match a schema in anyOf';
    case 'oneOf':
      return 'must match exactly one schema in oneOf';
    case 'not':
      return 'must NOT be valid';
    case 'false':
      return 'is not allowed here';
    default:
      return unit.error;
  }
}

function titleOf(uiSchema, schema, segments) {
  if (segments.length === 0) return undefined;
  const uiTitle = getUiOptions(getByPath(uiSchema, segments) || {}).title;
  if (uiTitle) return uiTitle;
  const sub = schemaAtPath(schema, segments);
  return sub && typeof sub.title === 'string' ? sub.title : undefined;
}

/** cfworker errors -> RJSFValidationErrors. */
export function toRjsfErrors(units, schema, uiSchema) {
  const seen = new Set();
  const errors = [];
  for (const unit of units || []) {
    let segments = pointerSegments(unit.instanceLocation);
    let message;
    let params = {};
    if (unit.keyword === 'required') {
      const m = /required property "(.*)"\.$/.exec(unit.error);
      const missing = m ? m[1] : '';
      segments = [...segments, missing];
      params = { missingProperty: missing };
      message = 'is a required property';
    } else {
      message = messageFor(unit, valueAtPointer(schema, unit.keywordLocation));
    }
    const property = segments.length ? `.${segments.join('.')}` : '';
    const key = `${property}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const title = titleOf(uiSchema, schema, segments);
    const who = title ? `'${title}'` : property || 'The form';
    errors.push({
      name: unit.keyword,
      property,
      message,
      params,
      stack: `${who} ${message}`,
      schemaPath: unit.keywordLocation,
      title: title || '',
    });
  }
  return errors;
}

class CfworkerValidator {
  constructor() {
    // schema object -> { normalized, validator }; a second level for sub-schemas of a given root (isValid).
    this.cache = new WeakMap();
    this.subCache = new WeakMap();
  }

  reset() {
    this.cache = new WeakMap();
    this.subCache = new WeakMap();
  }

  compiled(schema, rootSchema) {
    const standalone = !rootSchema || rootSchema === schema;
    let cache = this.cache;
    if (!standalone) {
      cache = this.subCache.get(rootSchema);
      if (!cache) {
        cache = new WeakMap();
        this.subCache.set(rootSchema, cache);
      }
    }
    let entry = cache.get(schema);
    if (!entry) {
      let document = schema;
      // A sub-schema's "#/definitions/x" means the root's: validate it inside a document that has them.
      if (!standalone && schema && typeof schema === 'object') {
        document = { ...schema };
        if (rootSchema.definitions && !schema.definitions) document.definitions = rootSchema.definitions;
        if (rootSchema.$defs && !schema.$defs) document.$defs = rootSchema.$defs;
      }
      const normalized = normalizeSchema(document);
      // shortCircuit false: every error, not just the first.
      entry = { normalized, validator: new Validator(normalized, '7', false) };
      cache.set(schema, entry);
    }
    return entry;
  }

  rawValidation(schema, formData) {
    try {
      const { normalized, validator } = this.compiled(schema);
      let data = asJson(formData);
      if (data === undefined) {
        // No data yet: what RJSF would show for an empty form of an object schema.
        if (normalized && normalized.type === 'object') data = {};
        else return { errors: [], validationError: undefined };
      }
      const result = validator.validate(data);
      const errors = simplifyCombinators(
        result.errors.filter(
          (unit) =>
            !WRAPPERS.has(unit.keyword) &&
            !(unit.keyword === 'dependencies' && /does not match dependant schema/.test(unit.error)),
        ),
      );
      return { errors, validationError: undefined };
    } catch (error) {
      // An unresolvable $ref, a pattern that is not a valid regular expression ...
      return { errors: [], validationError: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  validateFormData(formData, schema, customValidate, transformErrors, uiSchema) {
    const raw = this.rawValidation(schema, formData);
    const { normalized } = raw.validationError ? { normalized: schema } : this.compiled(schema);
    let errors = toRjsfErrors(raw.errors, normalized, uiSchema);
    if (raw.validationError) {
      errors = [...errors, { stack: raw.validationError.message }];
    }
    if (typeof transformErrors === 'function') {
      errors = transformErrors(errors, uiSchema);
    }
    let errorSchema = toErrorSchema(errors);
    if (raw.validationError) {
      errorSchema = { ...errorSchema, $schema: { __errors: [raw.validationError.message] } };
    }
    if (typeof customValidate !== 'function') {
      return { errors, errorSchema };
    }
    // customValidate sees the form data with its undefined values, as with validator-ajv8.
    const newFormData = getDefaultFormState(this, schema, formData, schema, true);
    const errorHandler = customValidate(newFormData, createErrorHandler(newFormData), uiSchema, errorSchema);
    const userErrorSchema = unwrapErrorHandler(errorHandler);
    return validationDataMerge({ errors, errorSchema }, userErrorSchema);
  }

  isValid(schema, formData, rootSchema) {
    try {
      const { normalized, validator } = this.compiled(schema, rootSchema);
      const data = asJson(formData);
      if (data === undefined) {
        // Like Ajv with `undefined`: a schema that asks for a type (or a value) does not match it.
        if (!normalized || typeof normalized !== 'object') return normalized !== false;
        return !(normalized.type || normalized.enum || 'const' in normalized);
      }
      return validator.validate(data).valid;
    } catch (error) {
      console.warn('Error encountered validating with schema:', error);
      return false;
    }
  }

  toErrorList(errorSchema, fieldPath = []) {
    return toErrorList(errorSchema, fieldPath);
  }
}

/** One validator for the whole page (its caches are keyed by schema object). */
const validator = new CfworkerValidator();
export default validator;
export { CfworkerValidator };
