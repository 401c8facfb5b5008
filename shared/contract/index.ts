export * from './result';
export * from './operations';
export * from './events';
export * from './bridge';
export * from './sync';
export * from './central-api';
export * from './documents';
export * from './identification';
