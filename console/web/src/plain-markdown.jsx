// Stands in for `markdown-to-jsx/react` in the bundle (vite.config.js, resolve.alias). @rjsf/core renders a few
// strings with markdown-to-jsx (its own messages, and descriptions when a uiSchema sets
// ui:enableMarkdownInDescription); that library carries code paths with `eval` and dangerouslySetInnerHTML, which
// this page keeps out (CSP without 'unsafe-eval'; everything shown rendered as React text). Here a string is shown
// as text, with `backticks` as <code>: no HTML is ever parsed.
import { createElement } from 'react';

export function Markdown({ children, options, ...rest }) {
  const text = typeof children === 'string' ? children : null;
  if (text === null) return createElement('span', rest, children);
  const parts = text.split('`');
  return createElement(
    'span',
    rest,
    ...parts.map((part, i) => (i % 2 === 1 && i < parts.length - 1 ? createElement('code', { key: i }, part) : part)),
  );
}

export default Markdown;
