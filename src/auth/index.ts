export * from './tokens';
export * from './token-store';
