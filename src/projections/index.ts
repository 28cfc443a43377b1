export * from './negotiation-state';
export * from './effective-log';
export * from './as-of';
export * from './views';
export * from './timeline';
export * from './digest';
