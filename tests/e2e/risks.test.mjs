// End-to-end test of the risk register in the real desktop app through WebDriver.
//
// Scenario (issue 4): open the app on the demo clinic, open the risk dashboard and register,
// list the risks of a heat-map cell, accept a risk (approver, reason, expiry) and see it in the
// register as accepted; open a device's risk page and see its explanation and what would lower it.
//
// Run it under an X server: `xvfb-run -a node --test tests/e2e/risks.test.mjs` (scripts/dev test
// does). Same needs and overrides as inventory.test.mjs. Screenshots of the dashboard, the
// device risk page and of any failure go to tests/e2e/out/.

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
// A port of its own, so this file can run beside the other e2e files.
const port = Number(process.env.E2E_PORT_RISKS ?? process.env.E2E_PORT ?? 4458);
const baseUrl = `http://127.0.0.1:${port}`;

let workDir;
let driver;
let session;

before(async () => {
  assert.ok(existsSync(appPath), `the app is not built: ${appPath} (run scripts/dev test, or build devicerisk-app)`);
  assert.ok(existsSync(driverPath), `tauri-driver not found at ${driverPath} (cargo install tauri-driver --version ^2 --locked --root .tools)`);
  assert.ok(process.env.DISPLAY, "no DISPLAY: run under xvfb-run -a");
  mkdirSync(outDir, { recursive: true });
  workDir = mkdtempSync(join(tmpdir(), "devicerisk-e2e-risks-"));
  const env = { ...process.env, DEVICERISK_DB: join(workDir, "e2e.sqlite3") };
  const log = createWriteStream(join(outDir, "tauri-driver-risks.log"));
  driver = spawn(driverPath, ["--port", String(port), "--native-port", String(port + 1)], { env, stdio: ["ignore", "pipe", "pipe"] });
  driver.stdout.pipe(log);
  driver.stderr.pipe(log);
  const exited = new Promise((_, reject) => driver.once("exit", (code) => reject(new Error(`tauri-driver exited early with code ${code}; see ${join(outDir, "tauri-driver-risks.log")}`))));
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
    const file = join(outDir, `failure-risks-${name.replace(/[^a-z0-9]+/gi, "-")}.png`);
    if (session) await session.screenshot(file).catch(() => {});
    error.message = `step "${name}": ${error.message} (screenshot: ${file})`;
    throw error;
  }
}

const row = (key) => `[data-testid="risk-row"][data-risk-key="${key}"]`;

test("risks: heat map, accept a risk, see it accepted; a device's explanation", { timeout: 300000 }, async () => {
  let key;

  await step("open the app on the demo clinic", async () => {
    session = await Session.start(baseUrl, { browserName: "wry", "tauri:options": { application: appPath } });
    await session.setWindowSize(1280, 900).catch(() => {});
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
});
