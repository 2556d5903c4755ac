/**
 * Jest for TypeScript ES modules: ts-jest in ESM mode (run with --experimental-vm-modules, see
 * package.json), `.js` import specifiers mapped to the `.ts` sources. kube-mcp-stack ships
 * compiled ES modules, which Node loads as they are (nothing under node_modules is transformed).
 */
export default {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  transformIgnorePatterns: ['/node_modules/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};
