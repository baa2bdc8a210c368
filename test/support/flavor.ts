/**
 * The flavor the tests run on: cdktf, or cdktn when jest maps the cdktf imports to it (the
 * `unit-cdktn` project of jest.config.js, `npm run test:cdktn`). A test whose expectation differs
 * by flavor reads it from here instead of assuming cdktf.
 */
import { Flavor, FLAVORS } from "../../scripts/flavor/flavors";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdk = (require("cdktf/package.json") as { name: string }).name;

/** The flavor of the `cdktf` package this process loads. */
export const CURRENT_FLAVOR: Flavor = cdk === "cdktn" ? FLAVORS.cdktn : FLAVORS.cdktf;
