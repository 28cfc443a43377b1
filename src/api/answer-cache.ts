/**
 * Serialised answers by what they answer: the view, the negotiation, the stream revision and the decoded query.
 * A log at a given revision never changes, so an answer built from it stays exact for as long as that revision is
 * current; the next event moves the revision, the key changes, and the older answers age out unused. Least
 * recently used first out, within a byte budget. Answers that depend on the clock (no `asOf`) are never put here.
 */
export interface AnswerCache {
  readonly get: (key: string) => Buffer | undefined;
  readonly set: (key: string, body: Buffer) => void;
  readonly stats: () => AnswerCacheStats;
}

export interface AnswerCacheStats {
  readonly entries: number;
  readonly bytes: number;
  readonly budgetBytes: number;
  readonly hits: number;
  readonly misses: number;
}

/** Default budget: a few thousand status answers, small beside the server's memory target. */
export const DEFAULT_ANSWER_CACHE_BYTES = 32 * 1024 * 1024;

export const answerKey = (view: string, negotiationId: string, revision: number, params: object): string =>
  `${view} ${negotiationId} ${revision} ${JSON.stringify(params)}`;

export const createAnswerCache = (budgetBytes = DEFAULT_ANSWER_CACHE_BYTES): AnswerCache => {
  // Map order is recency order: a hit is deleted and set again.
  const entries = new Map<string, Buffer>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;
  const sizeOf = (key: string, body: Buffer) => body.length + key.length * 2;
  return {
    get: (key) => {
      const body = entries.get(key);
      if (body === undefined) {
        misses += 1;
        return undefined;
      }
      hits += 1;
      entries.delete(key);
      entries.set(key, body);
      return body;
    },
    set: (key, body) => {
      const size = sizeOf(key, body);
      if (size > budgetBytes) return;
      const previous = entries.get(key);
      if (previous !== undefined) {
        bytes -= sizeOf(key, previous);
        entries.delete(key);
      }
      entries.set(key, body);
      bytes += size;
      for (const [oldKey, oldBody] of entries) {
        if (bytes <= budgetBytes) break;
        entries.delete(oldKey);
        bytes -= sizeOf(oldKey, oldBody);
      }
    },
    stats: () => ({ entries: entries.size, bytes, budgetBytes, hits, misses }),
  };
};
