// State names are data: the API may name new ones (an issue "deferred", a phase "suspended"). Each known
// name has a tone; any other reads as neutral rather than breaking the page.
import { humanise } from './words.js';

const TONES = {
  // Issues
  open: 'open',
  reopened: 'warning',
  narrowed: 'progress',
  deferred: 'warning',
  resolved: 'done',
  // Phases
  blocked: 'blocked',
  ready: 'progress',
  'in-progress': 'active',
  active: 'active',
  completed: 'done',
  lapsed: 'warning',
  suspended: 'warning',
  terminated: 'stopped',
  // Talks and the ground
  stalled: 'warning',
  collapsed: 'stopped',
  holding: 'done',
  violated: 'stopped',
  // The deal
  'no-deal': 'neutral',
  disrupted: 'warning',
  'party-withdrew': 'stopped',
  ended: 'stopped',
  concluded: 'done',
  // Deadlines and agreements
  met: 'done',
  missed: 'stopped',
  pending: 'open',
  ratified: 'done',
  signed: 'done',
};

/** The tone a state is drawn in: one of a few colours, neutral for a state this page has not met. */
export const toneOf = (state) => TONES[state] ?? 'neutral';
export const stateLabel = (state) =>
  state === undefined || state === null ? 'unknown' : humanise(String(state));
