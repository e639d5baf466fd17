// #/r/<kind>/<ns>/<name>: one object, live from its watch SSE (object, events, resources, gone, problem).
import { useEffect, useRef, useState } from 'react';
import { deleteObject, getAccess, watchObjectUrl } from '../api.js';
import { useEventSource, useNow } from '../live.js';
import { editHref, listHref, navigate } from '../routes.js';
import { ErrorBanner, LiveIndicator, StatusBadge, Time, cellText } from '../ui.jsx';

function fromSummary(summary, label) {
  const pair = (summary || []).find((p) => Array.isArray(p) && String(p[0]).toLowerCase() === label);
  return pair ? pair[1] : undefined;
}

/** The status text: the object's status.status (RedisCluster), else status.phase, the summary's, the newest condition. */
export function statusOf(data) {
  const status = (data && data.object && data.object.status) || {};
  if (typeof status.status === 'string' && status.status) return status.status;
  if (typeof status.phase === 'string' && status.phase) return status.phase;
  const fromPairs = fromSummary(data && data.summary, 'status');
  if (fromPairs) return String(fromPairs);
  const newest = data && data.conditions && data.conditions[0];
  return newest && newest.type ? newest.type : 'Unknown';
}

function masterOf(data) {
  const status = (data && data.object && data.object.status) || {};
  return status.master || fromSummary(data && data.summary, 'master') || null;
}

