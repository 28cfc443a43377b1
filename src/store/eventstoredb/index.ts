export * from './eventstoredb-store';
export * from './event-mapping';
export * from './log-replica';
export * from './connection-string';
