export * from './timeline-page';
