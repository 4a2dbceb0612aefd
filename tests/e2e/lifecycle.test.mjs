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

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { Session, testid, waitForServer } from "./webdriver.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../..");
const outDir = join(here, "out");
const appPath = resolve(process.env.DEVICERISK_APP ?? join(repoRoot, "target/debug/devicerisk-app"));
const driverPath = process.env.TAURI_DRIVER ?? join(repoRoot, ".tools/bin/tauri-driver");
// A port of its own, so this file can run beside inventory.test.mjs.
const port = Number(process.env.E2E_PORT_LIFECYCLE ?? 4520);
const baseUrl = `http://127.0.0.1:${port}`;

let workDir;
let driver;
let session;

before(async () => {
  assert.ok(existsSync(appPath), `the app is not built: ${appPath} (run scripts/dev test, or build devicerisk-app)`);
  assert.ok(existsSync(driverPath), `tauri-driver not found at ${driverPath} (cargo install tauri-driver --version ^2 --locked --root .tools)`);
  assert.ok(process.env.DISPLAY, "no DISPLAY: run under xvfb-run -a");
  mkdirSync(outDir, { recursive: true });
  workDir = mkdtempSync(join(tmpdir(), "devicerisk-e2e-lifecycle-"));
  const env = { ...process.env, DEVICERISK_DB: join(workDir, "e2e.sqlite3") };
  const log = createWriteStream(join(outDir, "tauri-driver-lifecycle.log"));
  driver = spawn(driverPath, ["--port", String(port), "--native-port", String(port + 1)], { env, stdio: ["ignore", "pipe", "pipe"] });
  driver.stdout.pipe(log);
  driver.stderr.pipe(log);
  const exited = new Promise((_, reject) => driver.once("exit", (code) => reject(new Error(`tauri-driver exited early with code ${code}; see ${join(outDir, "tauri-driver-lifecycle.log")}`))));
  await Promise.race([waitForServer(baseUrl, 20000), exited]);
});

after(async () => {
  if (session) await session.quit().catch(() => {});
  if (driver) driver.kill();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function openApp() {
  session = await Session.start(baseUrl, { browserName: "wry", "tauri:options": { application: appPath } });
  await session.setWindowSize(1280, 860).catch(() => {});
}

async function quitApp() {
  await session.quit();
  session = undefined;
}

async function step(name, body) {
  try {
    await body();
  } catch (error) {
    const file = join(outDir, `failure-lifecycle-${name.replace(/[^a-z0-9]+/gi, "-")}.png`);
    if (session) await session.screenshot(file).catch(() => {});
    error.message = `step "${name}": ${error.message} (screenshot: ${file})`;
    throw error;
  }
}

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

test("lifecycle: status and plan, then the decommissioning checklist end to end", { timeout: 300000 }, async () => {
  await step("open the app and load the demo clinic", async () => {
    await openApp();
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
    const certificate = join(workDir, "disposal-certificate.pdf");
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
