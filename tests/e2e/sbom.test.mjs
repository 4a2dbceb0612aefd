// End-to-end test of SBOMs and VEX in the real desktop app through WebDriver.
//
// Scenario (issue 6): on a demo clinic, attach an SBOM to a model (every Baxter Sigma Spectrum
// pump) by typing its path, import a CSAF VEX document by path, then open one of those pumps and
// find the SBOM's components there, with the vulnerability the VEX ruled out and the ones still
// open, search the components, then detach the SBOM and see the pump without components.
//
// Run it under an X server: `E2E_PORT_SBOM=4531 xvfb-run -a node --test tests/e2e/sbom.test.mjs`
// (scripts/dev test does, with the default port). Screenshots of the Vulnerabilities screen's
// SBOM part and of the device page go to tests/e2e/out/.

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";

import { e2eApp, outDir, repoRoot, TEST_TIMEOUT_MS, testid } from "./webdriver.mjs";

// The project's own fixtures (provenance in that folder): a synthetic device SBOM and the OASIS
// CSAF VEX example that rules CVE-2021-44228 out for product "ABC" 4.2.
const fixtures = join(repoRoot, "crates/intel/tests/fixtures/sbom");
const sbomFile = join(fixtures, "synthetic/abc-infusion-pump-4.2.cdx.json");
const vexFile = join(fixtures, "csaf-vex_2022-evd-uc-01-na-001.json");

const app = e2eApp("sbom", { portVar: "E2E_PORT_SBOM", defaultPort: 4550, window: { width: 1280, height: 900 } });
const { session, step } = app;

/** Scrolls the element to the top of the window, then saves a PNG of the window: the sections
 * are below the fold (WebKit's element screenshots come out black). */
async function elementShot(css, name) {
  await session.cmd("POST", "/execute/sync", { script: "document.querySelector(arguments[0]).scrollIntoView();", args: [css] });
  await session.screenshot(join(outDir, name));
}

test("sbom: attach an SBOM to a model by path, import VEX, see the components on the device page", { timeout: TEST_TIMEOUT_MS }, async () => {
  await step("open the app and load the demo clinic", async () => {
    await app.open();
    await session.click(testid("load-demo"));
    await session.waitFor(testid("nav-intelligence"), { timeoutMs: 30000 });
  });

  await step("attach the SBOM to every Sigma Spectrum pump", async () => {
    await session.click(testid("nav-intelligence"));
    await session.click(testid("sbom-kind-model"));
    await session.click(`${testid("sbom-model-pick")} option[value="Baxter|Sigma Spectrum"]`);
    await session.type(testid("sbom-path"), sbomFile);
    await session.click(testid("sbom-attach"));
    const report = await session.waitForText(testid("sbom-report"), /Attached abc-infusion-pump-4\.2\.cdx\.json/, { timeoutMs: 30000 });
    assert.match(report, /model Baxter Sigma Spectrum: 6 components/);
    const rows = await session.texts(testid("sbom-row"));
    assert.equal(rows.length, 1);
    assert.match(rows[0], /CycloneDX 1\.5 JSON/);
  });

  await step("import the manufacturer's VEX by path", async () => {
    await session.type(testid("vex-path"), vexFile);
    await session.click(testid("vex-import"));
    await session.waitForText(testid("vex-report"), /1 statement, applied to 1 component\./);
    const rows = await session.texts(testid("sbom-row"));
    // Log4Shell ruled out for the product: only the openssl CVE is still open.
    assert.match(rows[0], /1 of 3/);
    await elementShot(testid("sbom-panel"), "sbom-panel.png");
  });

  await step("a Sigma Spectrum pump lists the components with their vulnerabilities", async () => {
    await session.click(testid("nav-devices"));
    await session.type(testid("device-search"), "Sigma Spectrum");
    // The list filters as one types: wait until its first row is a Sigma Spectrum pump.
    await session.waitForText(testid("device-row"), /Sigma Spectrum/);
    await session.click(`${testid("device-row")} ${testid("device-name")}`);
    await session.waitForText(testid("device-sbom"), /abc-infusion-pump-4\.2\.cdx\.json/);
    const components = await session.texts(testid("sbom-component"));
    assert.equal(components.length, 7, components.join(" | "));
    const log4j = components.find((c) => /log4j-core/.test(c));
    assert.match(log4j, /CVE-2021-44228/);
    assert.match(log4j, /Not affected/);
    assert.match(log4j, /VEX csaf-vex_2022-evd-uc-01-na-001\.json/);
    const open = await session.texts(testid("device-sbom-open"));
    assert.match(open[0], /CVE-2022-0778 in openssl 1\.0\.2k/);
    await elementShot(testid("device-sbom"), "sbom-device.png");
  });

  await step("search the components", async () => {
    await session.type(testid("sbom-search"), "busybox");
    await session.waitForText(testid("sbom-count"), /^1 of 7 components$/);
    const shown = await session.texts(testid("sbom-component"));
    assert.equal(shown.length, 1);
    assert.match(shown[0], /busybox/);
    assert.match(shown[0], /code not present/);
  });

  await step("detach the SBOM: the pump lists no component any more", async () => {
    await session.click(testid("nav-intelligence"));
    await session.click(testid("sbom-detach"));
    await session.click(testid("confirm-action"));
    await session.waitFor(testid("no-sboms"));
    await session.click(testid("nav-devices"));
    await session.type(testid("device-search"), "Sigma Spectrum");
    await session.waitForText(testid("device-row"), /Sigma Spectrum/);
    await session.click(`${testid("device-row")} ${testid("device-name")}`);
    await session.waitFor(testid("no-device-sbom"));
  });
});
