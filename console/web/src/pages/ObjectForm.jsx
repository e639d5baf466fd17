// #/new/<kind> and #/r/<kind>/<ns>/<name>/edit: name, namespace, the kind's annotation choices, and the RJSF form
// of its spec (GET /api/kinds/{kind}/form), applied with POST /api/kinds/{kind}/objects/{ns} (server-side apply).
import { useEffect, useMemo, useRef, useState } from 'react';
// The Form itself, not @rjsf/core's index: that index also exports getTestRegistry, which imports
// @rjsf/validator-ajv8 (Ajv, compiled with `new Function`: see validator.js), a package this page neither has nor wants.
import Form from '@rjsf/core/lib/components/Form.js';
import { applyObject, getForm, watchObjectUrl } from '../api.js';
import { mapFieldErrors } from '../errors.js';
import { jsonTextFields, jsonTextValidator, markJsonText } from '../jsonText.js';
import { firstEvent } from '../live.js';
import { instanceHref, listHref, navigate } from '../routes.js';
import { ErrorBanner } from '../ui.jsx';
import validator from '../validator.js';

// A DNS-1123 subdomain, as the API server checks metadata.name (it says more, e.g. the CRD's length rule).
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SET = '(set)';

function checkName(name) {
  if (!name) return ['is required'];
  if (name.length > 253) return ['must be at most 253 characters'];
  if (!NAME.test(name)) {
    return ['must be lower case letters, digits, "-" or ".", and start and end with a letter or a digit'];
  }
  return [];
}

const pathOf = (field) => String(field).split('.').filter(Boolean);

