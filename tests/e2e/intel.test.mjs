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

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { Session, testid, waitForServer } from "./webdriver.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../..");
const outDir = join(here, "out");
const appPath = resolve(process.env.DEVICERISK_APP ?? join(repoRoot, "target/debug/devicerisk-app"));
const driverPath = process.env.TAURI_DRIVER ?? join(repoRoot, ".tools/bin/tauri-driver");
// The project's own copy of 30 real CISA ICSMA advisories (provenance in that folder).
const advisories = join(repoRoot, "crates/intel/tests/fixtures/csaf/icsma");
const port = Number(process.env.E2E_PORT_INTEL ?? 4530);
const baseUrl = `http://127.0.0.1:${port}`;

let workDir;
let driver;
let session;

before(async () => {
  assert.ok(existsSync(appPath), `the app is not built: ${appPath} (run scripts/dev test, or build devicerisk-app)`);
  assert.ok(existsSync(driverPath), `tauri-driver not found at ${driverPath}`);
  assert.ok(process.env.DISPLAY, "no DISPLAY: run under xvfb-run -a");
  mkdirSync(outDir, { recursive: true });
  workDir = mkdtempSync(join(tmpdir(), "devicerisk-e2e-intel-"));
  const env = { ...process.env, DEVICERISK_DB: join(workDir, "e2e.sqlite3") };
  const log = createWriteStream(join(outDir, "tauri-driver-intel.log"));
  driver = spawn(driverPath, ["--port", String(port), "--native-port", String(port + 1)], { env, stdio: ["ignore", "pipe", "pipe"] });
  driver.stdout.pipe(log);
  driver.stderr.pipe(log);
  const exited = new Promise((_, reject) => driver.once("exit", (code) => reject(new Error(`tauri-driver exited early with code ${code}`))));
  await Promise.race([waitForServer(baseUrl, 20000), exited]);
});

after(async () => {
  if (session) await session.quit().catch(() => {});
  if (driver) driver.kill();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function step(name, body) {
  try {
    await body();
  } catch (error) {
    const file = join(outDir, `failure-intel-${name.replace(/[^a-z0-9]+/gi, "-")}.png`);
    if (session) await session.screenshot(file).catch(() => {});
    error.message = `step "${name}": ${error.message} (screenshot: ${file})`;
    throw error;
  }
}

// The demo clinic's Baxter Sigma Spectrum pumps match this advisory (version 6.05.13 within 6.x).
const alarisRow = `${testid("match-row")}[data-source="ICSMA-20-170-04"]`;

test("intelligence: import a CSAF folder, decide a match, see it on the device page", { timeout: 300000 }, async () => {
  await step("open the app and load the demo clinic", async () => {
    session = await Session.start(baseUrl, { browserName: "wry", "tauri:options": { application: appPath } });
    await session.setWindowSize(1280, 860).catch(() => {});
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
