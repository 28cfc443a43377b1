export * from './port';
export * from './hash-chain';
export * from './append-plan';
export * from './in-memory-store';
export * from './sqlite-store';
export * from './copy-log';
export * from './merkle';
export * from './sqlite-tree';