function getAt(object, path) {
  let node = object;
  for (const key of path) {
    if (!node || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** A copy of `object` with `path` set to `value` (removed when value is undefined). */
function setAt(object, path, value) {
  if (path.length === 0) return value;
  const [key, ...rest] = path;
  const base = object && typeof object === 'object' && !Array.isArray(object) ? object : {};
  const copy = { ...base };
  const child = setAt(base[key], rest, value);
  if (child === undefined) delete copy[key];
  else copy[key] = child;
  return copy;
}

/**
 * The edit form's data never carries a password (the server drops secrets from `formData`; the object shows a set
 * one as "(set)"). Returns the form data without any "(set)" left in it, and the secret paths that are set, whose
 * fields then say so. Paths with a list or map level ("users[*].password") get no such help.
 */
function hideSecrets(formData, shownSpec, secretFields) {
  let data = formData;
  const set = [];
  for (const field of secretFields || []) {
    if (/[[\]"']/.test(field)) continue;
    const path = pathOf(field);
    if (getAt(data, path) === SET) data = setAt(data, path, undefined);
    if (getAt(shownSpec, path) === SET) set.push(path);
  }
  return { data, set };
}

function withSecretHelp(uiSchema, setPaths) {
  let ui = uiSchema || {};
  for (const path of setPaths) {
    const current = getAt(ui, path) || {};
    ui = setAt(ui, path, {
      ...current,
      'ui:help': 'A value is set. Leave this empty to keep it; the console never shows it.',
    });
  }
  return ui;
}

function dropEmptySecrets(formData, secretFields) {
  let data = formData;
  for (const field of secretFields || []) {
    if (/[[\]"']/.test(field)) continue;
    const path = pathOf(field);
    const value = getAt(data, path);
    if (value === '' || value === SET) data = setAt(data, path, undefined);
  }
  return data;
}

function defaultChoices(kind, annotations) {
  const choices = {};
  for (const choice of kind.annotationChoices || []) {
    const options = choice.options || [];
    const current = annotations ? annotations[choice.key] : undefined;
    if (typeof current === 'string') choices[choice.key] = current;
    else if (options.some((o) => o.value === '')) choices[choice.key] = '';
    else choices[choice.key] = options.length ? options[0].value : '';
  }
  return choices;
}

function AnnotationChoice({ choice, value, onChange, disabled }) {
  const options = [...(choice.options || [])];
  if (!options.some((o) => o.value === value)) {
    options.push({ value, label: `The current value "${value}" (not one of the options above)` });
  }
  const name = `choice-${choice.key}`;
  return (
    <fieldset className="choice">
      <legend>{choice.label || choice.key}</legend>
      {choice.description && <p className="help-block">{choice.description}</p>}
      {options.map((option) => {
        const id = `${name}-${option.value || 'none'}`;
        return (
          <div className="radio" key={option.value}>
            <label htmlFor={id}>
              <input
                type="radio"
                id={id}
                name={name}
                value={option.value}
                data-testid={id}
                checked={value === option.value}
                disabled={disabled}
                onChange={() => onChange(choice.key, option.value)}
              />{' '}
              {option.label}{' '}
              <span className="muted">
                (annotation <code>{choice.key}</code>
                {option.value ? (
                  <>
                    {' = '}
                    <code>{option.value}</code>
                  </>
                ) : (
                  ' empty'
                )}
                )
              </span>
            </label>
          </div>
        );
      })}
    </fieldset>
  );
}

function NamespaceInput({ mode, namespaces, value, onChange }) {
  const list = namespaces.namespaces || [];
  if (mode === 'edit') {
    return (
      <input id="form-namespace" className="form-control" data-testid="form-namespace" value={value} readOnly />
    );
  }
  if (namespaces.all) {
    return (
      <>
        <input
          id="form-namespace"
          className="form-control"
          data-testid="form-namespace"
          list="known-namespaces"
          value={value}
          onChange={(e) => onChange(e.target.value.trim())}
        />
        <datalist id="known-namespaces">
          {list.map((ns) => (
            <option key={ns} value={ns} />
          ))}
        </datalist>
      </>
    );
  }
  return (
    <select
      id="form-namespace"
      className="form-control"
      data-testid="form-namespace"
      value={value}
      onChange={(e) => onChange(e.target.value)}
    >
      {!list.includes(value) && <option value={value}>{value || '(choose a namespace)'}</option>}
      {list.map((ns) => (
        <option key={ns} value={ns}>
          {ns}
        </option>
      ))}
    </select>
  );
}

function Conflicts({ conflicts, message, busy, onForce }) {
  const managers = [...new Set(conflicts.map((c) => c.manager))];
  return (
    <div className="conflicts" data-testid="conflicts" role="alert">
      <p>{message || 'Other managers own some of these fields.'}</p>
      <table className="table">
        <thead>
          <tr>
            <th>Field</th>
            <th>Managed by</th>
          </tr>
        </thead>
        <tbody>
          {conflicts.map((c, i) => (
            <tr key={i}>
              <td>
                <code>{c.field}</code>
              </td>
              <td>{c.manager}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="btn btn-warning" data-testid="apply-force" disabled={busy} onClick={onForce}>
        Take over these fields from {managers.join(', ')}
      </button>
    </div>
  );
}

export default function ObjectForm({ mode, kind, namespaces, namespace: initialNamespace, name: initialName }) {
  const editing = mode === 'edit';
  const [form, setForm] = useState(null); // {schema, uiSchema, secretFields}
  const [loaded, setLoaded] = useState(null); // edit: {resourceVersion, setSecrets}
  const [loadError, setLoadError] = useState(null);
  const [reloadCount, setReloadCount] = useState(0);

  const [name, setName] = useState(initialName || '');
  const [namespace, setNamespace] = useState(
    initialNamespace || (namespaces.namespaces || [])[0] || (namespaces.all ? 'default' : ''),
  );
  const [choices, setChoices] = useState(() => defaultChoices(kind));
  const [formData, setFormData] = useState(undefined);

  const [busy, setBusy] = useState(false);
  const [nameErrors, setNameErrors] = useState([]);
  const [namespaceErrors, setNamespaceErrors] = useState([]);
  const [extraErrors, setExtraErrors] = useState(undefined);
  const [banner, setBanner] = useState(null); // {message, details}
  const [conflicts, setConflicts] = useState(null); // {message, list}
  const [stale, setStale] = useState(null);
  const [force, setForce] = useState(false);
  const [yaml, setYaml] = useState(null);
  const [showYaml, setShowYaml] = useState(false);
  const [dryRunOk, setDryRunOk] = useState(false);

  const intent = useRef('dry');
  const jsonFields = useMemo(() => (form ? jsonTextFields(form.schema, form.uiSchema) : []), [form]);
  const customValidate = useMemo(() => (jsonFields.length ? jsonTextValidator(jsonFields) : undefined), [jsonFields]);
  const lastPayload = useRef(null);

  useEffect(() => {
    let current = true;
    getForm(kind.id)
      .then((f) => current && setForm(f))
      .catch((e) => current && setLoadError(e.message));
    return () => {
      current = false;
    };
  }, [kind.id]);

  // Edit: the object as it is now, from the first `object` event of its watch (then the stream is closed).
  useEffect(() => {
    if (!editing || !form) return undefined;
    const { promise, cancel } = firstEvent(watchObjectUrl(kind.id, initialNamespace, initialName), 'object');
    let current = true;
    promise
      .then((data) => {
        if (!current || !data) return;
        const metadata = (data.object && data.object.metadata) || {};
        const { data: spec, set } = hideSecrets(data.formData, data.object && data.object.spec, form.secretFields);
        setFormData(spec);
        setChoices(defaultChoices(kind, metadata.annotations || {}));
        setLoaded({ resourceVersion: data.resourceVersion || metadata.resourceVersion || null, setSecrets: set });
        setStale(null);
        setExtraErrors(undefined);
        setLoadError(null);
      })
      .catch((e) => current && setLoadError(e.message));
    return () => {
      current = false;
      cancel();
    };
  }, [editing, form, kind, initialNamespace, initialName, reloadCount]);

  const clearAnswers = () => {
    setBanner(null);
    setConflicts(null);
    setStale(null);
    setDryRunOk(false);
  };

  const apply = async (payload) => {
    lastPayload.current = payload;
    setBusy(true);
    clearAnswers();
    setExtraErrors(undefined);
    setNameErrors([]);
    try {
      const answer = await applyObject(kind.id, namespace, payload);
      if (payload.dryRun) {
        setYaml(answer.yaml || '');
        setDryRunOk(true);
        if (intent.current === 'yaml') setShowYaml(true);
      } else {
        navigate(instanceHref(kind.id, namespace, name));
      }
    } catch (e) {
      const body = e.body || {};
      if (e.status === 422 && body.fieldErrors) {
        const mapped = mapFieldErrors(body.fieldErrors);
        setExtraErrors(mapped.extraErrors);
        setNameErrors(mapped.nameErrors);
        setBanner({ message: e.message, details: mapped.other });
      } else if (e.status === 409 && Array.isArray(body.conflicts) && body.conflicts.length) {
        setConflicts({ message: e.message, list: body.conflicts });
      } else if (e.status === 409 && body.stale) {
        setStale(e.message);
      } else {
        setBanner({ message: e.message });
      }
    } finally {
      setBusy(false);
    }
  };

  const checkHead = () => {
    const nErrors = editing ? [] : checkName(name);
    const nsErrors = namespace ? [] : ['is required'];
    setNameErrors(nErrors);
    setNamespaceErrors(nsErrors);
    return nErrors.length === 0 && nsErrors.length === 0;
  };

  const onSubmit = ({ formData: data }) => {
    if (!checkHead()) return;
    const dryRun = intent.current !== 'apply';
    apply({
      name,
      annotations: { ...choices },
      formData: dropEmptySecrets(data, form.secretFields),
      dryRun,
      resourceVersion: editing && loaded ? loaded.resourceVersion : null,
      force,
    });
  };

  const onForce = () => {
    if (!lastPayload.current) return;
    setForce(true);
    apply({ ...lastPayload.current, force: true });
  };

  const title = editing ? `Edit ${kind.kind} ${initialNamespace}/${initialName}` : `Create ${kind.kind}`;
  const cancelHref = editing ? instanceHref(kind.id, initialNamespace, initialName) : listHref();

  if (loadError && (!form || (editing && !loaded))) {
    return (
      <section>
        <h1>{title}</h1>
        <ErrorBanner message={loadError}>
          <a href={cancelHref}>Back</a>
        </ErrorBanner>
      </section>
    );
  }
  if (!form || (editing && !loaded)) {
    return (
      <section>
        <h1>{title}</h1>
        <p className="muted">Loading the form…</p>
      </section>
    );
  }

  const marked = markJsonText(form.uiSchema, jsonFields);
  const uiSchema = editing ? withSecretHelp(marked, loaded.setSecrets) : marked;

  return (
    <section className="object-form">
      <h1>{title}</h1>

      <div className="form-group">
        <label className="control-label" htmlFor="form-name">
          Name
        </label>
        <input
          id="form-name"
          className="form-control"
          data-testid="form-name"
          value={name}
          readOnly={editing}
          autoComplete="off"
          spellCheck="false"
          onChange={(e) => setName(e.target.value.trim())}
        />
        {nameErrors.length > 0 && (
          <ul className="error-detail" data-testid="name-errors">
            {nameErrors.map((m, i) => (
              <li className="text-danger" key={i}>
                {m}
              </li>
            ))}
          </ul>
        )}
      </div>

      <div className="form-group">
        <label className="control-label" htmlFor="form-namespace">
          Namespace
        </label>
        <NamespaceInput mode={mode} namespaces={namespaces} value={namespace} onChange={setNamespace} />
        {namespaceErrors.length > 0 && (
          <ul className="error-detail">
            {namespaceErrors.map((m, i) => (
              <li className="text-danger" key={i}>
                {m}
              </li>
            ))}
          </ul>
        )}
      </div>

      {(kind.annotationChoices || []).map((choice) => (
        <AnnotationChoice
          key={choice.key}
          choice={choice}
          value={choices[choice.key] ?? ''}
          disabled={busy}
          onChange={(key, value) => setChoices((c) => ({ ...c, [key]: value }))}
        />
      ))}

      {stale && (
        <div className="stale" role="alert" data-testid="stale">
          <p>Someone changed it since you opened the form: reload.</p>
          <button
            type="button"
            className="btn btn-default"
            data-testid="reload"
            onClick={() => setReloadCount((n) => n + 1)}
          >
            Reload (your changes here are lost)
          </button>
        </div>
      )}

      <Form
        schema={form.schema}
        uiSchema={uiSchema}
        formData={formData}
        validator={validator}
        customValidate={customValidate}
        extraErrors={extraErrors}
        showErrorList="top"
        noHtml5Validate
        focusOnFirstError
        disabled={busy}
        onChange={(event) => {
          setFormData(event.formData);
          if (extraErrors) setExtraErrors(undefined);
          if (dryRunOk) setDryRunOk(false);
        }}
        onError={() => checkHead()}
        onSubmit={onSubmit}
      >
        {banner && <ErrorBanner message={banner.message} details={banner.details} />}
        {conflicts && (
          <Conflicts conflicts={conflicts.list} message={conflicts.message} busy={busy} onForce={onForce} />
        )}
        {dryRunOk && (
          <p className="ok" role="status" data-testid="dry-run-ok">
            The API server accepts this (dry run: nothing was changed).
          </p>
        )}
        <div className="buttons">
          <button
            type="submit"
            className="btn btn-default"
            data-testid="dry-run"
            disabled={busy}
            onClick={() => {
              intent.current = 'dry';
            }}
          >
            Check with the API server
          </button>
          {showYaml ? (
            <button type="button" className="btn btn-default" data-testid="show-yaml" onClick={() => setShowYaml(false)}>
              Hide YAML
            </button>
          ) : (
            <button
              type="submit"
              className="btn btn-default"
              data-testid="show-yaml"
              disabled={busy}
              onClick={() => {
                intent.current = 'yaml';
              }}
            >
              Show YAML
            </button>
          )}
          <button
            type="submit"
            className="btn btn-primary"
            data-testid="submit"
            disabled={busy}
            onClick={() => {
              intent.current = 'apply';
            }}
          >
            {editing ? 'Save' : 'Create'}
            {force ? ' (taking over fields)' : ''}
          </button>
          <a className="btn btn-link" href={cancelHref}>
            Cancel
          </a>
          {busy && <span className="muted">Talking to the API server…</span>}
        </div>
        {showYaml && yaml !== null && (
          <figure className="yaml">
            <figcaption>What would be applied (from the dry run):</figcaption>
            <pre data-testid="yaml">{yaml}</pre>
          </figure>
        )}
      </Form>
    </section>
  );
}
