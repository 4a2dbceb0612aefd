// End-to-end test of vulnerability intelligence in the real desktop app through WebDriver.
//
// Scenario (issue 6): on a demo clinic, import the folder of real ICSMA advisories by typing its
// path, see the import report and the match of the demo's Baxter Sigma Spectrum pumps with
// ICSMA-20-170-04, decide it (mitigated by a control), then open the device page and find the
// advisory there with the decision.
//
// Run it under an X server: `E2E_PORT_INTEL=4530 xvfb-run -a node --test tests/e2e/intel.test.mjs`
// (scripts/dev test does). Same needs and overrides as inventory.test.mjs. Screenshots of the
// match table and the device page, and of any failure, go to tests/e2e/out/.

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";

import { e2eApp, outDir, repoRoot, TEST_TIMEOUT_MS, testid } from "./webdriver.mjs";

// The project's own copy of 30 real CISA ICSMA advisories (provenance in that folder).
const advisories = join(repoRoot, "crates/intel/tests/fixtures/csaf/icsma");

const app = e2eApp("intel", { portVar: "E2E_PORT_INTEL", defaultPort: 4530 });
const { session, step } = app;

// The demo clinic's Baxter Sigma Spectrum pumps match this advisory (version 6.05.13 within 6.x).
const alarisRow = `${testid("match-row")}[data-source="ICSMA-20-170-04"]`;

test("intelligence: import a CSAF folder, decide a match, see it on the device page", { timeout: TEST_TIMEOUT_MS }, async () => {
  await step("open the app and load the demo clinic", async () => {
    await app.open();
    await session.click(testid("load-demo"));
    await session.waitFor(testid("nav-intelligence"), { timeoutMs: 30000 });
  });

  await step("import the advisories folder by path", async () => {
    await session.click(testid("nav-intelligence"));
    await session.type(testid("csaf-path"), advisories);
    await session.click(testid("csaf-import"));
    await session.waitForText(testid("csaf-report"), /Imported 30 advisories/, { timeoutMs: 30000 });
    const rows = await session.texts(alarisRow);
    assert.ok(rows.length >= 1, "the demo's Sigma Spectrum pumps match ICSMA-20-170-04");
    assert.match(rows[0], /High/);
    assert.match(rows[0], /35700BAX/);
    await session.screenshot(join(outDir, "intel-matches.png"));
  });

  await step("decide: mitigated by a control", async () => {
    await session.click(`${alarisRow} ${testid("decide")}`);
    await session.click(`${alarisRow} input[value="mitigated"]`);
    await session.type(`${alarisRow} ${testid("control")}`, "Pump VLAN without internet access");
    await session.click(`${alarisRow} ${testid("save-decision")}`);
    // Decided matches leave the "to review" list; show them.
    await session.click(`${testid("match-filter")} option[value="decided"]`);
    await session.waitForText(`${alarisRow} ${testid("decision-text")}`, /Mitigated by Pump VLAN/);
  });

  await step("the device page lists the advisory and the decision", async () => {
    await session.click(`${alarisRow} td button`);
    await session.waitForText(testid("device-vulnerabilities"), /ICSMA-20-170-04/);
    const decisions = await session.texts(`${testid("device-advisories")} ${testid("device-decision")}`);
    assert.ok(decisions.some((t) => /Mitigated by Pump VLAN/.test(t)), decisions.join(" | "));
    await session.screenshot(join(outDir, "intel-device.png"));
  });
});
