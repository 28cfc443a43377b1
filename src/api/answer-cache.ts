import { LRUCache } from 'lru-cache';

/**
 * Serialised answers by what they answer (the key from the read path: view, negotiation, stream revision, query).
 * A log at a given revision never changes, so an answer built from it stays exact for as long as that revision is
 * current; the next event moves the revision, the key changes, and the older answers age out unused. Least
 * recently used first out, within a byte budget. Answers that follow the clock (no `asOf`) are never put here.
 */
export interface KeptAnswer {
  /** The revision the answer was built from (its ETag): for a knownAt, older than the stream's. */
  readonly revision: number;
  readonly body: Buffer;
}

export interface AnswerCache {
  readonly get: (key: string) => KeptAnswer | undefined;
  readonly set: (key: string, answer: KeptAnswer) => void;
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

export const createAnswerCache = (budgetBytes = DEFAULT_ANSWER_CACHE_BYTES): AnswerCache => {
  const entries = new LRUCache<string, KeptAnswer>({
    maxSize: budgetBytes,
    // A key is held as UTF-16 beside its body.
    sizeCalculation: (answer, key) => Math.max(1, answer.body.length + key.length * 2),
  });
  let hits = 0;
  let misses = 0;
  return {
    get: (key) => {
      const answer = entries.get(key);
      if (answer === undefined) misses += 1;
      else hits += 1;
      return answer;
    },
    set: (key, answer) => {
      // lru-cache refuses (and drops the key of) an entry larger than the whole budget.
      if (answer.body.length + key.length * 2 > budgetBytes) return;
      entries.set(key, answer);
    },
    stats: () => ({ entries: entries.size, bytes: entries.calculatedSize, budgetBytes, hits, misses }),
  };
};
