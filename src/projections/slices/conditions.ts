import { DigestTable } from '../digest-rules';
import { DevelopmentOfType, Evidence, defined, withEntry, entry } from '../evidence';

/** Commitments made, how named parties or bodies judged compliance with them, and independent verifications. */

export interface Assessment {
  readonly assessedBy: string;
  readonly outcome: 'met' | 'partly-met' | 'not-met';
  readonly party?: string;
  readonly description?: string;
  readonly evidence: Evidence;
}

export interface CommitmentState {
  readonly commitmentId: string;
  readonly parties: readonly string[];
  readonly description?: string;
  readonly agreementId?: string;
  readonly made?: Evidence;
  readonly firstReferenced?: Evidence;
  /** The latest assessment by each party or body. */
  readonly assessments: Readonly<Record<string, Assessment>>;
  readonly latestAssessment?: Assessment;
}

export interface Verification {
  readonly body: string;
  readonly subject: string;
  readonly outcome: 'verified' | 'partly-verified' | 'not-verified';
  readonly description: string;
  readonly evidence: Evidence;
  readonly reports: number;
}

export interface ConditionsState {
  readonly commitments: Readonly<Record<string, CommitmentState>>;
  /** The latest verification report of each body on each subject. */
  readonly verifications: Readonly<Record<string, Verification>>;
}

export const initialConditions: ConditionsState = { commitments: {}, verifications: {} };

export const verificationKey = (body: string, subject: string) => `${subject} by ${body}`;

export const commitmentMade = (
  state: ConditionsState,
  event: DevelopmentOfType<'CommitmentMade'>,
  evidence: Evidence,
): ConditionsState => {
  const { commitmentId, parties, description, agreementId } = event.payload;
  const current = entry(state.commitments, commitmentId);
  return {
    ...state,
    commitments: withEntry(state.commitments, commitmentId, {
      commitmentId,
      parties,
      description,
      made: current?.made ?? evidence,
      assessments: current?.assessments ?? {},
      ...defined({ agreementId, latestAssessment: current?.latestAssessment }),
    }),
  };
};

export const complianceAssessed = (
  state: ConditionsState,
  event: DevelopmentOfType<'ComplianceAssessed'>,
  evidence: Evidence,
): ConditionsState => {
  const { commitmentId, assessedBy, outcome, party, description } = event.payload;
  const current: CommitmentState = entry(state.commitments, commitmentId) ?? {
    commitmentId,
    parties: party === undefined ? [] : [party],
    firstReferenced: evidence,
    assessments: {},
  };
  const assessment: Assessment = { assessedBy, outcome, evidence, ...defined({ party, description }) };
  return {
    ...state,
    commitments: withEntry(state.commitments, commitmentId, {
      ...current,
      assessments: withEntry(current.assessments, assessedBy, assessment),
      latestAssessment: assessment,
    }),
  };
};

export const verificationReported = (
  state: ConditionsState,
  event: DevelopmentOfType<'VerificationReported'>,
  evidence: Evidence,
): ConditionsState => {
  const { body, subject, outcome, description } = event.payload;
  const key = verificationKey(body, subject);
  return {
    ...state,
    verifications: withEntry(state.verifications, key, {
      body,
      subject,
      outcome,
      description,
      evidence,
      reports: (entry(state.verifications, key)?.reports ?? 0) + 1,
    }),
  };
};

export interface ConditionsView {
  readonly commitments: ReadonlyArray<
    Omit<CommitmentState, 'assessments'> & { readonly assessments: readonly Assessment[] }
  >;
  readonly verifications: readonly Verification[];
}

export const conditionsView = (state: ConditionsState): ConditionsView => ({
  commitments: Object.values(state.commitments).map((c) => ({
    ...c,
    assessments: Object.values(c.assessments),
  })),
  verifications: Object.values(state.verifications),
});

export const CONDITIONS_DIGEST: DigestTable<ConditionsView> = {
  commitments: (list, put) =>
    list.forEach((c) => {
      put(`status.commitment.${c.commitmentId}`, c.parties.join(', '), c.made?.eventId);
      for (const a of c.assessments)
        put(`status.commitment.${c.commitmentId}.assessedBy.${a.assessedBy}`, a.outcome, a.evidence.eventId);
    }),
  verifications: (list, put) =>
    list.forEach((v) => put(`status.verification.${v.subject}.${v.body}`, v.outcome, v.evidence.eventId)),
};
