export * from './signed-note';
export * from './signing-key';
export * from './log-proofs';
export * from './checkpoints';
export * from './publisher';
