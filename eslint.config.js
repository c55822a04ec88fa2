// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import astro from 'eslint-plugin-astro';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'dist/',
      '.astro/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
      '.workbench/',
      // Deliberately unparseable submissions.
      'test/fixtures/submissions/**/error/syntax/**',
      'test/fixtures/grading/error/syntax/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...astro.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Starters are deliberately incomplete and wrong solutions deliberately wrong.
    files: ['exercises/**', 'test/fixtures/**'],
    rules: {
      '@typescript-eslint/no-unused-vars': 'off',
      'no-constant-condition': 'off',
      'no-empty': 'off',
    },
  },
);
