// Where the field errors of a 422 answer go (API.md, "Changes").
//
// The API server names fields the way Kubernetes prints a field.Path: dots between fields, `[i]` for a list
// index and `[key]` for a map key, the key written as is (it may hold dots or slashes: `[app.kubernetes.io/name]`).
// The form edits `spec`, so "spec.sentinel.quorum" becomes RJSF's ErrorSchema {sentinel: {quorum: {__errors}}}
// (the `extraErrors` of the <Form>); "metadata.name" goes next to the name input; anything else (another
// metadata field, a path that cannot be read) stays with the banner. A pure module: no React, no DOM.

// Never let a field path write through the prototype chain of the ErrorSchema.
const UNSAFE = new Set(['__proto__', 'prototype', 'constructor']);

/** The end (exclusive) of a quoted key starting at `start` ("..." with JSON escapes, or '...'), or -1. */
function quotedEnd(path, start) {
  const quote = path[start];
  for (let i = start + 1; i < path.length; i += 1) {
    if (path[i] === '\\') i += 1;
    else if (path[i] === quote) return i + 1;
  }
  return -1;
}

function unquote(quoted) {
  if (quoted[0] === '"') {
    try {
      return JSON.parse(quoted);
    } catch {
      // fall through
    }
  }
  return quoted.slice(1, -1).replace(/\\(.)/g, '$1');
}

/**
 * "spec.items[0].x" -> ["spec", "items", "0", "x"]; "" (the whole object) -> []; null when the path cannot be read.
 * A leading "." (CEL's fieldPath) is dropped; `["a.b"]` and `['a.b']` are quoted keys.
 */
export function parseFieldPath(path) {
  if (typeof path !== 'string') return null;
  const p = path.trim().replace(/^\./, '');
  const segments = [];
  let i = 0;
  while (i < p.length) {
    if (p[i] === '[') {
      if (segments.length === 0) return null;
      if (p[i + 1] === '"' || p[i + 1] === "'") {
        const end = quotedEnd(p, i + 1);
        if (end === -1 || p[end] !== ']') return null;
        segments.push(unquote(p.slice(i + 1, end)));
        i = end + 1;
      } else {
        const end = p.indexOf(']', i + 1);
        if (end === -1) return null;
        segments.push(p.slice(i + 1, end));
        i = end + 1;
      }
      continue;
    }
    if (i > 0) {
      if (p[i] !== '.') return null;
      i += 1;
    }
    let end = i;
    while (end < p.length && p[end] !== '.' && p[end] !== '[' && p[end] !== ']') end += 1;
    if (end === i) return null;
    segments.push(p.slice(i, end));
    i = end;
  }
  return segments;
}

function asMessages(value) {
  if (Array.isArray(value)) return value.map(String);
  if (value === null || value === undefined) return [];
  return [String(value)];
}

/**
 * Splits a 422 answer's `fieldErrors` ({path: [message]}) into:
 * - extraErrors: the RJSF ErrorSchema of the spec form ("spec" itself and "", the whole object, land on the
 *   form's root);
 * - nameErrors: the messages of "metadata.name";
 * - other: [{field, messages}] for everything else, shown in the error banner.
 */
export function mapFieldErrors(fieldErrors) {
  const extraErrors = {};
  const nameErrors = [];
  const other = [];
  let placed = false;
  for (const [field, value] of Object.entries(fieldErrors || {})) {
    const messages = asMessages(value);
    if (messages.length === 0) continue;
    const segments = parseFieldPath(field);
    if (segments && segments.length === 2 && segments[0] === 'metadata' && segments[1] === 'name') {
      nameErrors.push(...messages);
      continue;
    }
    const whole = segments !== null && segments.length === 0;
    if (!whole && (!segments || segments[0] !== 'spec' || segments.some((s) => UNSAFE.has(s)))) {
      other.push({ field, messages });
      continue;
    }
    let node = extraErrors;
    for (const segment of whole ? [] : segments.slice(1)) {
      if (!Object.prototype.hasOwnProperty.call(node, segment)) node[segment] = {};
      node = node[segment];
    }
    node.__errors = [...(node.__errors || []), ...messages];
    placed = true;
  }
  return { extraErrors: placed ? extraErrors : undefined, nameErrors, other };
}
