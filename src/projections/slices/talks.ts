import { endOfDateOrDateTime } from '../../domain';
import { Chain, append, latest, sizeOf, toArray } from '../chain';
import { DigestTable, skip } from '../digest-rules';
import { DevelopmentOfType, Evidence, defined } from '../evidence';

/** The table: whether talks go on, where, their rhythm, and who blamed whom when they stalled. */

/** `not-started` until a development shows the parties engaging (see engage). */
export const ACTIVITIES = ['not-started', 'active', 'stalled', 'suspended'] as const;
export type Activity = (typeof ACTIVITIES)[number];

export interface ScheduledTalks {
  readonly venues: readonly string[];
  readonly scheduledFor: string;
  readonly participants: readonly string[];
  readonly meetingId?: string;
  readonly description?: string;
  readonly evidence: Evidence;
}

export interface Cancellation {
  readonly meetingId?: string;
  readonly scheduledFor?: string;
  readonly reason: string;
  readonly cancelledBy?: string;
  readonly evidence: Evidence;
}

export interface AttributedBlame {
  readonly by: string;
  readonly blames: string;
  readonly claim: string;
  readonly evidence: Evidence;
}

export interface LeaderContact {
  readonly participants: readonly string[];
  readonly topics: readonly string[];
  readonly durationMinutes?: number;
  readonly medium?: 'call' | 'meeting';
  readonly evidence: Evidence;
}

export interface TalksState {
  readonly title?: string;
  readonly description?: string;
  /** Set by the first development that shows the parties engaging (a proposal, a delegation, talks opened...). */
  readonly engaged?: Evidence;
  readonly opened?: Evidence & {
    readonly venue: string;
    readonly chairedBy?: string;
    readonly format?: string;
  };
  readonly venue?: { readonly name: string; readonly since: Evidence };
  readonly activity: Activity;
  readonly activitySince?: Evidence;
  readonly activityReason?: string;
  /** Talks declared collapsed and not resumed since. */
  readonly collapsed?: Evidence & { readonly reason: string; readonly declaredBy?: string };
  readonly blameClaims: Chain<AttributedBlame> | undefined;
  readonly scheduled: Chain<ScheduledTalks> | undefined;
  readonly cancellations: Chain<Cancellation> | undefined;
  readonly leaderContacts: Chain<LeaderContact> | undefined;
}

export const initialTalks: TalksState = {
  activity: 'not-started',
  blameClaims: undefined,
  scheduled: undefined,
  cancellations: undefined,
  leaderContacts: undefined,
};

export const setActivity = (
  talks: TalksState,
  activity: Activity,
  reason: string,
  evidence: Evidence,
): TalksState => ({ ...talks, activity, activitySince: evidence, activityReason: reason });

/** The first development that shows the parties engaging starts the talks' activity (nothing is known before it). */
export const engage = (talks: TalksState, evidence: Evidence): TalksState => {
  const engaged = talks.engaged === undefined ? { ...talks, engaged: evidence } : talks;
  return engaged.activity === 'not-started'
    ? setActivity(engaged, 'active', `the parties engaged (${evidence.type})`, evidence)
    : engaged;
};

/** Talks that resume (or open) are active again, and no longer collapsed. */
export const resume = (talks: TalksState, venue: string, reason: string, evidence: Evidence): TalksState => {
  const { collapsed: _collapsed, ...rest } = engage(talks, evidence);
  return { ...setActivity(rest, 'active', reason, evidence), venue: { name: venue, since: evidence } };
};

export const scheduledOf = (
  event: DevelopmentOfType<'TalksScheduled'>,
  evidence: Evidence,
): ScheduledTalks => {
  const { venues, scheduledFor, participants, description, meetingId } = event.payload;
  return { venues, scheduledFor, participants, evidence, ...defined({ meetingId, description }) };
};

export const cancellationOf = (
  event: DevelopmentOfType<'MeetingCancelled'>,
  evidence: Evidence,
): Cancellation => {
  const { meetingId, scheduledFor, reason, cancelledBy } = event.payload;
  return { reason, evidence, ...defined({ meetingId, scheduledFor, cancelledBy }) };
};

export const blamed = (
  claims: TalksState['blameClaims'],
  event: DevelopmentOfType<'TalksStalled'>,
  evidence: Evidence,
): TalksState['blameClaims'] =>
  (event.payload.blameClaims ?? []).reduce((chain, claim) => append(chain, { ...claim, evidence }), claims);

export const contactOf = (event: DevelopmentOfType<'LeadersSpoke'>, evidence: Evidence): LeaderContact => {
  const { participants, topics, durationMinutes, medium } = event.payload;
  return { participants, topics, evidence, ...defined({ durationMinutes, medium }) };
};

