import * as t from 'io-ts';
import { Slug } from './codecs';

/**
 * Identifiers people choose for the things a negotiation talks about. Each kind is its own branded type (the io-ts
 * way: a brand interface per kind), so an issue id cannot be passed where a phase id is expected; on the wire they
 * are all slugs.
 */
export interface IssueIdBrand {
  readonly IssueId: unique symbol;
}
export interface PhaseIdBrand {
  readonly PhaseId: unique symbol;
}
export interface ProposalIdBrand {
  readonly ProposalId: unique symbol;
}
export interface AgreementIdBrand {
  readonly AgreementId: unique symbol;
}
export interface DeadlineIdBrand {
  readonly DeadlineId: unique symbol;
}
export interface CeasefireIdBrand {
  readonly CeasefireId: unique symbol;
}
export interface CommitmentIdBrand {
  readonly CommitmentId: unique symbol;
}
export interface MeetingIdBrand {
  readonly MeetingId: unique symbol;
}
export interface GroupingIdBrand {
  readonly GroupingId: unique symbol;
}
export interface SubjectIdBrand {
  readonly SubjectId: unique symbol;
}

export const IssueId = t.brand(Slug, (_s): _s is t.Branded<string, IssueIdBrand> => true, 'IssueId');
export type IssueId = t.TypeOf<typeof IssueId>;
export const PhaseId = t.brand(Slug, (_s): _s is t.Branded<string, PhaseIdBrand> => true, 'PhaseId');
export type PhaseId = t.TypeOf<typeof PhaseId>;
export const ProposalId = t.brand(Slug, (_s): _s is t.Branded<string, ProposalIdBrand> => true, 'ProposalId');
export type ProposalId = t.TypeOf<typeof ProposalId>;
export const AgreementId = t.brand(
  Slug,
  (_s): _s is t.Branded<string, AgreementIdBrand> => true,
  'AgreementId',
);
export type AgreementId = t.TypeOf<typeof AgreementId>;
export const DeadlineId = t.brand(Slug, (_s): _s is t.Branded<string, DeadlineIdBrand> => true, 'DeadlineId');
export type DeadlineId = t.TypeOf<typeof DeadlineId>;
export const CeasefireId = t.brand(
  Slug,
  (_s): _s is t.Branded<string, CeasefireIdBrand> => true,
  'CeasefireId',
);
export type CeasefireId = t.TypeOf<typeof CeasefireId>;
export const CommitmentId = t.brand(
  Slug,
  (_s): _s is t.Branded<string, CommitmentIdBrand> => true,
  'CommitmentId',
);
export type CommitmentId = t.TypeOf<typeof CommitmentId>;
export const MeetingId = t.brand(Slug, (_s): _s is t.Branded<string, MeetingIdBrand> => true, 'MeetingId');
export type MeetingId = t.TypeOf<typeof MeetingId>;
export const GroupingId = t.brand(Slug, (_s): _s is t.Branded<string, GroupingIdBrand> => true, 'GroupingId');
export type GroupingId = t.TypeOf<typeof GroupingId>;
/** What an independent body verifies: a commitment, a phase, a provision (named by its own slug). */
export const SubjectId = t.brand(Slug, (_s): _s is t.Branded<string, SubjectIdBrand> => true, 'SubjectId');
export type SubjectId = t.TypeOf<typeof SubjectId>;

/** The payload types with every id unbranded: what a client writes, before the codec has checked it. */
export type Unbranded<T> =
  T extends t.Branded<infer S, unknown>
    ? S
    : T extends ReadonlyArray<infer U>
      ? Array<Unbranded<U>>
      : T extends object
        ? { [K in keyof T]: Unbranded<T[K]> }
        : T;
