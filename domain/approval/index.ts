export * from './types.js';
export * from './engine.js';
