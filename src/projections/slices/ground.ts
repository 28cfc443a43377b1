import { Chain, append, latest, sizeOf } from '../chain';
import { DigestTable, skip } from '../digest-rules';
import { DevelopmentOfType, Evidence, defined, withEntry, entry } from '../evidence';
import { Termed, extendedTerm, retiredTerms, termOf } from './terms';

/**
 * The ground as well as the table: ceasefires in effect or broken down, violations, hostilities resumed or ended
 * by armed actors (inside the talks or outside them). A ceasefire that collapses is not the talks collapsing.
 */

export interface CeasefireState extends Termed {
  readonly ceasefireId: string;
  readonly declaredBy: readonly string[];
  readonly scope?: string;
  readonly terms?: string;
  /** `expired`: its term ran out unrenewed, as of the date asked (see forceAsOf). */
  readonly state: 'in-effect' | 'broken-down' | 'expired';
  readonly since: Evidence;
  readonly declared?: Evidence;
  /** The first declaration: a restored ceasefire is declared again, but it was defined from the first. */
  readonly firstDeclared?: Evidence;
  readonly brokeDown?: { readonly reason: string; readonly endedBy?: string; readonly evidence: Evidence };
  /** How many times it was declared (a restored ceasefire is declared again under the same id). */
  readonly declarations: number;
  readonly violations: number;
}

export interface Violation {
  readonly description: string;
  readonly allegedBy: string;
  readonly accused?: string;
  readonly phaseId?: string;
  readonly ceasefireId?: string;
  readonly evidence: Evidence;
}

export interface ArmedActorState {
  readonly actor: string;
  readonly posture: 'hostilities' | 'ceasefire' | 'campaign-ended';
  readonly description?: string;
  readonly since: Evidence;
}

export interface GroundState {
  readonly ceasefires: Readonly<Record<string, CeasefireState>>;
  readonly violations: Chain<Violation> | undefined;
  readonly actors: Readonly<Record<string, ArmedActorState>>;
}

export const initialGround: GroundState = { ceasefires: {}, violations: undefined, actors: {} };

const withPosture = (
  actors: GroundState['actors'],
  names: readonly string[],
  posture: ArmedActorState['posture'],
  evidence: Evidence,
  description?: string,
): GroundState['actors'] =>
  names.reduce(
    (all, actor) => withEntry(all, actor, { actor, posture, since: evidence, ...defined({ description }) }),
    actors,
  );

/** A ceasefire named by a development before (or without) any report declaring it. */
const undeclared = (
  ceasefireId: string,
  state: CeasefireState['state'],
  evidence: Evidence,
): CeasefireState => ({
  ceasefireId,
  declaredBy: [],
  state,
  since: evidence,
  declarations: 0,
  violations: 0,
  earlierTerms: [],
});

export const ceasefireDeclared = (
  ground: GroundState,
  event: DevelopmentOfType<'CeasefireDeclared'>,
  evidence: Evidence,
): GroundState => {
  const { ceasefireId, declaredBy, scope, terms, endsOn } = event.payload;
  const current = entry(ground.ceasefires, ceasefireId);
  return {
    ...ground,
    ceasefires: withEntry(ground.ceasefires, ceasefireId, {
      ceasefireId,
      declaredBy,
      state: 'in-effect',
      since: evidence,
      declared: evidence,
      firstDeclared: current?.firstDeclared ?? evidence,
      declarations: (current?.declarations ?? 0) + 1,
      violations: current?.violations ?? 0,
      // Declared again (restored), it runs for the term now declared, if any; earlier ends stay on record.
      earlierTerms: current === undefined ? [] : retiredTerms(current),
      ...termOf(endsOn, evidence),
      ...defined({ scope: scope ?? current?.scope, terms: terms ?? current?.terms }),
    }),
    actors: withPosture(ground.actors, declaredBy, 'ceasefire', evidence),
  };
};

