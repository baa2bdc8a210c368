/**
 * Jest's order of test files: the slowest first, so none is left running alone at the end.
 *
 * Jest's own sequencer orders by each file's last duration, cached by absolute path: a clone at a
 * new path (CI's fresh clone) has none and falls back to file size, which started the 600-second
 * files last. The files below come first, in this order (their durations measured in a full run,
 * `npm run bench:suite`); every other file keeps Jest's order after them.
 */
const Sequencer = require("@jest/test-sequencer").default;
const path = require("node:path");

const SLOWEST_FIRST = [
  "test/stacks/local-deploy.local.test.ts",
  "test/review/review-apply.local.test.ts",
  "test/review/review.local.test.ts",
  "test/stacks/environment.local.test.ts",
  "test/review/eip-gate.local.test.ts",
  "test/terraform-modules/rules.local.test.ts",
  "test/terraform-modules/hcl-consumer.local.test.ts",
  "test/terraform-modules/generate.test.ts",
  "test/stacks/environment.test.ts",
  "test/package/examples.test.ts",
  "test/package/pack.test.ts",
  "test/modules/load-balanced-service.test.ts",
  "test/docs/props-docs.test.ts",
];

class SlowestFirst extends Sequencer {
  sort(tests) {
    const rank = (t) => {
      const i = SLOWEST_FIRST.indexOf(
        path.relative(path.join(__dirname, ".."), t.path).split(path.sep).join("/"),
      );
      return i < 0 ? SLOWEST_FIRST.length : i;
    };
    const jestOrder = super.sort(tests);
    return jestOrder
      .map((t, i) => ({ t, i }))
      .sort((a, b) => rank(a.t) - rank(b.t) || a.i - b.i)
      .map((x) => x.t);
  }
}

module.exports = SlowestFirst;
