import * as E from 'fp-ts/Either';
import { canonicalJson } from '../../src/store';
import {
  decodeNewEvent,
  decodeNewEvents,
  occurrenceInterval,
  EVENT_TYPES,
  CAMEO_CODES,
} from '../../src/domain';
import { reported, source, unwrapLeft } from '../support/builders';

const valid = {
  type: 'DelegationSent',
  occurredAt: '2024-07-05',
  precision: 'day',
  reportedAt: '2024-07-04T18:00:00Z',
  sources: [source()],
  payload: { party: 'Israel', venue: 'Doha', head: { name: 'David Barnea', role: 'Director of the Mossad' } },
};

describe('decoding a reported development', () => {
  it('accepts a valid event and keeps its fields', () => {
    const decoded = decodeNewEvent(valid);
    expect(E.isRight(decoded) && decoded.right.type === 'DelegationSent' && decoded.right.payload.venue).toBe(
      'Doha',
    );
  });

  it('names every bad field with its path', () => {
    const violations = unwrapLeft(
      decodeNewEvent({
        ...valid,
        reportedAt: 'yesterday',
        sources: [{ ...source(), quote: '' }],
        payload: { party: 'Israel' },
      }),
    );
    const fields = violations.map((v) => v.field);
    expect(fields).toEqual(expect.arrayContaining(['reportedAt', 'sources.0.quote']));
    // Payload errors are reported once the envelope is valid.
    const payloadViolations = unwrapLeft(
      decodeNewEvent({ ...valid, payload: { party: 'Israel', head: { role: 'x' } } }),
    );
    expect(payloadViolations.map((v) => v.field)).toEqual(
      expect.arrayContaining(['payload.venue', 'payload.head.name']),
    );
  });

  it('refuses unknown event types by listing the known ones', () => {
    const [violation] = unwrapLeft(decodeNewEvent({ ...valid, type: 'TalksExploded' }));
    expect(violation?.field).toBe('type');
    expect(violation?.reason).toContain('DelegationRecalled');
  });

  it('refuses misspelt fields instead of dropping them', () => {
    const violations = unwrapLeft(decodeNewEvent({ ...valid, occuredAt: '2024-07-05' }));
    expect(violations).toContainEqual({
      field: 'occuredAt',
      reason: expect.stringMatching(/^is not a known field \(known: .*occurredAt/),
    });
  });

  it('refuses a recordedAt or recordedBy in the body: the store sets them', () => {
    const violations = unwrapLeft(
      decodeNewEvent({ ...valid, recordedAt: '2024-07-05T00:00:00Z', recordedBy: 'me' }),
    );
    expect(violations.map((v) => v.field).sort()).toEqual(['recordedAt', 'recordedBy']);
  });

  it('requires at least one source with an attribution', () => {
    expect(unwrapLeft(decodeNewEvent({ ...valid, sources: [] }))).toContainEqual({
      field: 'sources',
      reason: 'must not be empty',
    });
    const { attribution: _a, ...unattributed } = source();
    expect(unwrapLeft(decodeNewEvent({ ...valid, sources: [unattributed] })).map((v) => v.field)).toContain(
      'sources.0.attribution',
    );
  });

  it('checks that occurredAt matches its precision', () => {
    expect(unwrapLeft(decodeNewEvent({ ...valid, occurredAt: '2024-07', precision: 'day' }))[0]?.field).toBe(
      'occurredAt',
    );
    expect(E.isRight(decodeNewEvent({ ...valid, occurredAt: '2024-07', precision: 'month' }))).toBe(true);
    expect(
      unwrapLeft(decodeNewEvent({ ...valid, occurredAt: '2024-02-30', precision: 'day' }))[0]?.field,
    ).toBe('occurredAt');
  });

  it('indexes batch violations by event', () => {
    const violations = unwrapLeft(decodeNewEvents([valid, { ...valid, precision: 'week' }]));
    expect(violations.map((v) => v.field)).toEqual(['events.1.precision']);
  });

  it('validates prerequisites by their kind', () => {
    const phase = {
      phaseId: 'phase-2',
      name: 'Two',
      order: 2,
      provisions: [],
      prerequisites: [{ kind: 'phase-started' }],
    };
    const violations = unwrapLeft(
      decodeNewEvent({ ...valid, type: 'FrameworkDefined', payload: { proposalId: 'p', phases: [phase] } }),
    );
    expect(violations).toContainEqual({
      field: 'payload.phases.0.prerequisites.0.phaseId',
      reason: 'is required',
    });
    const unknownKind = unwrapLeft(
      decodeNewEvent({
        ...valid,
        type: 'FrameworkDefined',
        payload: { proposalId: 'p', phases: [{ ...phase, prerequisites: [{ kind: 'vibes' }] }] },
      }),
    );
    expect(unknownKind[0]?.field).toBe('payload.phases.0.prerequisites.0.kind');
  });

  it('returns the decoded values at every depth, keys sorted, so the event serialises to its canonical JSON', () => {
    const unsorted = {
      ...valid,
      sources: [
        {
          quote: 'q',
          outlet: 'o',
          title: 't',
          publishedAt: '2024-07-04',
          attribution: { name: 'N', kind: 'named' },
        },
      ],
    };
    const decoded = decodeNewEvent(unsorted);
    expect(E.isRight(decoded)).toBe(true);
    if (E.isRight(decoded)) {
      expect(Object.keys(decoded.right.sources[0] ?? {})).toEqual([
        'attribution',
        'outlet',
        'publishedAt',
        'quote',
        'title',
      ]);
      expect(JSON.stringify(decoded.right.payload)).toBe(canonicalJson(decoded.right.payload));
      expect(JSON.stringify(decoded.right.sources)).toBe(canonicalJson(unsorted.sources));
    }
  });

  it('gives every event type a CAMEO mapping entry', () => {
    expect(Object.keys(CAMEO_CODES).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('builds test events through the same codec', () => {
    expect(reported('TalksStalled', { reason: 'deadlock' }).payload.reason).toBe('deadlock');
  });
});

describe('occurrence intervals keep the precision of the report', () => {
  it.each([
    ['2024-06', 'month', '2024-06-01T00:00:00.000Z', '2024-07-01T00:00:00.000Z'],
    ['2024-12-25', 'day', '2024-12-25T00:00:00.000Z', '2024-12-26T00:00:00.000Z'],
    ['2024-07-01/2024-07-03', 'range', '2024-07-01T00:00:00.000Z', '2024-07-04T00:00:00.000Z'],
  ] as const)('%s at %s precision spans [%s, %s)', (value, precision, start, end) => {
    const interval = occurrenceInterval(value, precision);
    expect(typeof interval).toBe('object');
    if (typeof interval === 'object') {
      expect(new Date(interval.startMs).toISOString()).toBe(start);
      expect(new Date(interval.endMs).toISOString()).toBe(end);
    }
  });

  it('refuses a range that ends before it starts', () => {
    expect(occurrenceInterval('2024-07-03/2024-07-01', 'range')).toBe('range must not end before it starts');
  });
});
