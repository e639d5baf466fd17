// Live views: the server-sent events of API.md, read with EventSource (the page never polls the API).
import { useEffect, useRef, useState } from 'react';
import { checkSession } from './api.js';

function parse(event) {
  try {
    return JSON.parse(event.data);
  } catch {
    return null;
  }
}

/**
 * Opens `url` as an EventSource while the component is mounted (closed on unmount or when `url` changes) and
 * calls `handlers[name](data)` for each named event. `problem` events (the watch failed, the server retries) are
 * kept in `problem` until the next other event. `state`: connecting | live | reconnecting | closed (the server
 * refused the stream: not signed in, not allowed, not found).
 */
export function useEventSource(url, handlers) {
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;
  const names = Object.keys(handlers).sort().join(',');
  const [state, setState] = useState('connecting');
  const [problem, setProblem] = useState(null);

  useEffect(() => {
    if (!url) return undefined;
    setState('connecting');
    setProblem(null);
    const source = new EventSource(url);
    const listen = (name) => (event) => {
      const data = parse(event);
      if (data === null) return;
      if (name === 'problem') {
        setProblem(data.message || 'The watch failed; the server retries.');
      } else {
        setProblem(null);
      }
      const handler = handlersRef.current[name];
      if (handler) handler(data);
    };
    const listeners = {};
    for (const name of new Set([...names.split(',').filter(Boolean), 'problem'])) {
      listeners[name] = listen(name);
      source.addEventListener(name, listeners[name]);
    }
    source.onopen = () => setState('live');
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        setState('closed');
        // Perhaps the session ended: let the app show the sign-in view if so.
        checkSession();
      } else {
        setState('reconnecting');
      }
    };
    return () => {
      for (const [name, listener] of Object.entries(listeners)) source.removeEventListener(name, listener);
      source.onopen = null;
      source.onerror = null;
      source.close();
    };
  }, [url, names]);

  return { state, problem };
}

/**
 * The first `name` event of `url`, then the stream is closed (the edit form reads the object once this way).
 * Resolves with the event's data; rejects on `gone`, or when the server refuses the stream. Returns {promise, cancel}.
 */
export function firstEvent(url, name) {
  let source = null;
  const promise = new Promise((resolve, reject) => {
    source = new EventSource(url);
    source.addEventListener(name, (event) => {
      source.close();
      resolve(parse(event));
    });
    source.addEventListener('gone', () => {
      source.close();
      reject(new Error('This object was deleted.'));
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        checkSession();
        reject(new Error('The console could not read this object (it may not exist, or you may not read it).'));
      }
    };
  });
  return {
    promise,
    cancel: () => {
      if (source) source.close();
    },
  };
}

/** Re-renders once every `ms` (for ages such as "5m"); touches no API. */
export function useNow(ms = 60000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
