import { AuditedRow, StreamRowSeen, startLogAudit } from '../../src/application/log-audit';
import { GENESIS_HASH, TreeFrontier, eventLeafHash } from '../../src/store';

/** A negotiation's rows as an honest store writes them: each names the hash of the one before. */
const chain = (negotiationId: string, count: number, firstPosition: number): AuditedRow[] =>
  [...Array(count).keys()].map((revision) => ({
    position: firstPosition + revision,
    eventId: `${negotiationId}-${revision}`,
    negotiationId,
    revision,
    storedHash: `${negotiationId}-${revision}`.padEnd(64, '0').replace(/[^0-9a-f]/g, 'a'),
    recordedAt: '2025-01-01T00:00:00.000Z',
    previousHash:
      revision === 0
        ? GENESIS_HASH
        : `${negotiationId}-${revision - 1}`.padEnd(64, '0').replace(/[^0-9a-f]/g, 'a'),
    hashMatchesContent: true,
  }));

const headOf = (rows: readonly AuditedRow[]): StreamRowSeen => {
  const last = rows[rows.length - 1];
  if (last === undefined) throw new Error('no rows');
  return {
    negotiationId: last.negotiationId,
    revision: last.revision,
    lastHash: last.storedHash,
    eventCount: rows.length,
    lastRecordedAt: last.recordedAt,
  };
};

const rootOf = (rows: readonly AuditedRow[]) => {
  const frontier = new TreeFrontier();
  rows.forEach((row) => frontier.push(eventLeafHash(row.storedHash)));
  return frontier.root();
};

describe('the strict audit of a log', () => {
  const a = chain('aaa', 4, 1);
  const b = chain('bbb', 3, 5);

  it('finds nothing in an honest log, and proves it extends an earlier checkpoint of it', () => {
    const audit = startLogAudit({
      contiguousPositions: true,
      checkpoint: { origin: 'o', size: 4, rootHash: rootOf(a) },
    });
    [...a, ...b].forEach(audit.row);
    const report = audit.finish([headOf(a), headOf(b)]);
    expect(report).toEqual({
      events: 7,
      logSize: 7,
      negotiations: 2,
      problems: [],
      checkpoint: { size: 4, extended: true },
    });
  });

  it('reports every break, not only the first, and keeps going past an undecodable row', () => {
    const rows = [...a, ...b].filter((row) => row.eventId !== 'aaa-1');
    const edited = rows.map((row) =>
      row.eventId === 'bbb-2'
        ? { ...row, hashMatchesContent: false, undecodable: 'occurredAt is not a date' }
        : row,
    );
    const audit = startLogAudit({ contiguousPositions: true });
    edited.forEach(audit.row);
    const report = audit.finish([
      headOf(a),
      { ...headOf(b), revision: 1 },
      { ...headOf(b), negotiationId: 'ccc' },
    ]);
    expect(report.problems.map((p) => [p.kind, p.eventId ?? p.negotiationId])).toEqual([
      ['events-missing', '(log)'],
      ['revision-gap', 'aaa-2'],
      ['previous-hash-mismatch', 'aaa-2'],
      ['undecodable', 'bbb-2'],
      ['hash-mismatch', 'bbb-2'],
      ['streams-row', 'aaa'],
      ['streams-row', 'bbb'],
      ['streams-row', 'ccc'],
    ]);
    expect(report.problems[5]?.detail).toBe('the streams row counts 4 events, the log holds 3');
    expect(report.problems[6]?.detail).toBe("the streams row says revision 1, lower than the last event's 2");
    expect(report.problems[7]?.detail).toBe('a streams row with no events');
  });

  it('tells a truncated log from a rewritten one against a checkpoint', () => {
    const checkpoint = { origin: 'o', size: 7, rootHash: rootOf([...a, ...b]) };
    const truncated = startLogAudit({ contiguousPositions: true, checkpoint });
    a.forEach(truncated.row);
    expect(truncated.finish(undefined).problems).toEqual([
      expect.objectContaining({
        kind: 'not-extended',
        detail: expect.stringMatching(/holds 4 events, fewer than the 7/),
      }),
    ]);
    const rewritten = startLogAudit({ contiguousPositions: true, checkpoint });
    [
      ...b.map((row, k) => ({ ...row, position: k + 1 })),
      ...a.map((row, k) => ({ ...row, position: k + 4 })),
    ].forEach(rewritten.row);
    const report = rewritten.finish(undefined);
    expect(report.checkpoint).toEqual({ size: 7, extended: false });
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: 'not-extended',
        detail: expect.stringMatching(/no longer hash to the checkpoint's root/),
      }),
    ]);
  });
});
