import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Building the larger architectures and spawning the CLI take seconds on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
