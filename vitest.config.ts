import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'scripts/**/*.test.ts',
      'synthetic-data/**/*.test.ts',
      'protocols/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // the fixtures use the keys published with the repository, which the tool refuses otherwise
    env: { LDH_ALLOW_TEST_KEYS: '1' },
  },
});
