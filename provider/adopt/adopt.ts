// `qualys-pm-pulumi adopt`: a Qualys PM tenant's deployment jobs as a Pulumi program.
// Lists every job of the chosen platforms (all pages), reads each one, and turns it into the
// canonical inputs `fromApiJob` gives, so that the generated program declares exactly what the
// provider reads back: `pulumi up` adopts each job (adoptJobId) without writing to Qualys, and
// `preview` shows no change. HTTP goes through the provider's own client (paging, retries, pacing);
// everything after the reads is pure and deterministic: the same tenant gives the same program.
//
// The rooms: types.ts (options and results), collect.ts (listing and reading), managed.ts (the jobs
// the stack already manages), names.ts (resource names), report.ts (what the comments say),
// render.ts (the program and the import file); cli.ts is the command.
export * from "./types";
export { collectJobs, programArgs } from "./collect";
export { compare, resourceNames, slugOf } from "./names";
export { clearedParts, keptParts, reportOf } from "./report";
export { renderImportFile, renderProgram, tsString } from "./render";
export type { ProgramMeta } from "./render";
