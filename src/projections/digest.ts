import { AsOfResult } from './as-of';
import { phasesView } from './views';

/**
 * A flat, comparable summary of what the projections say: one entry per fact ("status.activity",
 * "issues.prisoner-deportation.position.Israel", "phases.phase-1.prerequisite.Israel accepts ..."), each with the
 * event that established it. Two digests compare into a structured change list: the unit of the audit history
 * (what one event changed) and of the diff between two dates.
 */
export interface DigestEntry {
  readonly value: string;
  readonly evidence?: string;
}
export type Digest = ReadonlyMap<string, DigestEntry>;

export interface Change {
  readonly section: 'status' | 'issues' | 'phases';
  readonly path: string;
  readonly before?: string;
  readonly after?: string;
  /** The event behind the new value (or behind the old one, when a fact disappeared). */
  readonly evidence?: string;
}

export const digestOf = (result: AsOfResult): Digest => {
  const { state } = result;
  const digest = new Map<string, DigestEntry>();
  const put = (path: string, value: string | undefined, evidence?: string) => {
    if (value !== undefined) digest.set(path, evidence === undefined ? { value } : { value, evidence });
  };
  put('status.stage', state.stage, state.stageSince?.eventId);
  put('status.activity', state.activity, state.activitySince?.eventId);
  put('status.venue', state.venue?.name, state.venue?.since.eventId);
  put(
    'status.latestProposal',
    state.latestProposalId,
    state.latestProposalId ? state.proposals[state.latestProposalId]?.tabled?.eventId : undefined,
  );
  for (const d of Object.values(state.delegations))
    put(
      `status.delegation.${d.party}`,
      `in ${d.venue}${d.head ? `, led by ${d.head.name}` : ''}${d.level ? ` (${d.level})` : ''}`,
      d.since.eventId,
    );
  for (const r of Object.values(state.recalledDelegations))
    put(`status.delegation.${r.party}`, `recalled${r.venue ? ` from ${r.venue}` : ''}`, r.recalled.eventId);
  for (const proposal of Object.values(state.proposals)) {
    put(
      `status.proposal.${proposal.proposalId}`,
      proposal.status,
      (proposal.tabled ?? proposal.announced)?.eventId,
    );
    for (const stance of Object.values(proposal.stances))
      put(
        `status.proposal.${proposal.proposalId}.stance.${stance.party}`,
        stance.stance,
        stance.evidence.eventId,
      );
  }
  for (const [speaker, record] of Object.entries(state.characterisations))
    put(`status.characterisation.${speaker}`, record.characterisation, record.evidence.eventId);
  for (const issue of Object.values(state.issues)) {
    put(`issues.${issue.issueId}.state`, issue.state, issue.stateSince.eventId);
    for (const [party, position] of Object.entries(issue.positions))
      put(`issues.${issue.issueId}.position.${party}`, position.position, position.evidence.eventId);
  }
  for (const phase of phasesView(result).phases) {
    put(`phases.${phase.phaseId}.state`, phase.state, (phase.completed ?? phase.started)?.eventId);
    for (const prerequisite of phase.prerequisites)
      put(
        `phases.${phase.phaseId}.prerequisite.${prerequisite.description}`,
        prerequisite.met ? 'met' : 'not met',
        prerequisite.since?.eventId,
      );
  }
  return digest;
};

const sectionOf = (path: string): Change['section'] =>
  path.startsWith('issues.') ? 'issues' : path.startsWith('phases.') ? 'phases' : 'status';

/** The facts that appeared, disappeared or changed value between two digests, in path order. */
export const diffDigests = (before: Digest, after: Digest): Change[] => {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: Change[] = [];
  for (const path of paths) {
    const was = before.get(path);
    const is = after.get(path);
    if (was?.value === is?.value) continue;
    const evidence = is?.evidence ?? was?.evidence;
    changes.push({
      section: sectionOf(path),
      path,
      ...(was === undefined ? {} : { before: was.value }),
      ...(is === undefined ? {} : { after: is.value }),
      ...(evidence === undefined ? {} : { evidence }),
    });
  }
  return changes;
};
