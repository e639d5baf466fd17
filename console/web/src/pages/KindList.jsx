// #/ : a live table for every kind (its watch SSE: snapshot, upsert, delete, problem) and the "Create" links.
import { useEffect, useState } from 'react';
import { getAccess, watchListUrl } from '../api.js';
import { useEventSource, useNow } from '../live.js';
import { instanceHref, newHref } from '../routes.js';
import { LiveIndicator, StatusBadge, age, cellText } from '../ui.jsx';

/** The kind's own columns, less a date column named Age (the table's Age comes from `created`). */
function shownColumns(kind) {
  return (kind.columns || [])
    .map((column, index) => ({ ...column, index }))
    .filter((c) => !(c.type === 'date' && String(c.name).toLowerCase() === 'age'));
}

function Cell({ column, value, now }) {
  if (column.name === 'Status' && value !== null && value !== undefined) {
    return <StatusBadge value={value} />;
  }
  if (column.type === 'date' && typeof value === 'string') return age(value, now);
  return cellText(value);
}

function useRows(kindId) {
  const [rows, setRows] = useState(() => new Map());
  const live = useEventSource(watchListUrl(kindId), {
    snapshot: (data) => setRows(new Map((data.rows || []).map((row) => [row.key, row]))),
    upsert: (data) =>
      setRows((previous) => {
        const next = new Map(previous);
        next.set(data.row.key, data.row);
        return next;
      }),
    delete: (data) =>
      setRows((previous) => {
        const next = new Map(previous);
        next.delete(data.key);
        return next;
      }),
  });
  const sorted = [...rows.values()].sort(
    (a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
  );
  return { rows: sorted, ...live };
}

function KindTable({ kind, namespace }) {
  const { rows, state, problem } = useRows(kind.id);
  const [access, setAccess] = useState(null);
  const now = useNow(60000);
  const columns = shownColumns(kind);

  useEffect(() => {
    if (!namespace) return undefined;
    let current = true;
    setAccess(null);
    getAccess(kind.id, namespace)
      .then((a) => current && setAccess(a))
      .catch(() => current && setAccess(null));
    return () => {
      current = false;
    };
  }, [kind.id, namespace]);

  return (
    <section className="kind">
      <div className="kind-head">
        <h2>{kind.kind}</h2>
        <LiveIndicator state={state} testId={`live-${kind.id}`} />
        {access && access.create && (
          <a className="btn btn-primary" href={newHref(kind.id, namespace)} data-testid={`create-${kind.id}`}>
            Create {kind.kind}
          </a>
        )}
      </div>
      {problem && (
        <p className="problem" role="status" data-testid={`problem-${kind.id}`}>
          {problem}
        </p>
      )}
      <table className="table" data-testid={`list-${kind.id}`}>
        <thead>
          <tr>
            <th>Name</th>
            <th>Namespace</th>
            {columns.map((c) => (
              <th key={c.index} title={c.description || undefined}>
                {c.name}
              </th>
            ))}
            <th>Age</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr className="empty">
              <td colSpan={columns.length + 3}>
                {state === 'connecting' ? 'Loading…' : `No ${kind.kind} that you may read.`}
              </td>
            </tr>
          )}
          {rows.map((row) => (
            <tr key={row.key} data-testid={`row-${row.namespace}-${row.name}`}>
              <td data-testid="cell-Name">
                <a href={instanceHref(kind.id, row.namespace, row.name)}>{row.name}</a>
              </td>
              <td data-testid="cell-Namespace">{row.namespace}</td>
              {columns.map((c) => (
                <td key={c.index} data-testid={`cell-${c.name}`}>
                  <Cell column={c} value={(row.cells || [])[c.index]} now={now} />
                </td>
              ))}
              <td data-testid="cell-Age">
                <time dateTime={row.created} title={row.created}>
                  {age(row.created, now)}
                </time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export default function KindList({ kinds, namespaces }) {
  const choices = namespaces.namespaces || [];
  const [namespace, setNamespace] = useState(choices[0] || 'default');
  const served = kinds.filter((k) => !k.error);
  const broken = kinds.filter((k) => k.error);

  return (
    <div className="list-page">
      {choices.length > 1 && (
        <p className="namespace-pick">
          <label htmlFor="list-namespace">Create in namespace </label>
          <select
            id="list-namespace"
            data-testid="list-namespace"
            value={namespace}
            onChange={(e) => setNamespace(e.target.value)}
          >
            {choices.map((ns) => (
              <option key={ns} value={ns}>
                {ns}
              </option>
            ))}
          </select>
        </p>
      )}
      {kinds.length === 0 && <p className="muted">This console serves no kind.</p>}
      {broken.map((k) => (
        <p key={k.id} className="problem" data-testid={`kind-error-${k.id}`}>
          {k.kind || k.id} cannot be shown: {k.error}
        </p>
      ))}
      {served.map((k) => (
        <KindTable key={k.id} kind={k} namespace={namespace} />
      ))}
    </div>
  );
}
