import { createInMemoryEventStore } from '../../src/store';
import { describeEventStoreConformance } from './event-store-conformance';

describeEventStoreConformance('in-memory store', (clock) =>
  Promise.resolve({ store: createInMemoryEventStore(clock) }),
);
