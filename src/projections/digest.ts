import { AsOfResult } from './as-of';
import { Digest, DigestTable, createDigest, digestInto, skip } from './digest-rules';
import { PHASE_DIGEST, StatusView, issuesView, phasesView, statusView } from './views';
import { AGREEMENT_DIGEST } from './slices/agreements';
import { CONDITIONS_DIGEST } from './slices/conditions';
import { DEADLINES_DIGEST } from './slices/deadlines';
import { GROUND_DIGEST } from './slices/ground';
import { ISSUE_DIGEST } from './slices/issues';
import { PARTIES_DIGEST } from './slices/parties';
import { PROPOSALS_DIGEST } from './slices/proposals';
import { STATEMENTS_DIGEST } from './slices/statements';
import { TALKS_DIGEST } from './slices/talks';

export type { Digest, DigestEntry } from './digest-rules';

/**
 * A flat, comparable summary of what the answers say: one entry per fact ("status.activity",
 * "issues.prisoner-deportation.position.Israel", "phases.phase-1.prerequisite.Israel accepts ..."), each with the
 * event that established it. Two digests compare into a structured change list: the unit of the audit history
 * (what one event changed) and of the diff between two dates. Built from the views themselves, through one table
 * per slice that the compiler holds complete.
 */
export interface Change {
  readonly section: 'status' | 'issues' | 'phases';
  readonly path: string;
  readonly before?: string;
  readonly after?: string;
  /** The event behind the new value (or behind the old one, when a fact disappeared). */
  readonly evidence?: string;
}

const STATUS_DIGEST: DigestTable<StatusView> = {
  ...TALKS_DIGEST,
  ...PARTIES_DIGEST,
  ...PROPOSALS_DIGEST,
  ...STATEMENTS_DIGEST,
  ...DEADLINES_DIGEST,
  stage: (stage, put, view) => put('status.stage', stage, view.stageSince?.eventId),
  stageSince: skip('the evidence of stage'),
  deal: (deal, put) => {
    put('status.deal', deal.agreementId === undefined ? deal.state : `${deal.state} (${deal.agreementId})`);
    deal.reasons.forEach((r) =>
      put(`status.deal.reason.${r.evidence.eventId}`, r.reason, r.evidence.eventId),
    );
  },
  agreements: (list, put) => list.forEach((a) => digestInto(a, AGREEMENT_DIGEST, put)),
  ground: (ground, put) => digestInto(ground, GROUND_DIGEST, put),
  conditions: (conditions, put) => digestInto(conditions, CONDITIONS_DIGEST, put),
  openIssueCount: skip('each issue is digested under issues'),
  unresolvedReferences: skip('each slice digests its own unresolved references'),
  lastDevelopment: skip('moves with every development'),
  developmentCount: skip('moves with every development'),
  uncertain: skip('a property of the question, not of the negotiation'),
  uncertainCount: skip('a count of uncertain'),
};

export const digestOf = (result: AsOfResult, asOfMs: number = Number.POSITIVE_INFINITY): Digest => {
  const { digest, put } = createDigest();
  digestInto(statusView(result, { asOfMs, deadlineHistory: true }), STATUS_DIGEST, put);
  for (const issue of issuesView(result).issues) digestInto(issue, ISSUE_DIGEST, put);
  for (const phase of phasesView(result, asOfMs).phases) digestInto(phase, PHASE_DIGEST, put);
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
