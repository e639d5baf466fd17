// Small pieces shared by the pages. Everything shown comes from users or the cluster: React text only.

/** A general error: `message`, and optional details [{field, messages}] or strings. */
export function ErrorBanner({ message, details, children }) {
  if (!message && !children) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      {message && <p>{message}</p>}
      {details && details.length > 0 && (
        <ul>
          {details.map((d, i) =>
            typeof d === 'string' ? (
              <li key={i}>{d}</li>
            ) : (
              <li key={i}>
                <code>{d.field}</code>: {d.messages.join('; ')}
              </li>
            ),
          )}
        </ul>
      )}
      {children}
    </div>
  );
}

export function statusClass(value) {
  if (value === 'Healthy') return 'badge badge-healthy';
  if (value === 'Failed') return 'badge badge-failed';
  return 'badge badge-other';
}

export function StatusBadge({ value, testId }) {
  const text = value === null || value === undefined || value === '' ? 'Unknown' : String(value);
  return (
    <span className={statusClass(text)} data-testid={testId}>
      {text}
    </span>
  );
}

/** "45s", "12m", "3h", "5d" from an RFC 3339 time (kubectl's style, minutes at least once past a minute). */
export function age(rfc3339, now = Date.now()) {
  const t = Date.parse(rfc3339);
  if (Number.isNaN(t)) return '';
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 60) return '<1m';
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 && h < 10 ? `${h}h${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return d < 10 && h % 24 ? `${d}d${h % 24}h` : `${d}d`;
}

export function Time({ value, now }) {
  if (!value) return null;
  const t = new Date(value);
  if (Number.isNaN(t.getTime())) return <span>{String(value)}</span>;
  return (
    <time dateTime={value} title={t.toLocaleString()}>
      {age(value, now)} ago
    </time>
  );
}

/** A cell value of a list row or a summary: text, whatever the JSON type. */
export function cellText(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function LiveIndicator({ state, testId }) {
  const label =
    { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', closed: 'not connected' }[state] ||
    state;
  return (
    <span className={`live live-${state}`} data-testid={testId} title="Updates arrive as server-sent events">
      {label}
    </span>
  );
}
