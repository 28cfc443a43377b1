import { Person, Role } from '../../domain';
import { DigestTable } from '../digest-rules';
import { DevelopmentOfType, Evidence, defined, withEntry, withoutEntry, entry } from '../evidence';

/** Who is at the table and in what role, over time: parties joining, excluded or leaving; mediators and chairs. */

/** `suspended`: the party suspended its participation (it may resume it); `left`: it walked out. */
export const PARTY_STANDINGS = ['at-table', 'suspended', 'excluded', 'left'] as const;
export type PartyStanding = (typeof PARTY_STANDINGS)[number];

export interface Participant {
  readonly party: string;
  readonly standing: PartyStanding;
  readonly since: Evidence;
  readonly reason?: string;
}

export interface RoleHolder {
  readonly party: string;
  readonly role: Role;
  readonly person?: Person;
  readonly description?: string;
  readonly since: Evidence;
}

export interface Grouping {
  readonly groupingId: string;
  readonly name: string;
  readonly members: readonly string[];
  readonly description?: string;
  readonly since: Evidence;
}

export interface Delegation {
  readonly party: string;
  readonly venue: string;
  readonly head?: Person;
  readonly level?: string;
  readonly mandate?: string;
  readonly since: Evidence;
  /** The development that moved the talks, and this delegation with them, from the venue it was sent to. */
  readonly movedWith?: Evidence;
}

export interface RecalledDelegation {
  readonly party: string;
  readonly venue?: string;
  readonly reason?: string;
  readonly recalled: Evidence;
}

export interface PartiesState {
  /** The parties and mediators the opening named. */
  readonly parties: readonly string[];
  readonly mediators: readonly string[];
  readonly participants: Readonly<Record<string, Participant>>;
  readonly roles: Readonly<Record<string, RoleHolder>>;
  readonly formerRoles: Readonly<
    Record<string, RoleHolder & { readonly ended: Evidence; readonly reason?: string }>
  >;
  readonly groupings: Readonly<Record<string, Grouping>>;
  readonly delegations: Readonly<Record<string, Delegation>>;
  readonly recalledDelegations: Readonly<Record<string, RecalledDelegation>>;
}

export const initialParties: PartiesState = {
  parties: [],
  mediators: [],
  participants: {},
  roles: {},
  formerRoles: {},
  groupings: {},
  delegations: {},
  recalledDelegations: {},
};

const roleKey = (party: string, role: string) => `${role}: ${party}`;

export const opened = (
  state: PartiesState,
  event: DevelopmentOfType<'NegotiationOpened'>,
  evidence: Evidence,
): PartiesState => {
  const { parties, mediators } = event.payload;
  let participants = state.participants;
  for (const party of parties)
    if (entry(participants, party) === undefined)
      participants = withEntry(participants, party, { party, standing: 'at-table', since: evidence });
  return { ...state, parties, mediators, participants };
};

export const standing = (
  state: PartiesState,
  party: string,
  next: PartyStanding,
  evidence: Evidence,
  reason: string | undefined,
): PartiesState => ({
  ...state,
  participants: withEntry(state.participants, party, {
    party,
    standing: next,
    since: evidence,
    ...defined({ reason }),
  }),
});

export const roleAssigned = (
  state: PartiesState,
  { party, role, person, description }: DevelopmentOfType<'RoleAssigned'>['payload'],
  evidence: Evidence,
): PartiesState => {
  const key = roleKey(party, role);
  return {
    ...state,
    roles: withEntry(state.roles, key, { party, role, since: evidence, ...defined({ person, description }) }),
    formerRoles: withoutEntry(state.formerRoles, key),
  };
};

export const roleEnded = (
  state: PartiesState,
  event: DevelopmentOfType<'RoleEnded'>,
  evidence: Evidence,
): PartiesState => {
  const { party, role, reason } = event.payload;
  const key = roleKey(party, role);
  const held = entry(state.roles, key) ?? { party, role, since: evidence };
  return {
    ...state,
    roles: withoutEntry(state.roles, key),
    formerRoles: withEntry(state.formerRoles, key, { ...held, ended: evidence, ...defined({ reason }) }),
  };
};

