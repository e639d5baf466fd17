// Hash routes (no server routes needed):
//   #/                              every kind's list
//   #/new/<kind>[?namespace=ns]     create
//   #/r/<kind>/<namespace>/<name>   an instance
//   #/r/<kind>/<namespace>/<name>/edit
const seg = encodeURIComponent;

export const listHref = () => '#/';
export const newHref = (kind, namespace) =>
  `#/new/${seg(kind)}${namespace ? `?${new URLSearchParams({ namespace })}` : ''}`;
export const instanceHref = (kind, namespace, name) => `#/r/${seg(kind)}/${seg(namespace)}/${seg(name)}`;
export const editHref = (kind, namespace, name) => `${instanceHref(kind, namespace, name)}/edit`;

export function navigate(href) {
  window.location.hash = href.startsWith('#') ? href.slice(1) : href;
}

function decode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** "#/r/k/ns/n/edit" -> {page: 'edit', kind, namespace, name}; unknown hashes -> {page: 'notFound'}. */
export function parseHash(hash) {
  const raw = (hash || '').replace(/^#/, '') || '/';
  const [path, queryString = ''] = raw.split('?');
  const query = new URLSearchParams(queryString);
  const parts = path.split('/').filter((p) => p !== '').map(decode);
  if (parts.some((p) => p === null || p === '')) return { page: 'notFound' };
  if (parts.length === 0) return { page: 'list' };
  if (parts[0] === 'new' && parts.length === 2) {
    return { page: 'new', kind: parts[1], namespace: query.get('namespace') || '' };
  }
  if (parts[0] === 'r' && parts.length === 4) {
    return { page: 'instance', kind: parts[1], namespace: parts[2], name: parts[3] };
  }
  if (parts[0] === 'r' && parts.length === 5 && parts[4] === 'edit') {
    return { page: 'edit', kind: parts[1], namespace: parts[2], name: parts[3] };
  }
  return { page: 'notFound' };
}
