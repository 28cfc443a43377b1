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

const AgreementPrerequisite = strictObject('AgreementPrerequisite', {
  kind: oneOf('kind', ['agreement'] as const),
});
const PhaseStartedPrerequisite = strictObject('PhaseStartedPrerequisite', {
  kind: oneOf('kind', ['phase-started'] as const),
  phaseId: Slug,
});
const PhaseCompletedPrerequisite = strictObject('PhaseCompletedPrerequisite', {
  kind: oneOf('kind', ['phase-completed'] as const),
  phaseId: Slug,
});
const IssuePrerequisite = strictObject('IssuePrerequisite', {
  kind: oneOf('kind', ['issue-resolved'] as const),
  issueId: Slug,
});
const AcceptancePrerequisite = strictObject(
  'AcceptancePrerequisite',
  { kind: oneOf('kind', ['accepted-by'] as const), party: Name },
  { proposalId: Slug },
);

/**
 * What must hold before a phase of a phased deal can start: an agreement covering it, an earlier phase started
 * or completed, a named issue resolved, or acceptance by a named party (of the phase's proposal unless named).
 */
export const Prerequisite = discriminated('Prerequisite', 'kind', {
  agreement: AgreementPrerequisite,
  'phase-started': PhaseStartedPrerequisite,
  'phase-completed': PhaseCompletedPrerequisite,
  'issue-resolved': IssuePrerequisite,
  'accepted-by': AcceptancePrerequisite,
});
export type Prerequisite = t.TypeOf<typeof Prerequisite>;

export const Provision = strictObject('Provision', { provisionId: Slug, description: Text });
export type Provision = t.TypeOf<typeof Provision>;

/** One phase of a phased deal as a proposal or framework defines it. */
export const Phase = strictObject(
  'Phase',
  {
    phaseId: Slug,
    name: Name,
    order: PositiveNumber,
    provisions: boundedArray(Provision, 'Provisions', 200),
    prerequisites: boundedArray(Prerequisite, 'Prerequisites', 50),
  },
  { durationDays: PositiveNumber, duration: Name },
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
