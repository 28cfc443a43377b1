import { createHash } from 'node:crypto';

/**
 * The RFC 6962 (RFC 9162) Merkle tree over the whole log: leaves in global order, each leaf the bytes of an event's
 * stored hash. Leaves and interior nodes are hashed with different prefixes, so no leaf can pass for a node.
 */
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export const leafHash = (leaf: Uint8Array): Buffer =>
  createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();

export const nodeHash = (left: Uint8Array, right: Uint8Array): Buffer =>
  createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();

/** The root of the tree with no leaves: the hash of nothing. */
export const EMPTY_TREE_HASH: Buffer = createHash('sha256').digest();

/** The leaf of a recorded event: its stored hash (hex) as bytes. */
export const eventLeafHash = (storedHash: string): Buffer => leafHash(Buffer.from(storedHash, 'hex'));

/**
 * The complete subtrees of a tree of `size` leaves: `node(level, index)` is the hash of the subtree over leaves
 * [index * 2^level, (index + 1) * 2^level). Once written such a node never changes, so stores persist them.
 */
export interface TreeNodes {
  readonly size: number;
  node(level: number, index: number): Buffer;
}

/** Where an event sits among the leaves, and the stored hash its leaf is made of. */
export interface EventLeaf {
  readonly index: number;
  readonly eventHash: string;
}

/** The tree a store serves proofs from: its nodes, and the leaf of each event. */
export interface LogTreeSnapshot extends TreeNodes {
  leafOf(eventId: string): EventLeaf | undefined;
}

const isPowerOfTwo = (n: number): boolean => n > 0 && 2 ** Math.round(Math.log2(n)) === n;

/** The largest power of two smaller than n (n > 1): where RFC 6962 splits a tree. */
export const splitPoint = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/**
 * MTH(D[start:end]). Every range the RFC's recursions ask for starts at a multiple of its left part's size, so
 * all but the right edge are complete nodes: O(log n) reads.
 */
export const rangeHash = (tree: TreeNodes, start: number, end: number): Buffer => {
  const n = end - start;
  if (n <= 0) return EMPTY_TREE_HASH;
  if (isPowerOfTwo(n) && start % n === 0) return tree.node(Math.round(Math.log2(n)), start / n);
  const k = splitPoint(n);
  return nodeHash(rangeHash(tree, start, start + k), rangeHash(tree, start + k, end));
};

export const rootAt = (tree: TreeNodes, size: number): Buffer => rangeHash(tree, 0, size);

/** RFC 6962 PATH(m, D[0:size]): the siblings from leaf m up to the root, nearest first. */
export const inclusionProof = (tree: TreeNodes, leafIndex: number, size: number): Buffer[] => {
  const path: Buffer[] = [];
  const walk = (m: number, start: number, end: number): void => {
    if (end - start <= 1) return;
    const k = splitPoint(end - start);
    if (m < k) {
      walk(m, start, start + k);
      path.push(rangeHash(tree, start + k, end));
    } else {
      walk(m - k, start + k, end);
      path.push(rangeHash(tree, start, start + k));
    }
  };
  walk(leafIndex, 0, size);
  return path;
};

/** RFC 6962 PROOF(m, D[0:size]): what shows the tree of m leaves is a prefix of the tree of `size`. */
export const consistencyProof = (tree: TreeNodes, m: number, size: number): Buffer[] => {
  const proof: Buffer[] = [];
  if (m <= 0 || m >= size) return proof;
  const walk = (m: number, start: number, end: number, whole: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!whole) proof.push(rangeHash(tree, start, end));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      walk(m, start, start + k, whole);
      proof.push(rangeHash(tree, start + k, end));
    } else {
      walk(m - k, start + k, end, false);
      proof.push(rangeHash(tree, start, start + k));
    }
  };
  walk(m, 0, size, true);
  return proof;
};

const odd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/** RFC 9162 2.1.3.2: whether `proof` takes the leaf at `leafIndex` to `root` in a tree of `size` leaves. */
export const verifyInclusion = (
  leafIndex: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean => {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(size) || leafIndex < 0 || leafIndex >= size)
    return false;
  let fn = leafIndex;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else r = nodeHash(r, p);
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.from(r).equals(root);
};

