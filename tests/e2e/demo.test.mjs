// End-to-end test of the demo clinic with a year of records in the real desktop app.
//
// Scenario: on first launch, tick "With a year of records" and load the demo clinic; the
// assessments list has last year's signed-off assessment and this year's draft carried forward
// from it, the risk register has an accepted risk, and the lifecycle plan has actions. Run it
// under an X server: `xvfb-run -a node --test tests/e2e/demo.test.mjs` (scripts/dev test does).
// Port E2E_PORT_DEMO (default 4560); screenshots of failures go to tests/e2e/out/.

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";

import { e2eApp, outDir, TEST_TIMEOUT_MS, testid } from "./webdriver.mjs";

const app = e2eApp("demo", { portVar: "E2E_PORT_DEMO", defaultPort: 4560 });
const { session, step } = app;

test("demo: a year of records on first launch", { timeout: TEST_TIMEOUT_MS }, async () => {
  await step("open the app and load the demo clinic with its history", async () => {
    await app.open();
    await session.waitFor(testid("load-demo"), { timeoutMs: 30000 });
    await session.click(testid("demo-history"));
    await session.click(testid("load-demo"));
    await session.waitFor(testid("checklist"), { timeoutMs: 60000 });
    await session.screenshot(join(outDir, "demo-home.png"));
  });

  await step("last year's assessment is final, this year's draft carries it forward", async () => {
    await session.click(testid("nav-assessments"));
    await session.waitFor(testid("assessment-row"));
    const rows = await session.texts(testid("assessment-row"));
    assert.equal(rows.length, 2, `${rows}`);
    assert.match(rows[0], /annual[\s\S]*Draft/);
    assert.match(rows[1], /annual[\s\S]*Final — signed by Dana Whitfield/);
  });

  await step("the register has an accepted risk and the plan has actions", async () => {
    await session.click(testid("nav-risks"));
    await session.waitFor(testid("risk-register"));
    const statuses = await session.texts(testid("risk-status"));
    assert.equal(statuses.filter((s) => s.startsWith("Accepted until")).length, 1, `${statuses}`);
    await session.click(testid("nav-lifecycle"));
    await session.waitFor(`${testid("plans")} tbody tr`, { timeoutMs: 30000 });
    const plans = await session.findAll(`${testid("plans")} tbody tr`);
    assert.ok(plans.length > 0);
  });
});
