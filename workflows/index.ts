// The workflows the worker registers. Only workflow-safe code is reachable from here (lint enforces it).
export { approvalWorkflow } from './approval/workflow.js';
export { strategyProgressWorkflow } from './progress/workflow.js';
