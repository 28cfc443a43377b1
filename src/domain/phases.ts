import * as t from 'io-ts';
import {
  Name,
  PositiveNumber,
  Slug,
  Text,
  boundedArray,
  discriminated,
  nonEmptyArray,
  oneOf,
  strictObject,
} from './codecs';
import { AgreementId, CommitmentId, IssueId, PhaseId, ProposalId, SubjectId } from './ids';
import { DateOrDateTime } from './time';

const kind = <K extends string>(value: K) => oneOf('kind', [value] as const);

/**
 * A development a time condition counts from ("90 days after the agreement", "42 days after phase-1 started").
 * An agreement or proposal left out means the one that defines the phase.
 */
export const Milestone = discriminated('Milestone', 'of', {
  agreement: strictObject(
    'AgreementMilestone',
    { of: oneOf('of', ['agreement'] as const) },
    { agreementId: AgreementId },
  ),
  'agreement-in-force': strictObject(
    'AgreementInForceMilestone',
    { of: oneOf('of', ['agreement-in-force'] as const) },
    { agreementId: AgreementId },
  ),
  'phase-started': strictObject('PhaseStartedMilestone', {
    of: oneOf('of', ['phase-started'] as const),
    phaseId: PhaseId,
  }),
  'phase-completed': strictObject('PhaseCompletedMilestone', {
    of: oneOf('of', ['phase-completed'] as const),
    phaseId: PhaseId,
  }),
  endorsement: strictObject(
    'EndorsementMilestone',
    { of: oneOf('of', ['endorsement'] as const) },
    { proposalId: ProposalId, body: Name },
  ),
  ratification: strictObject(
    'RatificationMilestone',
    { of: oneOf('of', ['ratification'] as const) },
    { agreementId: AgreementId, body: Name },
  ),
});
export type Milestone = t.TypeOf<typeof Milestone>;

/**
 * What must hold before a phase of a phased deal can start. Each kind names what meets it (see events/README.md):
 * an agreement in force covering the phase; an earlier phase started or completed; an issue resolved (or settled by
 * an agreement in force); acceptance by a party (a party to an agreement on the proposal counts as accepting it);
 * a number of days after a milestone; a fixed date; verification, endorsement or ratification by a named body;
 * compliance with a named commitment (as judged by a named party or body, when one is given); or any one of several
 * of these (`any-of`, met by whichever comes first).
 */
const SIMPLE_PREREQUISITES = {
  agreement: strictObject('AgreementPrerequisite', { kind: kind('agreement') }, { agreementId: AgreementId }),
  'phase-started': strictObject('PhaseStartedPrerequisite', {
    kind: kind('phase-started'),
    phaseId: PhaseId,
  }),
  'phase-completed': strictObject('PhaseCompletedPrerequisite', {
    kind: kind('phase-completed'),
    phaseId: PhaseId,
  }),
  'issue-resolved': strictObject('IssuePrerequisite', { kind: kind('issue-resolved'), issueId: IssueId }),
  'accepted-by': strictObject(
    'AcceptancePrerequisite',
    { kind: kind('accepted-by'), party: Name },
    { proposalId: ProposalId },
  ),
  'days-after': strictObject('DaysAfterPrerequisite', {
    kind: kind('days-after'),
    days: PositiveNumber,
    after: Milestone,
  }),
  date: strictObject('DatePrerequisite', { kind: kind('date'), on: DateOrDateTime }),
  'verified-by': strictObject(
    'VerificationPrerequisite',
    { kind: kind('verified-by'), body: Name, subject: SubjectId },
    { description: Text },
  ),
  'endorsed-by': strictObject(
    'EndorsementPrerequisite',
    { kind: kind('endorsed-by'), body: Name },
    { proposalId: ProposalId, agreementId: AgreementId },
  ),
  'ratified-by': strictObject(
    'RatificationPrerequisite',
    { kind: kind('ratified-by'), body: Name },
    { agreementId: AgreementId },
  ),
  'commitment-met': strictObject(
    'CommitmentPrerequisite',
    { kind: kind('commitment-met'), commitmentId: CommitmentId },
    { judgedBy: Name, description: Text },
  ),
};

/** One condition of one kind (the members of an `any-of`). */
export const SimplePrerequisite = discriminated('SimplePrerequisite', 'kind', SIMPLE_PREREQUISITES);
export type SimplePrerequisite = t.TypeOf<typeof SimplePrerequisite>;

/** Any one condition, or `any-of`: met by whichever of its conditions is met first. */
export const Prerequisite = discriminated('Prerequisite', 'kind', {
  ...SIMPLE_PREREQUISITES,
  'any-of': strictObject(
    'AnyOfPrerequisite',
    { kind: kind('any-of'), of: nonEmptyArray(SimplePrerequisite, 'of', 10) },
    { description: Text },
  ),
});
export type Prerequisite = t.TypeOf<typeof Prerequisite>;
export type PrerequisiteKind = Prerequisite['kind'];

export const Provision = strictObject('Provision', { provisionId: Slug, description: Text });
export type Provision = t.TypeOf<typeof Provision>;

/**
 * One phase of a phased deal as a proposal, framework or agreement defines it. `durationDays` gives its due date
 * from its actual start; `startBy` is the date by which it should have started; `completionConditions` what must
 * hold before it can be completed (in the vocabulary of its prerequisites).
 */
export const Phase = strictObject(
  'Phase',
  {
    phaseId: PhaseId,
    name: Name,
    order: PositiveNumber,
    provisions: boundedArray(Provision, 'Provisions', 200),
    prerequisites: boundedArray(Prerequisite, 'Prerequisites', 50),
  },
  {
    durationDays: PositiveNumber,
    duration: Name,
    startBy: DateOrDateTime,
    description: Text,
    completionConditions: boundedArray(Prerequisite, 'completionConditions', 20),
  },
);
export type Phase = t.TypeOf<typeof Phase>;

export const Phases = nonEmptyArray(Phase, 'Phases', 20);

export const STANCES = ['accepted', 'rejected', 'amendments-requested', 'counter-proposal'] as const;
export const Stance = oneOf('Stance', STANCES);
export type Stance = t.TypeOf<typeof Stance>;

export const CHARACTERISATIONS = ['breakthrough', 'progress', 'cautious', 'impasse', 'collapse'] as const;
export const Characterisation = oneOf('Characterisation', CHARACTERISATIONS);
export type Characterisation = t.TypeOf<typeof Characterisation>;

/** A person at the table, e.g. the head of a delegation. */
export const Person = strictObject('Person', { name: Name }, { role: Name });
export type Person = t.TypeOf<typeof Person>;

export const AGREEMENT_KINDS = ['interim', 'partial', 'framework', 'final', 'comprehensive'] as const;
export const AgreementKind = oneOf('AgreementKind', AGREEMENT_KINDS);
export type AgreementKind = t.TypeOf<typeof AgreementKind>;

export const ROLES = [
  'mediator',
  'guarantor',
  'facilitator',
  'coordinator',
  'observer',
  'chair',
  'host',
  'verifier',
] as const;
export const Role = oneOf('Role', ROLES);
export type Role = t.TypeOf<typeof Role>;

export const BODY_KINDS = [
  'cabinet',
  'parliament',
  'referendum',
  'security-council',
  'party',
  'court',
  'other',
] as const;
export const BodyKind = oneOf('BodyKind', BODY_KINDS);
