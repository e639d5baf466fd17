// Fields the form edits as JSON text (console/schema_form.py: nodes kept as written, such as affinity, become a
// string with a textarea and a `ui:help` that starts with "JSON"). The page shows them in a monospace font and,
// before anything is sent, checks that the text is JSON of the right kind; the server parses it (from_form).
// Pure functions: no React, no DOM.

const HELP = /^JSON (object|array|value)\b/;

function isUiKey(key) {
  return key.startsWith('ui:');
}

/**
 * [{path, uiPath, kind}] for every JSON text field: `path` in the form data ("*": every item or map value), `uiPath`
 * in the uiSchema (where "*" is spelled items or additionalProperties).
 */
export function jsonTextFields(schema, uiSchema) {
  const found = [];
  const walk = (node, ui, path, uiPath) => {
    if (!ui || typeof ui !== 'object') return;
    const help = typeof ui['ui:help'] === 'string' ? HELP.exec(ui['ui:help']) : null;
    if (help && node && node.type === 'string') {
      found.push({ path, uiPath, kind: help[1] });
      return;
    }
    for (const key of Object.keys(ui)) {
      if (isUiKey(key) || !node || typeof node !== 'object') continue;
      if (node.properties && Object.prototype.hasOwnProperty.call(node.properties, key)) {
        walk(node.properties[key], ui[key], [...path, key], [...uiPath, key]);
      } else if (key === 'items' && node.items && typeof node.items === 'object' && !Array.isArray(node.items)) {
        walk(node.items, ui[key], [...path, '*'], [...uiPath, key]);
      } else if (key === 'additionalProperties' && node.additionalProperties && typeof node.additionalProperties === 'object') {
        walk(node.additionalProperties, ui[key], [...path, '*'], [...uiPath, key]);
      }
    }
  };
  walk(schema, uiSchema, [], []);
  return found;
}

/** A copy of uiSchema whose JSON text fields carry the class name `json-text` (monospace, console.css). */
export function markJsonText(uiSchema, fields) {
  const mark = (ui, uiPath) => {
    if (uiPath.length === 0) {
      return { ...ui, 'ui:classNames': [ui['ui:classNames'], 'json-text'].filter(Boolean).join(' ') };
    }
    const [key, ...rest] = uiPath;
    return { ...ui, [key]: mark((ui && ui[key]) || {}, rest) };
  };
  return fields.reduce((ui, field) => mark(ui, field.uiPath), uiSchema || {});
}

/** The problem with one JSON text, or null when it is fine (blank text: the field is left out). */
export function jsonTextProblem(text, kind) {
  if (typeof text !== 'string' || text.trim() === '') return null;
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `is not valid JSON: ${error.message}`;
  }
  if (kind === 'object' && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    return 'must be a JSON object ({...})';
  }
  if (kind === 'array' && !Array.isArray(value)) return 'must be a JSON array ([...])';
  return null;
}

/** Every [path, problem] of the form data's JSON text fields. */
export function jsonTextProblems(formData, fields) {
  const problems = [];
  const visit = (value, rest, at, kind) => {
    if (rest.length === 0) {
      const problem = jsonTextProblem(value, kind);
      if (problem) problems.push([at, problem]);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const [key, ...more] = rest;
    if (key === '*') {
      const keys = Array.isArray(value) ? value.map((_, i) => String(i)) : Object.keys(value);
      for (const k of keys) visit(value[k], more, [...at, k], kind);
    } else if (Object.prototype.hasOwnProperty.call(value, key)) {
      visit(value[key], more, [...at, key], kind);
    }
  };
  for (const field of fields) visit(formData, field.path, [], field.kind);
  return problems;
}

/** An RJSF customValidate that adds the JSON text problems to their fields. */
export function jsonTextValidator(fields) {
  return (formData, errors) => {
    for (const [path, problem] of jsonTextProblems(formData, fields)) {
      let handler = errors;
      for (const key of path) handler = handler && handler[key];
      if (handler && typeof handler.addError === 'function') handler.addError(problem);
    }
    return errors;
  };
}
