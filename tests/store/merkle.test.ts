import fc from 'fast-check';
import {
  EMPTY_TREE_HASH,
  MemoryTree,
  TreeFrontier,
  TreeNodes,
  consistencyProof,
  inclusionProof,
  leafHash,
  nodesCompletedBy,
  rootAt,
  verifyConsistency,
  verifyInclusion,
} from '../../src/store/merkle';

/**
 * The RFC 6962 test vectors of Certificate Transparency, as transparency-dev/merkle carries them: eight leaves,
 * the root of every prefix, and inclusion and consistency proofs (leaf numbers count from 1 there).
 */
const hex = (text: string) => Buffer.from(text, 'hex');
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(hex);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(hex);
const INCLUSION: Array<{ leaf: number; size: number; proof: string[] }> = [
  { leaf: 1, size: 1, proof: [] },
  {
    leaf: 1,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    leaf: 6,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { leaf: 3, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    leaf: 2,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const CONSISTENCY: Array<{ from: number; to: number; proof: string[] }> = [
  { from: 1, to: 1, proof: [] },
  {
    from: 1,
    to: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    from: 6,
    to: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    from: 2,
    to: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    from: 6,
    to: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

/** Every complete node of a tree over raw leaves, built one leaf at a time as a store does on append. */
const treeOf = (leaves: readonly Buffer[]): TreeNodes => {
  const levels: Buffer[][] = [];
  leaves.forEach((leaf, size) => {
    for (const { level, index, hash } of nodesCompletedBy(size, leafHash(leaf), (l, i) => {
      const node = levels[l]?.[i];
      if (node === undefined) throw new Error(`no node ${l}/${i}`);
      return node;
    })) {
      const row = levels[level] ?? [];
      row[index] = hash;
      levels[level] = row;
    }
  });
  return { size: leaves.length, node: (level, index) => levels[level]?.[index] ?? Buffer.alloc(0) };
};

const flipBit = (proof: readonly Buffer[], at: number): Buffer[] =>
  proof.map((p, i) => (i === at ? Buffer.from(p.map((b, j) => (j === 0 ? b ^ 8 : b))) : p));

describe('the RFC 6962 Merkle tree', () => {
  const tree = treeOf(LEAVES);

  it('has the published root for every prefix of the eight test leaves, built incrementally', () => {
    ROOTS.forEach((root, k) => expect(rootAt(tree, k + 1).toString('hex')).toBe(root.toString('hex')));
    expect(rootAt(tree, 0).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('streams to the same roots through its right edge alone', () => {
    const frontier = new TreeFrontier();
    expect(frontier.root()).toEqual(EMPTY_TREE_HASH);
    LEAVES.forEach((leaf, k) => {
      frontier.push(leafHash(leaf));
      expect(frontier.root().toString('hex')).toBe(ROOTS[k]?.toString('hex'));
    });
  });

  it.each(INCLUSION)(
    'proves leaf $leaf in the tree of $size with the published path',
    ({ leaf, size, proof }) => {
      const path = inclusionProof(tree, leaf - 1, size);
      expect(path.map((p) => p.toString('hex'))).toEqual(proof);
      const root = ROOTS[size - 1] ?? Buffer.alloc(0);
      const hashed = leafHash(LEAVES[leaf - 1] ?? Buffer.alloc(0));
      expect(verifyInclusion(leaf - 1, size, hashed, path, root)).toBe(true);
      // Wrong index, wrong size, wrong leaf, a flipped bit, a missing or extra step: refused.
      expect(verifyInclusion(leaf, size, hashed, path, root)).toBe(false);
      expect(verifyInclusion(leaf - 1, size * 2, hashed, path, root)).toBe(false);
      expect(verifyInclusion(leaf - 1, size, leafHash(Buffer.from('wrong')), path, root)).toBe(false);
      for (let i = 0; i < path.length; i += 1)
        expect(verifyInclusion(leaf - 1, size, hashed, flipBit(path, i), root)).toBe(false);
      if (path.length > 0) expect(verifyInclusion(leaf - 1, size, hashed, path.slice(1), root)).toBe(false);
      expect(verifyInclusion(leaf - 1, size, hashed, [...path, root], root)).toBe(false);
    },
  );

  it.each(CONSISTENCY)('proves the tree of $from is a prefix of the tree of $to', ({ from, to, proof }) => {
    const path = consistencyProof(tree, from, to);
    expect(path.map((p) => p.toString('hex'))).toEqual(proof);
    const [first, second] = [ROOTS[from - 1] ?? Buffer.alloc(0), ROOTS[to - 1] ?? Buffer.alloc(0)];
    expect(verifyConsistency(from, to, path, first, second)).toBe(true);
    if (path.length === 0) return;
    expect(verifyConsistency(from, to, path, second, first)).toBe(false);
    expect(verifyConsistency(from + 1, to, path, first, second)).toBe(false);
    expect(verifyConsistency(from, to, [], first, second)).toBe(false);
    for (let i = 0; i < path.length; i += 1)
      expect(verifyConsistency(from, to, flipBit(path, i), first, second)).toBe(false);
    expect(verifyConsistency(from, to, path.slice(0, -1), first, second)).toBe(false);
  });

  it('proves every leaf and every prefix of any tree it builds (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 8 }), { minLength: 1, maxLength: 40 }), (raw) => {
        const leaves = raw.map((bytes) => Buffer.from(bytes));
        const built = treeOf(leaves);
        const size = leaves.length;
        const root = rootAt(built, size);
        leaves.forEach((leaf, index) =>
          expect(verifyInclusion(index, size, leafHash(leaf), inclusionProof(built, index, size), root)).toBe(
            true,
          ),
        );
        for (let m = 0; m <= size; m += 1)
          expect(verifyConsistency(m, size, consistencyProof(built, m, size), rootAt(built, m), root)).toBe(
            true,
          );
      }),
      { numRuns: 60 },
    );
  });

  it('keeps, in memory, the same nodes and the leaf index of each event', () => {
    const memory = new MemoryTree();
    const hashes = ['aa', 'bb', 'cc'].map((b) => b.repeat(32));
    hashes.forEach((hash, k) => memory.append(`e${k}`, hash));
    expect(memory.size).toBe(3);
    expect(memory.leafOf('e2')).toEqual({ index: 2, eventHash: 'cc'.repeat(32) });
    expect(rootAt(memory, 3)).toEqual(rootAt(treeOf(hashes.map((h) => Buffer.from(h, 'hex'))), 3));
  });
});
