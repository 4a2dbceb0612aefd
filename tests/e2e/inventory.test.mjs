// End-to-end test of the real desktop app through WebDriver (tauri-driver + WebKitWebDriver).
//
// Scenario (issue 2): open the app on an empty database, add a device, import the public
// 25-device sample, find an imported device by search, restart the app on the same database and
// see all 26 devices still there.
//
// Run it under an X server: `xvfb-run -a node --test tests/e2e/inventory.test.mjs`
// (scripts/dev test does). Needs target/debug/devicerisk-app (built with the UI embedded) and
// tauri-driver (.tools/bin/tauri-driver, from `cargo install tauri-driver --version ^2`).
// Overrides: DEVICERISK_APP, TAURI_DRIVER, E2E_PORT (tauri-driver's port, default 4444).
// Screenshots of the inventory and the import preview, and of any failure, go to tests/e2e/out/.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { e2eApp, outDir, repoRoot, TEST_TIMEOUT_MS, testid } from "./webdriver.mjs";

const sampleCsv = join(repoRoot, "tests/fixtures/inventory/iomt-risk-scorer_sample_devices.csv");

const added = { name: "E2E Bedside Monitor 7", manufacturer: "Mindray", model: "ePM 10" };

const app = e2eApp("inventory", { portVar: "E2E_PORT", defaultPort: 4444 });
const { session, step } = app;

/** First column of the sample (it has no quoted cells, so a plain split is exact). */
function sampleDeviceNames() {
  const lines = readFileSync(sampleCsv, "utf8").split(/\r?\n/).filter((line) => line.trim() !== "");
  return lines.slice(1).map((line) => line.split(",")[0]);
}

async function deviceNames() {
  return session.texts(testid("device-name"));
}

async function waitForRowCount(count) {
  return session.waitUntil(`${count} device rows`, async () => (await session.findAll(testid("device-row"))).length === count);
}

test("inventory: add, import, search, and it survives a restart", { timeout: TEST_TIMEOUT_MS }, async () => {
  await step("open the app on an empty database", async () => {
    await app.open();
    // First launch offers the demo clinic or an empty start.
    await session.waitFor(testid("load-demo"), { timeoutMs: 30000 });
    await session.click(testid("start-empty"));
  });

  await step("add a device", async () => {
    await session.click(testid("nav-devices"));
    await session.click(testid("add-device"));
    await session.type(testid("field-name"), added.name);
    await session.type(testid("field-manufacturer"), added.manufacturer);
    await session.type(testid("field-model"), added.model);
    await session.click(testid("save-device"));
    await session.waitUntil(`"${added.name}" in the device table`, async () => {
      const errors = await session.texts(testid("form-error"));
      assert.deepEqual(errors.filter((text) => text.trim() !== ""), [], "the form reported an error");
      return (await deviceNames()).includes(added.name);
    });
    await session.waitFor(testid("device-table"));
    await waitForRowCount(1);
  });

  await step("preview the import of the 25-device sample", async () => {
    await session.click(testid("nav-import"));
    await session.type(testid("import-path"), sampleCsv);
    await session.click(testid("import-preview"));
    const summary = await session.waitForText(testid("import-summary"), /\b25\b/);
    assert.match(summary, /rows?/i, `import-summary should count the rows: ${summary}`);
    await session.screenshot(join(outDir, "import-preview.png"));
  });

  await step("apply the import", async () => {
    await session.click(testid("import-apply"));
    const result = await session.waitForText(testid("import-result"), /created/i);
    assert.match(result, /\b25\b[^0-9]*created|created[^0-9]*\b25\b/i, `import-result: ${result}`);
  });

  await step("find an imported device by search", async () => {
    await session.click(testid("nav-devices"));
    await waitForRowCount(26);
    await session.screenshot(join(outDir, "inventory.png"));
    await session.type(testid("device-search"), "Alaris");
    await session.waitUntil('only "ER Infusion Pump #1" shown for "Alaris"', async () => {
      const names = await deviceNames();
      return names.length === 1 && names[0] === "ER Infusion Pump #1";
    });
    await session.screenshot(join(outDir, "inventory-search.png"));
  });

  await step("restart the app on the same database", async () => {
    await app.quit();
    await app.open();
    await session.click(testid("nav-devices"));
    await waitForRowCount(26);
    const names = (await deviceNames()).sort();
    assert.deepEqual(names, [added.name, ...sampleDeviceNames()].sort(), "devices after restart");
  });
});
