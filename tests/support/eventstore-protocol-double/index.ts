export * from './server';
export * from './transaction-log';
export * from './subscription-control';