const DAY_MS = 86_400_000;

const cancels = (cancellation: Cancellation, talks: ScheduledTalks): boolean =>
  cancellation.meetingId !== undefined
    ? cancellation.meetingId === talks.meetingId
    : cancellation.scheduledFor !== undefined &&
      cancellation.scheduledFor.slice(0, 10) === talks.scheduledFor.slice(0, 10);

export interface TalksView {
  readonly title?: string;
  readonly activity: Activity;
  readonly activitySince?: Evidence;
  readonly activityReason?: string;
  readonly venue?: TalksState['venue'];
  readonly opened?: TalksState['opened'];
  readonly collapsed?: TalksState['collapsed'];
  readonly blameClaims: readonly AttributedBlame[];
  readonly blameClaimCount: number;
  /** Talks scheduled for the asked date or later and not cancelled (among the most recently scheduled). */
  readonly upcomingTalks: readonly ScheduledTalks[];
  readonly cancelledMeetings: ReadonlyArray<ScheduledTalks & { readonly cancellation: Cancellation }>;
  /** Cancellations of meetings no development scheduled (a late or missing report of the schedule). */
  readonly unscheduledCancellations: readonly Cancellation[];
  readonly leaderContacts: readonly LeaderContact[];
  readonly leaderContactCount: number;
}

const unscheduled = (talks: TalksState, cancellations: readonly Cancellation[]): Cancellation[] => {
  if (cancellations.length === 0) return [];
  const all = toArray(talks.scheduled);
  return cancellations.filter((c) => !all.some((item) => cancels(c, item)));
};

export const talksView = (talks: TalksState, asOfMs: number, recent: number): TalksView => {
  const cancellations = toArray(talks.cancellations);
  const scheduled = latest(talks.scheduled, recent).map((item) => ({
    item,
    cancellation: cancellations.find((c) => cancels(c, item)),
  }));
  return {
    ...defined({
      title: talks.title,
      activitySince: talks.activitySince,
      activityReason: talks.activityReason,
      venue: talks.venue,
      opened: talks.opened,
      collapsed: talks.collapsed,
    }),
    activity: talks.activity,
    blameClaims: latest(talks.blameClaims, recent),
    blameClaimCount: sizeOf(talks.blameClaims),
    upcomingTalks: scheduled
      .filter(
        ({ item, cancellation }) =>
          cancellation === undefined && endOfDateOrDateTime(item.scheduledFor) >= asOfMs - DAY_MS,
      )
      .map(({ item }) => item),
    cancelledMeetings: scheduled.flatMap(({ item, cancellation }) =>
      cancellation === undefined ? [] : [{ ...item, cancellation }],
    ),
    unscheduledCancellations: unscheduled(talks, cancellations),
    leaderContacts: latest(talks.leaderContacts, recent),
    leaderContactCount: sizeOf(talks.leaderContacts),
  };
};

export const TALKS_DIGEST: DigestTable<TalksView> = {
  title: (title, put) => put('status.title', title),
  activity: (activity, put, view) => put('status.activity', activity, view.activitySince?.eventId),
  activitySince: skip('the evidence of activity'),
  activityReason: (reason, put) => put('status.activityReason', reason),
  venue: (venue, put) => put('status.venue', venue.name, venue.since.eventId),
  opened: (opened, put) => put('status.talksOpened', opened.venue, opened.eventId),
  collapsed: (collapsed, put) => put('status.collapsed', collapsed.reason, collapsed.eventId),
  blameClaims: (claims, put) =>
    claims.forEach((c) => put(`status.blame.${c.by}.${c.blames}`, c.claim, c.evidence.eventId)),
  blameClaimCount: skip('a count of blameClaims'),
  upcomingTalks: (talks, put) =>
    talks.forEach((t) =>
      put(`status.upcomingTalks.${t.scheduledFor}`, t.venues.join(' or '), t.evidence.eventId),
    ),
  unscheduledCancellations: (cancellations, put) =>
    cancellations.forEach((c) =>
      put(
        `status.cancelledUnscheduled.${c.meetingId ?? c.scheduledFor ?? c.evidence.eventId}`,
        c.reason,
        c.evidence.eventId,
      ),
    ),
  cancelledMeetings: (meetings, put) =>
    meetings.forEach((m) =>
      put(
        `status.cancelledMeeting.${m.scheduledFor}`,
        m.cancellation.reason,
        m.cancellation.evidence.eventId,
      ),
    ),
  leaderContacts: (contacts, put) =>
    contacts.forEach((c) =>
      put(`status.leadersSpoke.${c.evidence.eventId}`, c.participants.join(', '), c.evidence.eventId),
    ),
  leaderContactCount: skip('a count of leaderContacts'),
};
