export * from './app';
export * from './problem';
export * from './http-inputs';
export * from './negotiation-routes';
