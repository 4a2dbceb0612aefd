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

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { Session, testid, waitForServer } from "./webdriver.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../..");
const outDir = join(here, "out");
const appPath = resolve(process.env.DEVICERISK_APP ?? join(repoRoot, "target/debug/devicerisk-app"));
const driverPath = process.env.TAURI_DRIVER ?? join(repoRoot, ".tools/bin/tauri-driver");
const port = Number(process.env.E2E_PORT ?? 4444);
const baseUrl = `http://127.0.0.1:${port}`;
const sampleCsv = join(repoRoot, "tests/fixtures/inventory/iomt-risk-scorer_sample_devices.csv");

const added = { name: "E2E Bedside Monitor 7", manufacturer: "Mindray", model: "ePM 10" };

let workDir;
let driver;
let session;

before(async () => {
  assert.ok(existsSync(appPath), `the app is not built: ${appPath} (run scripts/dev test, or build devicerisk-app)`);
  assert.ok(existsSync(driverPath), `tauri-driver not found at ${driverPath} (cargo install tauri-driver --version ^2 --locked --root .tools)`);
  assert.ok(process.env.DISPLAY, "no DISPLAY: run under xvfb-run -a");
  mkdirSync(outDir, { recursive: true });
  workDir = mkdtempSync(join(tmpdir(), "devicerisk-e2e-"));
  // The app reads its database path from DEVICERISK_DB; tauri-driver passes its own environment
  // on to the application it launches, so a fresh file here means an empty first launch.
  const env = { ...process.env, DEVICERISK_DB: join(workDir, "e2e.sqlite3") };
  const log = createWriteStream(join(outDir, "tauri-driver.log"));
  driver = spawn(driverPath, ["--port", String(port), "--native-port", String(port + 1)], { env, stdio: ["ignore", "pipe", "pipe"] });
  driver.stdout.pipe(log);
  driver.stderr.pipe(log);
  const exited = new Promise((_, reject) => driver.once("exit", (code) => reject(new Error(`tauri-driver exited early with code ${code}; see ${join(outDir, "tauri-driver.log")}`))));
  await Promise.race([waitForServer(baseUrl, 20000), exited]);
});

after(async () => {
  if (session) await session.quit().catch(() => {});
  if (driver) driver.kill();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function openApp() {
  session = await Session.start(baseUrl, { browserName: "wry", "tauri:options": { application: appPath } });
  // Xvfb's screen is 1280x1024: a fixed size makes screenshots comparable between runs.
  await session.setWindowSize(1280, 860).catch(() => {});
}

async function quitApp() {
  await session.quit();
  session = undefined;
}

/** Runs one step of the scenario; on failure keeps a screenshot named after the step. */
async function step(name, body) {
  try {
    await body();
  } catch (error) {
    const file = join(outDir, `failure-${name.replace(/[^a-z0-9]+/gi, "-")}.png`);
    if (session) await session.screenshot(file).catch(() => {});
    error.message = `step "${name}": ${error.message} (screenshot: ${file})`;
    throw error;
  }
}

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

test("inventory: add, import, search, and it survives a restart", { timeout: 300000 }, async () => {
  await step("open the app on an empty database", async () => {
    await openApp();
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
    await quitApp();
    await openApp();
    await session.click(testid("nav-devices"));
    await waitForRowCount(26);
    const names = (await deviceNames()).sort();
    assert.deepEqual(names, [added.name, ...sampleDeviceNames()].sort(), "devices after restart");
  });
});
