export * from './ndjson';
export * from './ndjson-import';
