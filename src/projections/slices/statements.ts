import { Attribution, Characterisation } from '../../domain';
import { Chain, append, latest, sizeOf } from '../chain';
import { DigestTable } from '../digest-rules';
import { DevelopmentOfType, Evidence, defined, withEntry, entry } from '../evidence';

/** Every statement, attributed: the latest per speaker (or group of joint speakers), with the history behind it. */

export interface StatementRecord {
  readonly by: readonly string[];
  readonly kind: 'joint' | 'unilateral';
  readonly characterisation?: Characterisation;
  readonly text?: string;
  readonly attributedTo: readonly Attribution[];
  readonly evidence: Evidence;
}

export interface SpeakerStatements {
  readonly speakers: string;
  readonly statements: Chain<StatementRecord>;
  /** The latest statement of theirs that characterised the talks. */
  readonly characterisation?: StatementRecord & { readonly characterisation: Characterisation };
}

export type StatementsState = Readonly<Record<string, SpeakerStatements>>;
export const initialStatements: StatementsState = {};

/** The key of a speaker: who spoke, in a stable order. */
const speakersOf = (by: readonly string[]): string => [...by].sort().join(' + ');

export const statementIssued = (
  all: StatementsState,
  event: DevelopmentOfType<'StatementIssued'>,
  evidence: Evidence,
): StatementsState => {
  const { by, kind, characterisation, text } = event.payload;
  const record: StatementRecord = {
    by,
    kind,
    attributedTo: event.sources.flatMap((source) =>
      source.attribution === undefined ? [] : [source.attribution],
    ),
    evidence,
    ...defined({ characterisation, text }),
  };
  const speakers = speakersOf(by);
  const current = entry(all, speakers);
  return withEntry(all, speakers, {
    speakers,
    statements: append(current?.statements, record),
    ...(characterisation === undefined
      ? defined({ characterisation: current?.characterisation })
      : { characterisation: { ...record, characterisation } }),
  });
};

export type CharacterisationRecord = StatementRecord & { readonly characterisation: Characterisation };

export interface StatementsView {
  /** Each speaker's latest characterisation of the talks, the most recent first. */
  readonly characterisations: readonly CharacterisationRecord[];
  /** Each speaker's latest statement, with their earlier ones (the most recent) and how many in all. */
  readonly statements: ReadonlyArray<{
    readonly speakers: string;
    readonly latest: StatementRecord;
    readonly earlier: readonly StatementRecord[];
    readonly count: number;
  }>;
}

const byOccurrence = (a: { evidence: Evidence }, b: { evidence: Evidence }) =>
  a.evidence.occurredAt < b.evidence.occurredAt ? 1 : a.evidence.occurredAt > b.evidence.occurredAt ? -1 : 0;

export const statementsView = (all: StatementsState, recent: number): StatementsView => {
  const speakers = Object.values(all);
  return {
    characterisations: speakers
      .flatMap((s) => (s.characterisation === undefined ? [] : [s.characterisation]))
      .sort(byOccurrence),
    statements: speakers
      .map((s) => {
        const history = latest(s.statements, recent + 1);
        return {
          speakers: s.speakers,
          latest: s.statements.last,
          earlier: history.slice(0, -1).reverse(),
          count: sizeOf(s.statements),
        };
      })
      .sort((a, b) => byOccurrence(a.latest, b.latest)),
  };
};

export const STATEMENTS_DIGEST: DigestTable<StatementsView> = {
  characterisations: (list, put) =>
    list.forEach((c) =>
      put(`status.characterisation.${speakersOf(c.by)}`, c.characterisation, c.evidence.eventId),
    ),
  statements: (list, put) =>
    list.forEach((s) =>
      put(
        `status.statement.${s.speakers}`,
        s.latest.text ?? s.latest.characterisation ?? 'statement',
        s.latest.evidence.eventId,
      ),
    ),
};
