import { Router } from 'express';
import { Tracker } from '../application/tracker';
import { eventRoutes } from './event-routes';
import { ReadControls } from './read-controls';
import { viewRoutes } from './view-routes';

export { MAX_EVENTS_PER_APPEND } from './event-routes';

/** Every route under /negotiations: recording developments and reading what they say. */
export const negotiationRoutes = (
  tracker: Tracker,
  controls: ReadControls,
  /** Told when a write failed in the store (readiness then probes it again). */
  onStoreFailure: () => void = () => undefined,
): Router => Router().use(eventRoutes(tracker, controls, onStoreFailure), viewRoutes(tracker, controls));
