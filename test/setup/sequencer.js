// Runs the suites in path order with the leak scan last: it scans what the others produced.
const Sequencer = require("@jest/test-sequencer").default;

module.exports = class LeakScanLast extends Sequencer {
    sort(tests) {
        const sorted = [...tests].sort((a, b) => a.path.localeCompare(b.path));
        const last = (t) => t.path.includes("leak-scan");
        return [...sorted.filter((t) => !last(t)), ...sorted.filter(last)];
    }
};
