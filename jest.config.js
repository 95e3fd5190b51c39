// got 14 is ESM-only and the provider loads it with a dynamic import() from CommonJS (design.md
// fact 7). ts-jest would compile that import() into require(), so tests load the provider as tsc
// built it (dist/provider, built by `npm test`'s pretest): the same code the dynamic-provider
// process runs. jest runs import() from CommonJS only with NODE_OPTIONS=--experimental-vm-modules.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: { warnOnly: false } }] },
  testTimeout: 60000,
  // One suite at a time: the engine suite and the benchmarks of the harness need the 2 cores, and
  // the leak scan must see what every other suite produced.
  maxWorkers: 1,
  globalSetup: "<rootDir>/test/setup/global-setup.js",
  testSequencer: "<rootDir>/test/setup/sequencer.js",
  moduleNameMapper: { "^(?:\\.\\./)+provider/(.*)$": "<rootDir>/dist/provider/$1" },
  modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/.pulumi-cli/"],
};
