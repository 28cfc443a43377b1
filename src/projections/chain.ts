/**
 * An append-only list that shares its past: adding an item is O(1) and copies nothing, so a fold that keeps
 * histories (blame claims, the events that moved an issue) stays linear in the number of events, and every
 * checkpoint of the fold can share the same cells.
 */
export interface Chain<T> {
  readonly last: T;
  readonly before: Chain<T> | undefined;
  readonly length: number;
}

export const append = <T>(chain: Chain<T> | undefined, item: T): Chain<T> => ({
  last: item,
  before: chain,
  length: (chain?.length ?? 0) + 1,
});

/** The newest `count` items, oldest first. */
export const latest = <T>(chain: Chain<T> | undefined, count: number): T[] => {
  const items: T[] = [];
  for (let cell = chain; cell !== undefined && items.length < count; cell = cell.before)
    items.push(cell.last);
  return items.reverse();
};

/** Every item, oldest first. */
export const toArray = <T>(chain: Chain<T> | undefined): T[] => latest(chain, Number.POSITIVE_INFINITY);

export const sizeOf = <T>(chain: Chain<T> | undefined): number => chain?.length ?? 0;