function CopyButton({ text }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <button type="button" className="btn btn-default btn-sm" onClick={copy}>
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

function Conditions({ conditions, now }) {
  return (
    <section>
      <h2>Conditions</h2>
      {conditions.length === 0 ? (
        <p className="muted">No condition yet.</p>
      ) : (
        <ol className="conditions" data-testid="conditions">
          {conditions.map((c, i) => (
            <li key={`${c.type}-${i}`} className={i === 0 ? 'current' : undefined}>
              <StatusBadge value={c.type} /> <span className="cond-status">status {cellText(c.status)}</span>
              {c.reason && <span className="cond-reason"> {c.reason}</span>}
              {c.lastTransitionTime && (
                <span className="muted">
                  {' '}
                  <Time value={c.lastTransitionTime} now={now} />
                </span>
              )}
              {c.message && <div className="cond-message">{c.message}</div>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Pods({ pods, status, note }) {
  const ready = pods.filter((p) => p.ready && !p.deleting).length;
  const replacing = pods.filter((p) => p.deleting || !p.ready).length;
  return (
    <section>
      <h2>Pods</h2>
      {status !== 'Healthy' && (
        <p className="progress" data-testid="progress">
          {status}: {ready} of {pods.length} pods ready
          {replacing > 0 ? `, ${replacing} being started, replaced or not ready` : ''}.
        </p>
      )}
      {note && (
        <p className="help-block" data-testid="pods-note">
          {note}
        </p>
      )}
      <table className="table" data-testid="pods">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Phase</th>
            <th>Ready</th>
            <th>Restarts</th>
            <th>IP</th>
            <th>Node</th>
          </tr>
        </thead>
        <tbody>
          {pods.length === 0 && (
            <tr className="empty">
              <td colSpan={7}>No pod yet.</td>
            </tr>
          )}
          {pods.map((p) => {
            const changing = p.deleting || !p.ready;
            return (
              <tr key={p.name} data-testid={`pod-${p.name}`} className={changing ? 'replacing' : undefined}>
                <td>
                  {p.name}
                  {p.deleting && <span className="tag"> being deleted</span>}
                  {!p.deleting && !p.ready && <span className="tag"> not ready</span>}
                </td>
                <td>{cellText(p.role)}</td>
                <td>{cellText(p.phase)}</td>
                <td>{p.ready ? 'yes' : 'no'}</td>
                <td>{cellText(p.restarts)}</td>
                <td>{cellText(p.ip)}</td>
                <td>{cellText(p.node)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function Events({ events, now }) {
  return (
    <section>
      <h2>Events</h2>
      {events.length === 0 ? (
        <p className="muted">No event.</p>
      ) : (
        <ol className="events" data-testid="events">
          {events.map((e, i) => (
            <li key={e.uid || i} className={e.type === 'Warning' ? 'warning' : undefined}>
              <span className="muted">{e.time ? <Time value={e.time} now={now} /> : ''}</span>{' '}
              <strong>{cellText(e.type)}</strong> {cellText(e.reason)}
              {e.count > 1 && <span className="muted"> ×{e.count}</span>}
              {e.source && <span className="muted"> ({cellText(e.source)})</span>}
              <div>{cellText(e.message)}</div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** A Service's ports: "redis 6379/TCP", or whatever the server sent, as text. */
function portsText(ports) {
  if (!Array.isArray(ports)) return cellText(ports);
  return ports
    .map((p) => {
      if (!p || typeof p !== 'object') return cellText(p);
      const number = [p.port, p.protocol].filter(Boolean).join('/');
      return [p.name, number].filter(Boolean).join(' ') || JSON.stringify(p);
    })
    .join(', ');
}

function SimpleTable({ title, testId, columns, rows }) {
  return (
    <section>
      <h2>{title}</h2>
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map(([label]) => (
              <th key={label}>{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr className="empty">
              <td colSpan={columns.length}>None.</td>
            </tr>
          )}
          {rows.map((row, i) => (
            <tr key={row.name || i}>
              {columns.map(([label, key]) => (
                <td key={label}>{key === 'ports' ? portsText(row[key]) : cellText(row[key])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Connect({ lines, secretName }) {
  if (!lines.length && !secretName) return null;
  return (
    <section className="connect" data-testid="connect">
      <h2>Connect</h2>
      {lines.map((line, i) => (
        <div className="connect-line" key={i}>
          <pre>{line}</pre>
          <CopyButton text={line} />
        </div>
      ))}
      {secretName && (
        <p>
          The password is in the Secret <code>{secretName}</code>; the console never shows it.
        </p>
      )}
    </section>
  );
}

function DeleteDialog({ kind, namespace, name, notice, onClose }) {
  const ref = useRef(null);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      if (dialog && dialog.open) dialog.close();
    };
  }, []);

  const confirm = async (event) => {
    event.preventDefault();
    if (typed !== name) return;
    setBusy(true);
    setError(null);
    try {
      await deleteObject(kind.id, namespace, name);
      navigate(listHref());
    } catch (e) {
      setError(e.message);
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} className="dialog" onCancel={onClose} aria-labelledby="delete-title">
      <form onSubmit={confirm}>
        <h2 id="delete-title">
          Delete {kind.kind} {namespace}/{name}?
        </h2>
        {notice && (
          <p className="notice" data-testid="delete-notice">
            {notice}
          </p>
        )}
        <div className="form-group">
          <label className="control-label" htmlFor="confirm-name">
            Type the name <code>{name}</code> to confirm
          </label>
          <input
            id="confirm-name"
            className="form-control"
            data-testid="confirm-name"
            autoComplete="off"
            spellCheck="false"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
        </div>
        <ErrorBanner message={error} />
        <div className="buttons">
          <button type="submit" className="btn btn-danger" data-testid="confirm-delete" disabled={busy || typed !== name}>
            {busy ? 'Deleting…' : 'Delete'}
          </button>
          <button type="button" className="btn btn-default" onClick={onClose} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}

export default function Instance({ kind, namespace, name }) {
  const [data, setData] = useState(null);
  const [events, setEvents] = useState([]);
  const [resources, setResources] = useState({ pods: [], services: [], pvcs: [] });
  const [gone, setGone] = useState(false);
  const [access, setAccess] = useState(null);
  const [deleting, setDeleting] = useState(false);
  const now = useNow(60000);

  const { state, problem } = useEventSource(gone ? null : watchObjectUrl(kind.id, namespace, name), {
    object: (d) => setData(d),
    events: (d) => setEvents(d.events || []),
    resources: (d) =>
      setResources({ pods: d.pods || [], services: d.services || [], pvcs: d.pvcs || [], podsNote: d.podsNote }),
    gone: () => setGone(true),
  });

  useEffect(() => {
    let current = true;
    getAccess(kind.id, namespace, name)
      .then((a) => current && setAccess(a))
      .catch(() => current && setAccess(null));
    return () => {
      current = false;
    };
  }, [kind.id, namespace, name]);

  const status = gone ? 'Deleted' : statusOf(data);
  const dateColumns = new Set((kind.columns || []).filter((c) => c.type === 'date').map((c) => c.name));
  const master = masterOf(data);

  return (
    <section className="instance">
      <div className="instance-head">
        <h1>
          {kind.kind} <span data-testid="name">{name}</span>{' '}
          <span className="muted">
            in <span data-testid="namespace">{namespace}</span>
          </span>
        </h1>
        {!gone && <LiveIndicator state={state} testId="live" />}
        <div className="actions">
          {!gone && access && access.update && (
            <button type="button" className="btn btn-default" data-testid="edit" onClick={() => navigate(editHref(kind.id, namespace, name))}>
              Edit
            </button>
          )}
          {!gone && access && access.delete && (
            <button type="button" className="btn btn-danger" data-testid="delete" onClick={() => setDeleting(true)}>
              Delete
            </button>
          )}
        </div>
      </div>

      {gone && (
        <div className="gone" role="status" data-testid="gone">
          This {kind.kind} was deleted. <a href={listHref()}>Back to the list</a>
        </div>
      )}
      {problem && (
        <p className="problem" role="status" data-testid="problem">
          {problem}
        </p>
      )}
      {state === 'closed' && !gone && !data && (
        <ErrorBanner message="The console could not watch this object: it may not exist, or you may not read it.">
          <a href={listHref()}>Back to the list</a>
        </ErrorBanner>
      )}

      <div className="status-line">
        <span className="status-big">
          Status <StatusBadge value={data || gone ? status : 'Loading…'} testId="status" />
        </span>
        {master && (
          <span>
            Master <strong data-testid="master">{master}</strong>
          </span>
        )}
        {data && data.observedCurrent === false && (
          <span className="stale-status" data-testid="status-behind">
            reported for an earlier spec: the latest change is not reconciled yet
          </span>
        )}
      </div>

      {data && (
        <>
          {data.summary && data.summary.length > 0 && (
            <dl className="summary" data-testid="summary">
              {data.summary.map((pair, i) => (
                <div key={i}>
                  <dt>{cellText(pair[0])}</dt>
                  <dd>
                    {dateColumns.has(pair[0]) && typeof pair[1] === 'string' ? (
                      <Time value={pair[1]} now={now} />
                    ) : (
                      cellText(pair[1])
                    )}
                  </dd>
                </div>
              ))}
            </dl>
          )}
          <Pods pods={resources.pods} status={status} note={resources.podsNote} />
          <Conditions conditions={data.conditions || []} now={now} />
          <Events events={events} now={now} />
          <SimpleTable
            title="Services"
            testId="services"
            columns={[
              ['Name', 'name'],
              ['Type', 'type'],
              ['Cluster IP', 'clusterIP'],
              ['Ports', 'ports'],
            ]}
            rows={resources.services}
          />
          <SimpleTable
            title="PersistentVolumeClaims"
            testId="pvcs"
            columns={[
              ['Name', 'name'],
              ['Phase', 'phase'],
              ['Capacity', 'capacity'],
            ]}
            rows={resources.pvcs}
          />
          <Connect lines={data.connect || []} secretName={data.secretName} />
        </>
      )}

      {deleting && (
        <DeleteDialog
          kind={kind}
          namespace={namespace}
          name={name}
          notice={data ? data.deleteNotice : null}
          onClose={() => setDeleting(false)}
        />
      )}
    </section>
  );
}
