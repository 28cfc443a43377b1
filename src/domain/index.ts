export * from './codecs';
export * from './time';
export * from './provenance';
export * from './phases';
export * from './catalog';
export * from './events';
export * from './validation-error';
export * from './append-rules';
