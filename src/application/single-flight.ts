/**
 * One run of `work` per key at a time: callers that ask while it runs share its promise instead of starting the
 * same work again. The key is forgotten once the work settles.
 */
export const singleFlight = <A>(
  running: Map<string, Promise<A>>,
  key: string,
  work: () => Promise<A>,
): Promise<A> => {
  const shared = running.get(key);
  if (shared !== undefined) return shared;
  const started = work().finally(() => running.delete(key));
  running.set(key, started);
  return started;
};