export const ceasefireBrokeDown = (
  ground: GroundState,
  event: DevelopmentOfType<'CeasefireBrokeDown'>,
  evidence: Evidence,
): GroundState => {
  const { ceasefireId, reason, endedBy } = event.payload;
  const current = entry(ground.ceasefires, ceasefireId) ?? undeclared(ceasefireId, 'broken-down', evidence);
  return {
    ...ground,
    ceasefires: withEntry(ground.ceasefires, ceasefireId, {
      ...current,
      state: 'broken-down',
      since: evidence,
      brokeDown: { reason, evidence, ...defined({ endedBy }) },
    }),
    actors:
      endedBy === undefined
        ? ground.actors
        : withPosture(ground.actors, [endedBy], 'hostilities', evidence, reason),
  };
};

export const ceasefireTermExtended = (
  ground: GroundState,
  event: DevelopmentOfType<'TermExtended'>,
  evidence: Evidence,
): GroundState => {
  const { id, endsOn, extendedBy, reason } = event.payload;
  const current = entry(ground.ceasefires, id) ?? undeclared(id, 'in-effect', evidence);
  return {
    ...ground,
    ceasefires: withEntry(ground.ceasefires, id, {
      ...current,
      ...extendedTerm(current, endsOn, evidence, defined({ extendedBy, reason })),
    }),
  };
};

export const violationReported = (
  ground: GroundState,
  event: DevelopmentOfType<'ViolationReported'>,
  evidence: Evidence,
): GroundState => {
  const { description, allegedBy, accused, phaseId, ceasefireId } = event.payload;
  const ceasefire = ceasefireId === undefined ? undefined : entry(ground.ceasefires, ceasefireId);
  return {
    ...ground,
    violations: append(ground.violations, {
      description,
      allegedBy,
      evidence,
      ...defined({ accused, phaseId, ceasefireId }),
    }),
    ceasefires:
      ceasefire === undefined || ceasefireId === undefined
        ? ground.ceasefires
        : withEntry(ground.ceasefires, ceasefireId, { ...ceasefire, violations: ceasefire.violations + 1 }),
  };
};

export const hostilities = (
  ground: GroundState,
  event: DevelopmentOfType<'HostilitiesResumed' | 'HostilitiesEnded'>,
  evidence: Evidence,
): GroundState => ({
  ...ground,
  actors: withPosture(
    ground.actors,
    event.payload.by,
    event.type === 'HostilitiesResumed' ? 'hostilities' : 'campaign-ended',
    evidence,
    event.payload.description,
  ),
});

export interface GroundView {
  /** One word for the ground: a ceasefire in effect, one that broke down, hostilities, or nothing reported. */
  readonly situation:
    'ceasefire-in-effect' | 'ceasefire-broken-down' | 'ceasefire-expired' | 'hostilities' | 'not-reported';
  readonly ceasefires: readonly CeasefireState[];
  readonly actors: readonly ArmedActorState[];
  readonly violations: readonly Violation[];
  readonly violationCount: number;
}

export const groundView = (ground: GroundState, recent: number): GroundView => {
  const ceasefires = Object.values(ground.ceasefires);
  const actors = Object.values(ground.actors);
  const situation: GroundView['situation'] = actors.some((a) => a.posture === 'hostilities')
    ? 'hostilities'
    : ceasefires.some((c) => c.state === 'in-effect')
      ? 'ceasefire-in-effect'
      : ceasefires.some((c) => c.state === 'broken-down')
        ? 'ceasefire-broken-down'
        : ceasefires.length > 0
          ? 'ceasefire-expired'
          : 'not-reported';
  return {
    situation,
    ceasefires,
    actors,
    violations: latest(ground.violations, recent),
    violationCount: sizeOf(ground.violations),
  };
};

export const GROUND_DIGEST: DigestTable<GroundView> = {
  situation: (situation, put) => put('status.ground', situation === 'not-reported' ? undefined : situation),
  ceasefires: (list, put) =>
    list.forEach((c) => put(`status.ceasefire.${c.ceasefireId}`, c.state, c.since.eventId)),
  actors: (list, put) => list.forEach((a) => put(`status.armedActor.${a.actor}`, a.posture, a.since.eventId)),
  violations: (list, put) =>
    list.forEach((v) => put(`status.violation.${v.evidence.eventId}`, v.description, v.evidence.eventId)),
  violationCount: skip('a count of violations'),
};