/** RFC 9162 2.1.4.2: whether `proof` shows the tree (first, firstRoot) is a prefix of (second, secondRoot). */
export const verifyConsistency = (
  first: number,
  second: number,
  proof: readonly Uint8Array[],
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
): boolean => {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second)
    return false;
  if (first === second) return proof.length === 0 && Buffer.from(firstRoot).equals(secondRoot);
  // Every tree extends the empty one.
  if (first === 0) return proof.length === 0;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  const [seed, ...rest] = path;
  if (seed === undefined) return false;
  let fr: Uint8Array = seed;
  let sr: Uint8Array = seed;
  for (const c of rest) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else sr = nodeHash(sr, c);
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.from(fr).equals(firstRoot) && Buffer.from(sr).equals(secondRoot);
};

/**
 * The nodes a new leaf completes, in order: the leaf itself at level 0, then each parent whose right child it
 * finishes. `left(level, index)` reads an existing node (a left sibling).
 */
export const nodesCompletedBy = (
  size: number,
  leaf: Buffer,
  left: (level: number, index: number) => Buffer,
): Array<{ readonly level: number; readonly index: number; readonly hash: Buffer }> => {
  const written = [{ level: 0, index: size, hash: leaf }];
  let hash = leaf;
  let index = size;
  let level = 0;
  while (odd(index)) {
    hash = nodeHash(left(level, index - 1), hash);
    index = half(index);
    level += 1;
    written.push({ level, index, hash });
  }
  return written;
};

/** A tree held in memory (the in-memory and EventStoreDB adapters): every complete node, level by level. */
export class MemoryTree implements LogTreeSnapshot {
  private readonly levels: Buffer[][] = [];
  private readonly leaves = new Map<string, EventLeaf>();

  get size(): number {
    return this.levels[0]?.length ?? 0;
  }

  node(level: number, index: number): Buffer {
    const hash = this.levels[level]?.[index];
    if (hash === undefined) throw new Error(`invariant: no tree node at level ${level}, index ${index}`);
    return hash;
  }

  leafOf(eventId: string): EventLeaf | undefined {
    return this.leaves.get(eventId);
  }

  append(eventId: string, storedHash: string): void {
    const index = this.size;
    for (const { level, index: at, hash } of nodesCompletedBy(index, eventLeafHash(storedHash), (l, i) =>
      this.node(l, i),
    )) {
      const row = this.levels[level] ?? [];
      row[at] = hash;
      this.levels[level] = row;
    }
    if (!this.leaves.has(eventId)) this.leaves.set(eventId, { index, eventHash: storedHash });
  }
}

/**
 * The right edge of a tree built leaf by leaf, in O(log n) memory: what a verifier streams the log through. Each
 * push returns the nodes it completed, so they can be compared with stored ones.
 */
export class TreeFrontier {
  private readonly edge: Array<{ level: number; hash: Buffer }> = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(leaf: Buffer): Array<{ readonly level: number; readonly index: number; readonly hash: Buffer }> {
    const completed = [{ level: 0, index: this.count, hash: leaf }];
    let hash = leaf;
    let level = 0;
    let index = this.count;
    while (this.edge.length > 0 && this.edge[this.edge.length - 1]?.level === level) {
      const left = this.edge.pop();
      if (left === undefined) break;
      hash = nodeHash(left.hash, hash);
      level += 1;
      index = half(index);
      completed.push({ level, index, hash });
    }
    this.edge.push({ level, hash });
    this.count += 1;
    return completed;
  }

  root(): Buffer {
    let root: Buffer | undefined;
    for (let i = this.edge.length - 1; i >= 0; i -= 1) {
      const node = this.edge[i];
      if (node === undefined) continue;
      root = root === undefined ? node.hash : nodeHash(node.hash, root);
    }
    return root ?? EMPTY_TREE_HASH;
  }
}
