export * from './app';
export * from './access';
export * from './problem';
export * from './http-inputs';
export * from './negotiation-routes';
export * from './audit-routes';
export * from './http-server';
export * from './answer-cache';
