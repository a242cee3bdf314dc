// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'src/db/migrations/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O, no activity implementations.
    files: ['src/workflows/**/*.ts', 'src/procedures/*/workflow*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Workflow code may not import Node built-ins.' },
            {
              group: [
                'fs',
                'path',
                'crypto',
                'http',
                'https',
                'net',
                'os',
                'child_process',
                'worker_threads',
                'stream',
                'util',
                'events',
                'zlib',
                'dns',
                'tls',
                'url',
                'buffer',
                'process',
              ],
              message: 'Workflow code may not import Node built-ins.',
            },
            {
              group: [
                '**/db/**',
                '**/api/**',
                '**/partners/**',
                '@mikro-orm/*',
                'express',
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/activity',
              ],
              message: 'Workflow code is deterministic: no I/O modules.',
              allowTypeImports: true,
            },
            {
              group: ['**/activities', '**/activities/*'],
              message: 'Import activity types only (import type).',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
