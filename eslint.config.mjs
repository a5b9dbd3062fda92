import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.build/', '.serverless/', '.esbuild/', 'coverage/', '.venv/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // The engine is pure: no AWS SDK, no environment, no logging.
    files: ['lib/policy/**/*.ts', 'lib/rules/**/*.ts', 'lib/engine.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', '@aws-lambda-powertools/*'] }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env' }],
      'no-console': 'error',
    },
  },
);
