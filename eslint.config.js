/**
 * ESLint (flat config): @eslint/js and typescript-eslint recommended rules on every source,
 * test and script; generated code (imports/) and build output are not linted. Formatting is
 * Prettier's (.prettierrc.json), not ESLint's.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'build/', 'lib/', '.cache/', 'coverage/', 'imports/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a binding left out on purpose (`const { omitted: _x, ...rest } = o`,
      // an Express error handler's fourth parameter that makes it one).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Tests read synthesized YAML manifests of arbitrary shape: `any` there is the parsed document.
    files: ['test/**', 'mcp-server/test/**', 'playground/test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['playground/public/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
