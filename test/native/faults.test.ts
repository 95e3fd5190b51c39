// The fault matrix of test/reliability/faults.test.ts, run again with the native plugin serving every
// call: the same faults at the same moments, the same promise afterwards (Qualys holds exactly the
// jobs the state records: none twice, none orphaned, none lost, at most one enable per job). The
// core under both faces is the same code, so this second pass runs once per CI run, with the engine
// suites (QUALYS_SKIP_ENGINE_SUITES names the other Node); the dynamic pass runs on every Node.
import { useFace } from "../harness/engine";

const elsewhere = process.env.QUALYS_SKIP_ENGINE_SUITES;
if (elsewhere) {
    console.warn(`SKIPPED: test/native/faults (the fault matrix on the native plugin): ${elsewhere}`);
    test.skip("the fault matrix on the native plugin", () => undefined);
} else {
    useFace("native");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("../reliability/faults.test");
}
