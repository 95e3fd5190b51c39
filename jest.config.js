// got 14 is ESM-only and the provider loads it with a dynamic import() from CommonJS
// (design.md fact 7); jest runs that only with NODE_OPTIONS=--experimental-vm-modules (see npm test).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: { warnOnly: false } }] },
  testTimeout: 60000,
  modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/.pulumi-cli/"],
};
