// End-to-end test of the audit packet screen in the real desktop app through WebDriver.
//
// Scenario (issue 7): load the demo clinic, open the packet screen, generate the PDF (A4) and
// the workbook through the typed path (the native save dialog cannot be driven), check both
// files, and see the home checklist step turn done. Run it under an X server:
// `xvfb-run -a node --test tests/e2e/packet.test.mjs` (scripts/dev test does). A screenshot of
// the finished screen, and of any failure, goes to tests/e2e/out/.

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
// A port of its own, so this file can run beside the other e2e files.
const port = Number(process.env.E2E_PORT_PACKET ?? 4540);
const baseUrl = `http://127.0.0.1:${port}`;

let workDir;
let driver;
let session;

before(async () => {
  assert.ok(existsSync(appPath), `the app is not built: ${appPath} (run scripts/dev test, or build devicerisk-app)`);
  assert.ok(existsSync(driverPath), `tauri-driver not found at ${driverPath} (cargo install tauri-driver --version ^2 --locked --root .tools)`);
  assert.ok(process.env.DISPLAY, "no DISPLAY: run under xvfb-run -a");
  mkdirSync(outDir, { recursive: true });
  workDir = mkdtempSync(join(tmpdir(), "devicerisk-e2e-packet-"));
  const env = { ...process.env, DEVICERISK_DB: join(workDir, "e2e.sqlite3") };
  const log = createWriteStream(join(outDir, "tauri-driver-packet.log"));
  driver = spawn(driverPath, ["--port", String(port), "--native-port", String(port + 1)], { env, stdio: ["ignore", "pipe", "pipe"] });
  driver.stdout.pipe(log);
  driver.stderr.pipe(log);
  const exited = new Promise((_, reject) => driver.once("exit", (code) => reject(new Error(`tauri-driver exited early with code ${code}; see ${join(outDir, "tauri-driver-packet.log")}`))));
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
    const file = join(outDir, `failure-packet-${name.replace(/[^a-z0-9]+/gi, "-")}.png`);
    if (session) await session.screenshot(file).catch(() => {});
    error.message = `step "${name}": ${error.message} (screenshot: ${file})`;
    throw error;
  }
}


test("packet: generate the PDF and the workbook from the demo clinic", { timeout: 300000 }, async () => {
  await step("open the app and load the demo clinic", async () => {
    await openApp();
    await session.waitFor(testid("load-demo"), { timeoutMs: 30000 });
    await session.click(testid("load-demo"));
    await session.waitFor(testid("checklist"), { timeoutMs: 30000 });
  });

  const pdf = join(workDir, "packet.pdf");
  await step("generate the PDF through the typed path", async () => {
    await session.click(testid("nav-packet"));
    await session.waitFor(testid("packet-no-assessment"));
    await session.click(testid("packet-paper-a4"));
    await session.type(testid("packet-path"), pdf);
    await session.click(testid("packet-generate"));
    const text = await session.waitForText(testid("packet-result"), /Saved the PDF \(\d+ pages/, { timeoutMs: 60000 });
    assert.match(text, /29 devices in use/, "the demo clinic has 30 devices, one decommissioned");
    assert.ok(readFileSync(pdf).subarray(0, 5).toString() === "%PDF-", "a PDF was written");
    await session.screenshot(join(outDir, "packet-done.png"));
  });

  await step("generate the workbook", async () => {
    const xlsx = join(workDir, "packet.xlsx");
    await session.type(testid("packet-path"), xlsx);
    await session.click(`${testid("packet-format")} option[value="xlsx"]`);
    await session.click(testid("packet-generate"));
    await session.waitForText(testid("packet-result"), /Saved the workbook/, { timeoutMs: 60000 });
    assert.ok(readFileSync(xlsx).subarray(0, 2).toString() === "PK", "an XLSX (zip) was written");
  });

  await step("the home checklist shows the packet step done", async () => {
    await session.click(testid("nav-home"));
    await session.waitForText('li[data-step="audit_packet"]', /Last generated/, { timeoutMs: 15000 });
  });
});
