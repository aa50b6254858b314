// Lint: TypeScript rules with type information, no floating promises anywhere, and the workflow sandbox
// enforced (no Node built-ins, Prisma, nodemailer or pdf-lib reachable from workflows/ or domain/).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const sandboxRestricted = {
  paths: [
    ...nodeBuiltins.map((name) => ({ name, message: 'Workflow code is deterministic and sandboxed: no Node built-ins (do I/O in an activity).' })),
    { name: '@prisma/client', message: 'No database access in workflow code: use an activity.' },
    { name: 'nodemailer', message: 'No email from workflow code: use an activity.' },
    { name: 'pdf-lib', message: 'No PDF work in workflow code: use an activity.' },
    { name: '@temporalio/activity', message: 'Activities are imported as types only (proxyActivities).' },
    { name: '@temporalio/client', message: 'Workflows do not use the client.' },
    { name: '@temporalio/worker', message: 'Workflows do not use the worker package.' },
  ],
  patterns: [
    { group: ['**/generated/prisma/**', '**/lib/db/**', '**/api/**'], message: 'Not workflow-safe.' },
    { group: ['**/activities/**'], allowTypeImports: true, message: 'Import activities as types only.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'generated/', '.tools/', 'data/', 'coverage/', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['scripts/*.mjs', 'lib/db/*.mjs', 'activities/pdf/*.mjs', 'activities/thread/*.mjs', 'worker/thread/*.mjs', 'lib/*.mjs', 'test/support/*.mjs', 'bench/lib/*.mjs'], maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 16 }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', sandboxRestricted],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep()/condition() from @temporalio/workflow.' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Not deterministic: pass randomness in, or use uuid4() from @temporalio/workflow.' }],
    },
  },
  {
    files: ['**/*.mjs', 'scripts/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', performance: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
);