export const groupingFormed = (
  state: PartiesState,
  event: DevelopmentOfType<'GroupingFormed'>,
  evidence: Evidence,
): PartiesState => {
  const { groupingId, name, members, description } = event.payload;
  return {
    ...state,
    groupings: withEntry(state.groupings, groupingId, {
      groupingId,
      name,
      members,
      since: evidence,
      ...defined({ description }),
    }),
  };
};

export const delegationSent = (
  state: PartiesState,
  event: DevelopmentOfType<'DelegationSent'>,
  evidence: Evidence,
): PartiesState => {
  const { party, venue, head, level, mandate } = event.payload;
  return {
    ...state,
    delegations: withEntry(state.delegations, party, {
      party,
      venue,
      since: evidence,
      ...defined({ head, level, mandate }),
    }),
    recalledDelegations: withoutEntry(state.recalledDelegations, party),
  };
};

/** Delegations at the talks' venue go with the talks when they move (a delegation elsewhere stays where it is). */
export const delegationsFollow = (
  state: PartiesState,
  from: string | undefined,
  to: string,
  evidence: Evidence,
): PartiesState => {
  const moving = Object.values(state.delegations).filter(
    (d) => from !== undefined && from !== to && d.venue === from,
  );
  return moving.length === 0
    ? state
    : {
        ...state,
        delegations: moving.reduce(
          (all, d) => withEntry(all, d.party, { ...d, venue: to, movedWith: evidence }),
          state.delegations,
        ),
      };
};

export const delegationRecalled = (
  state: PartiesState,
  event: DevelopmentOfType<'DelegationRecalled'>,
  evidence: Evidence,
): PartiesState => {
  const { party, venue, reason } = event.payload;
  const present = entry(state.delegations, party);
  return {
    ...state,
    delegations: withoutEntry(state.delegations, party),
    recalledDelegations: withEntry(state.recalledDelegations, party, {
      party,
      recalled: evidence,
      ...defined({ venue: venue ?? present?.venue, reason }),
    }),
  };
};

/** The parties at the table: those the opening named or who joined, less those excluded or gone. */
export const atTable = (state: PartiesState): string[] =>
  Object.values(state.participants)
    .filter((p) => p.standing === 'at-table')
    .map((p) => p.party);

export interface PartiesView {
  readonly parties: readonly string[];
  readonly mediators: readonly string[];
  readonly participants: readonly Participant[];
  readonly roles: readonly RoleHolder[];
  readonly formerRoles: ReadonlyArray<PartiesState['formerRoles'][string]>;
  readonly groupings: readonly Grouping[];
  readonly delegations: readonly Delegation[];
  readonly recalledDelegations: readonly RecalledDelegation[];
}

export const partiesView = (state: PartiesState): PartiesView => ({
  parties: state.parties,
  mediators: state.mediators,
  participants: Object.values(state.participants),
  roles: Object.values(state.roles),
  formerRoles: Object.values(state.formerRoles),
  groupings: Object.values(state.groupings),
  delegations: Object.values(state.delegations),
  recalledDelegations: Object.values(state.recalledDelegations),
});

export const PARTIES_DIGEST: DigestTable<PartiesView> = {
  parties: (parties, put) => put('status.parties', parties.join(', ')),
  mediators: (mediators, put) => put('status.mediators', mediators.join(', ')),
  participants: (list, put) =>
    list.forEach((p) => put(`status.party.${p.party}`, p.standing, p.since.eventId)),
  roles: (list, put) =>
    list.forEach((r) => put(`status.role.${r.role}.${r.party}`, r.person?.name ?? 'held', r.since.eventId)),
  formerRoles: (list, put) =>
    list.forEach((r) => put(`status.role.${r.role}.${r.party}`, 'ended', r.ended.eventId)),
  groupings: (list, put) =>
    list.forEach((g) => put(`status.grouping.${g.groupingId}`, g.members.join(', '), g.since.eventId)),
  delegations: (list, put) =>
    list.forEach((d) =>
      put(
        `status.delegation.${d.party}`,
        `in ${d.venue}${d.head ? `, led by ${d.head.name}` : ''}${d.level ? ` (${d.level})` : ''}`,
        d.since.eventId,
      ),
    ),
  recalledDelegations: (list, put) =>
    list.forEach((r) =>
      put(`status.delegation.${r.party}`, `recalled${r.venue ? ` from ${r.venue}` : ''}`, r.recalled.eventId),
    ),
};
