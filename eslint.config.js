// Lint keeps the layers apart: the engine runs in Node and in a worker, so it
// may not touch the DOM or the UI; the UI never runs a model, so it may not
// import TensorFlow.js or face-api.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const uiPackages = {
  group: ['preact', 'preact/*', '@preact/*', '**/web/**'],
  message:
    'src/engine runs in Node and in a Web Worker: it must not import UI code.',
};

const modelPackages = {
  group: ['@tensorflow/*', '@vladmandic/*', '**/engine/pipeline*'],
  message:
    'The UI never runs a model: talk to the inference worker instead ' +
    '(src/web/workerClient.ts). Type-only imports of src/engine are fine.',
};

export default tseslint.config(
  { ignores: ['dist', 'build', 'node_modules', '.cache'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      'no-console': ['warn', { allow: ['warn', 'error', 'info'] }],
      '@typescript-eslint/consistent-type-imports': 'warn',
      '@typescript-eslint/no-unused-vars': [
        'warn',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [uiPackages] }],
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'navigator', 'localStorage'].map((name) => ({
          name,
          message: 'src/engine is DOM-free: pass what it needs in.',
        })),
      ],
    },
  },
  {
    files: ['src/web/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              ...modelPackages,
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
