export * from './workload';
export * from './measure';
