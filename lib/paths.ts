export { repoRoot } from './tools.js';
