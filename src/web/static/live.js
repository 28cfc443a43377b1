// Live updates: the page follows its negotiation's stream (server-sent events) and refreshes when a
// development lands. The browser resumes after a dropped connection from the last id it received.
import { useEffect, useRef, useState } from 'preact/hooks';
import { streamPath } from './api.js';

/**
 * Opens the stream from `after` (the last global position the page has read) and calls `onDevelopment` with
 * each stored event that arrives. Returns the connection state: 'connecting', 'live' or 'reconnecting'.
 */
export const useLiveStream = (negotiationId, after, onDevelopment) => {
  const [state, setState] = useState('connecting');
  const handler = useRef(onDevelopment);
  handler.current = onDevelopment;
  useEffect(() => {
    if (negotiationId === undefined || after === undefined) return undefined;
    const source = new EventSource(streamPath(negotiationId, after));
    source.onopen = () => setState('live');
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    source.addEventListener('development', (message) => {
      setState('live');
      handler.current(JSON.parse(message.data));
    });
    return () => source.close();
    // Opened once per negotiation (once its first position is known): later positions arrive through it.
  }, [negotiationId, after === undefined]);
  return state;
};
