// End-to-end test of lifecycle planning in the real desktop app through WebDriver.
//
// Scenario (issue 5): load the demo clinic, open the Lifecycle plan screen (support status,
// suggest plan → accept one), then decommission a device through its checklist: tick each step
// with who and when, attach the disposal certificate by its path (the native file dialog cannot
// be driven), finish, and see the device decommissioned and still there with its history.
//
// Run it under an X server: `xvfb-run -a node --test tests/e2e/lifecycle.test.mjs`
// (scripts/dev test does). Same needs and overrides as inventory.test.mjs; port
// E2E_PORT_LIFECYCLE (default 4520). Screenshots go to tests/e2e/out/.

import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { e2eApp, outDir, TEST_TIMEOUT_MS, testid } from "./webdriver.mjs";

const app = e2eApp("lifecycle", { portVar: "E2E_PORT_LIFECYCLE", defaultPort: 4520 });
const { session, step } = app;

/** Clicks the first element matching `css` whose text is `text`. */
async function clickText(css, text) {
  const element = await session.waitUntil(`${css} with text ${text}`, async () => {
    for (const candidate of await session.findAll(css)) {
      if ((await candidate.text()).trim() === text) return candidate;
    }
    return null;
  });
  await element.click();
}

const DEVICE = "ECG cart 2";
const STEPS = ["data_wiped", "accounts_removed", "network_removed", "monitoring_removed"];

test("lifecycle: status and plan, then the decommissioning checklist end to end", { timeout: TEST_TIMEOUT_MS }, async () => {
  await step("open the app and load the demo clinic", async () => {
    await app.open();
    await session.click(testid("load-demo"));
    await session.waitFor(testid("nav-lifecycle"), { timeoutMs: 30000 });
    await session.waitUntil("the demo to load", async () => (await session.findAll(testid("load-demo"))).length === 0, { timeoutMs: 60000 });
  });

  await step("see support status and accept a suggestion", async () => {
    await session.click(testid("nav-lifecycle"));
    await session.waitFor(testid("support-row"), { timeoutMs: 20000 });
    const rows = await session.texts(testid("support-row"));
    const row = rows.find((text) => text.includes(DEVICE));
    assert.ok(row, `no row for ${DEVICE}: ${rows.length} rows`);
    assert.match(row, /Unsupported/);
    assert.match(row, /Windows XP Embedded/);
    await session.click(testid("suggest-plan"));
    await session.waitFor(testid("proposal"));
    const before = (await session.findAll(testid("accept-proposal"))).length;
    assert.ok(before > 0, "some suggestion to accept");
    await session.click(testid("accept-proposal"));
    await session.waitUntil("the accepted action in the plan", async () => (await session.texts(`${testid("plans")} tbody tr`)).length === 1);
    await session.screenshot(join(outDir, "lifecycle-screen.png"));
  });

  await step("open the device from the lifecycle table", async () => {
    await clickText(`${testid("support-row")} button.link`, DEVICE);
    await session.waitFor(testid("decommission-checklist"));
    const finish = await session.waitFor(testid("finish-decommission"));
    assert.equal(await finish.property("disabled"), true, "finish is disabled until every step is done");
  });

  await step("tick each step with who and when", async () => {
    for (const kind of STEPS) {
      await session.click(testid(`tick-${kind}`));
      await session.type(testid("tick-who"), "R. Tech");
      await session.click(testid("tick-save"));
      await session.waitForText(testid(`step-${kind}`), /R\. Tech/);
    }
  });

  await step("attach the disposal certificate by its path", async () => {
    const certificate = join(app.workDir, "disposal-certificate.pdf");
    writeFileSync(certificate, "%PDF-1.4 certificate of destruction, ECG cart 2\n");
    await session.click(testid("tick-certificate_attached"));
    await session.type(testid("tick-who"), "Green Disposal Inc.");
    await session.type(testid("tick-file"), certificate);
    await session.click(testid("tick-save"));
    const sha = await session.waitForText(testid("certificate-sha"), /^[0-9a-f]{64}$/);
    assert.equal(sha.length, 64);
    await session.screenshot(join(outDir, "lifecycle-checklist.png"));
  });

  await step("finish: the device is decommissioned and kept with its history", async () => {
    const finish = await session.waitFor(testid("finish-decommission"));
    await session.waitUntil("finish to be enabled", async () => (await finish.property("disabled")) === false);
    await finish.click();
    await session.waitForText(".badge", /Decommissioned/);
    const history = await session.waitForText(testid("device-history"), /Disposal certificate attached/);
    assert.match(history, /decommissioned/i);
    assert.equal((await session.findAll(testid("finish-decommission"))).length, 0, "the checklist is closed");
    // The device left the lifecycle status of devices in use, and its open action was cancelled.
    await session.click(testid("nav-lifecycle"));
    await session.waitFor(testid("support-row"));
    const rows = await session.texts(testid("support-row"));
    assert.ok(!rows.some((text) => text.includes(DEVICE)), "a decommissioned device is not in use");
  });
});
