export * from './ndjson';
export * from './ndjson-import';
export * from './ndjson-restore';
