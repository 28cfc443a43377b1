export * from './tokens';
export * from './token-store';
export * from './first-token';
