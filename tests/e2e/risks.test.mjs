// End-to-end test of the risk register in the real desktop app through WebDriver.
//
// Scenario (issue 4): open the app on the demo clinic, open the risk dashboard and register,
// list the risks of a heat-map cell, accept a risk (approver, reason, expiry) and see it in the
// register as accepted; open a device's risk page and see its explanation and what would lower it;
// record a control on devices picked in the device list; add a risk by hand, change its rating,
// delete it.
//
// Run it under an X server: `xvfb-run -a node --test tests/e2e/risks.test.mjs` (scripts/dev test
// does). Same needs and overrides as inventory.test.mjs. Screenshots of the dashboard, the
// device risk page and of any failure go to tests/e2e/out/.

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";

import { e2eApp, outDir, TEST_TIMEOUT_MS, testid } from "./webdriver.mjs";

const app = e2eApp("risks", { portVar: "E2E_PORT_RISKS", defaultPort: 4458, window: { width: 1280, height: 900 } });
const { session, step } = app;

const row = (key) => `[data-testid="risk-row"][data-risk-key="${key}"]`;

test("risks: heat map, accept a risk, see it accepted; a device's explanation", { timeout: TEST_TIMEOUT_MS }, async () => {
  let key;

  await step("open the app on the demo clinic", async () => {
    await app.open();
    await session.waitFor(testid("load-demo"), { timeoutMs: 30000 });
    await session.click(testid("load-demo"));
    await session.waitFor(testid("nav-risks"));
  });

  await step("open the dashboard and the register", async () => {
    await session.click(testid("nav-risks"));
    await session.waitFor(testid("heat-map"));
    await session.waitFor(testid("risk-register"));
    const rows = await session.findAll(testid("risk-row"));
    assert.ok(rows.length >= 5, `expected a register, found ${rows.length} rows`);
    const statuses = await session.texts(testid("risk-status"));
    assert.ok(statuses.every((s) => !s.startsWith("Accepted")), `nothing is accepted yet: ${statuses}`);
    // The first device-fact risk of the register (worst first).
    const facts = await session.findAll(`${testid("risk-row")}[data-risk-key^="factor:"]`);
    assert.ok(facts.length > 0, "the demo clinic has device-fact risks");
    key = await facts[0].cmd("GET", "/attribute/data-risk-key");
    assert.match(key, /^factor:/);
    await session.screenshot(join(outDir, "risks-dashboard.png"));
  });

  await step("a heat-map cell lists only its risks", async () => {
    // The residual map is shown; find a non-empty cell by its label.
    const cells = await session.findAll('[data-testid^="heat-cell-"]');
    let clicked = false;
    for (const cell of cells) {
      if ((await cell.text()).trim() !== "") {
        await cell.click();
        clicked = true;
        break;
      }
    }
    assert.ok(clicked, "some cell has risks");
    await session.waitFor(testid("filter-cell"));
    await session.click(testid("filter-clear"));
  });

  await step("accept a risk with approver, reason and expiry", async () => {
    await session.click(`${row(key)} [data-testid="risk-open"]`);
    await session.waitFor(testid("accept-form"));
    await session.waitForText(testid("risk-reason"), /worst|Its device/);
    // Without an approver and reason the app says what is missing and accepts nothing.
    await session.click(testid("accept-save"));
    await session.waitForText('[role="alert"], .error, [data-testid="error-banner"]', /approver|Approver/);
    await session.type(testid("accept-approver"), "Dr. Dana Rivera, COO");
    await session.type(testid("accept-reason"), "Vendor firmware with a password change is due next quarter; pumps are on the medical VLAN.");
    await session.click(testid("accept-save"));
    await session.waitForText(testid("risk-detail-status"), /^Accepted until \d{4}-\d{2}-\d{2}/);
    await session.waitForText(testid("acceptance-current"), /Dr\. Dana Rivera, COO/);
  });

  await step("the register shows it as accepted", async () => {
    await session.click(testid("nav-risks"));
    await session.waitForText(`${row(key)} [data-testid="risk-status"]`, /^Accepted until /);
    const statuses = await session.texts(testid("risk-status"));
    assert.equal(statuses.filter((s) => s.startsWith("Accepted")).length, 1, `${statuses}`);
  });

  await step("a device's risk page explains its level", async () => {
    await session.click(testid("nav-devices"));
    await session.click(testid("device-name"));
    await session.click(testid("device-risk"));
    await session.waitFor(testid("device-risk-explanation"));
    await session.waitForText(testid("device-risk-residual"), /^(Low|Medium|High|Critical)$/);
    const factors = await session.texts(testid("factor-row"));
    assert.ok(factors.length >= 2, `factors: ${factors}`);
    assert.ok(factors.some((f) => /likelihood point/.test(f)), `a factor says its points in words: ${factors}`);
    await session.waitFor(testid("what-would-lower"));
    await session.screenshot(join(outDir, "risks-device.png"));
  });

  await step("record a control on two devices picked in the device list", async () => {
    await session.click(testid("nav-devices"));
    await session.waitFor(testid("device-row"));
    const boxes = await session.findAll(`${testid("device-row")} input[type="checkbox"]`);
    assert.ok(boxes.length >= 2);
    await boxes[0].click();
    await boxes[1].click();
    await session.waitFor(testid("bulk-edit"));
    await session.click(`${testid("bulk-control")} option[value="isolation_vlan"]`);
    await session.click(testid("bulk-control-apply"));
    await session.waitForText(testid("notice"), /2 devices updated: control "Isolation VLAN" recorded/);
  });

  await step("add a risk by hand, lower its rating, then delete it", async () => {
    await session.click(testid("nav-risks"));
    await session.click(testid("risk-add-manual"));
    await session.type(testid("manual-title"), "Reception PC shared by all staff");
    // Rated 3 × 3 by default: Medium or above on the method's matrix.
    await session.click(testid("manual-save"));
    await session.waitForText(testid("risk-title"), /Reception PC shared by all staff/);
    const before = await session.texts(testid("risk-residual"));
    await session.click(testid("manual-edit-start"));
    await session.type(testid("edit-title"), "Reception PC without a screen lock");
    // Number inputs refuse WebDriver's clear: step the value down with the arrow key instead.
    const likelihood = await session.waitFor(testid("edit-likelihood"));
    await likelihood.sendKeys("\uE015\uE015");
    await session.click(testid("edit-save"));
    await session.waitForText(testid("risk-title"), /Reception PC without a screen lock/);
    await session.waitForText(testid("risk-reason"), /likelihood 1 /);
    const after = await session.texts(testid("risk-residual"));
    assert.notDeepEqual(after, before, "a lower likelihood lowers the level");
    await session.click(testid("manual-delete"));
    await session.click(testid("manual-delete-confirm"));
    await session.waitFor(testid("risk-register"));
    const titles = await session.texts(`${testid("risk-row")} ${testid("risk-open")}`);
    assert.ok(!titles.some((t) => t.includes("Reception PC")), `deleted: ${titles}`);
  });
});
