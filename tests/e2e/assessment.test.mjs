// End-to-end test of assessments in the real desktop app through WebDriver.
//
// Scenario (issue 3): on a fresh database, start an assessment, answer some questions (by
// clicking, with the keyboard alone, "don't know" and "not applicable" with a reason), restart
// the app and find the answers still there, finalize with a sign-off, and see edits refused.
//
// Run it under an X server: `xvfb-run -a node --test tests/e2e/assessment.test.mjs`
// (scripts/dev test does). Same needs and overrides as inventory.test.mjs. Screenshots of the
// answering screen (draft and final), and of any failure, go to tests/e2e/out/.

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
// A port of its own, so this file can run beside inventory.test.mjs.
const port = Number(process.env.E2E_PORT_ASSESSMENT ?? 4454);
const baseUrl = `http://127.0.0.1:${port}`;

let workDir;
let driver;
let session;

before(async () => {
  assert.ok(existsSync(appPath), `the app is not built: ${appPath} (run scripts/dev test, or build devicerisk-app)`);
  assert.ok(existsSync(driverPath), `tauri-driver not found at ${driverPath} (cargo install tauri-driver --version ^2 --locked --root .tools)`);
  assert.ok(process.env.DISPLAY, "no DISPLAY: run under xvfb-run -a");
  mkdirSync(outDir, { recursive: true });
  workDir = mkdtempSync(join(tmpdir(), "devicerisk-e2e-assessment-"));
  const env = { ...process.env, DEVICERISK_DB: join(workDir, "e2e.sqlite3") };
  const log = createWriteStream(join(outDir, "tauri-driver-assessment.log"));
  driver = spawn(driverPath, ["--port", String(port), "--native-port", String(port + 1)], { env, stdio: ["ignore", "pipe", "pipe"] });
  driver.stdout.pipe(log);
  driver.stderr.pipe(log);
  const exited = new Promise((_, reject) => driver.once("exit", (code) => reject(new Error(`tauri-driver exited early with code ${code}; see ${join(outDir, "tauri-driver-assessment.log")}`))));
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
    const file = join(outDir, `failure-assessment-${name.replace(/[^a-z0-9]+/gi, "-")}.png`);
    if (session) await session.screenshot(file).catch(() => {});
    error.message = `step "${name}": ${error.message} (screenshot: ${file})`;
    throw error;
  }
}

const question = (id) => `[data-testid="question"][data-question-id="${id}"]`;

/** Waits until the question shows an answer of `kind` ("yes", "unknown", "not_applicable"...). */
async function waitForAnswer(id, kind) {
  await session.waitFor(`${question(id)}[data-answer="${kind}"]`);
}

async function waitSaved() {
  await session.waitFor(`${testid("save-state")}[data-state="saved"]`);
}

test("assessment: answer, restart, answers kept, finalize, edits refused", { timeout: 300000 }, async () => {
  await step("open the app on an empty database", async () => {
    await openApp();
    await session.waitFor(testid("load-demo"), { timeoutMs: 30000 });
    await session.click(testid("start-empty"));
  });

  await step("start an assessment", async () => {
    await session.click(testid("nav-assessments"));
    await session.click(testid("assessment-new"));
    await session.type(testid("assessment-title"), "2026 annual");
    await session.click(testid("assessment-create"));
    await session.waitFor(question("clinic.inv.01"), { timeoutMs: 20000 });
    const status = await session.texts(testid("assessment-status"));
    assert.deepEqual(status, ["Draft"]);
  });

  await step("answer by clicking", async () => {
    await session.click(`${question("clinic.inv.01")} ${testid("answer-yes")}`);
    await waitForAnswer("clinic.inv.01", "yes");
    await waitSaved();
    await session.click(`${question("clinic.inv.02")} ${testid("answer-unknown")}`);
    await waitForAnswer("clinic.inv.02", "unknown");
  });

  await step("answer with the keyboard alone", async () => {
    // Clicking the question's words focuses its block (the block's centre may be a button).
    await session.click(`${question("clinic.inv.03")} .text`);
    const block = await session.waitFor(question("clinic.inv.03"));
    await block.sendKeys("p");
    await waitForAnswer("clinic.inv.03", "partial");
    // Arrow down moves to the next question; "n" answers it.
    await block.sendKeys("\uE015");
    const next = await session.waitFor(question("clinic.inv.04"));
    await next.sendKeys("n");
    await waitForAnswer("clinic.inv.04", "no");
  });

  await step("not applicable asks for a reason", async () => {
    await session.click(`${question("clinic.inv.05")} ${testid("answer-na")}`);
    await session.type(`${question("clinic.inv.05")} ${testid("na-reason")}`, "No medical devices on the guest network");
    await session.click(`${question("clinic.inv.05")} ${testid("na-save")}`);
    await waitForAnswer("clinic.inv.05", "not_applicable");
    await waitSaved();
    const findings = await session.texts(testid("finding"));
    assert.ok(findings.some((text) => /Recommended:/.test(text)), `findings: ${findings.join(" | ")}`);
    await session.screenshot(join(outDir, "assessment-answering.png"));
  });

  await step("restart the app: the answers are still there", async () => {
    await quitApp();
    await openApp();
    await session.click(testid("nav-assessments"));
    const rows = await session.waitUntil("one assessment row", async () => {
      const found = await session.findAll(testid("assessment-row"));
      return found.length === 1 ? found : null;
    });
    assert.match(await rows[0].text(), /2026 annual/);
    await session.click(testid("assessment-open"));
    await waitForAnswer("clinic.inv.01", "yes");
    await waitForAnswer("clinic.inv.02", "unknown");
    await waitForAnswer("clinic.inv.03", "partial");
    await waitForAnswer("clinic.inv.04", "no");
    await waitForAnswer("clinic.inv.05", "not_applicable");
  });

  await step("finalize with a sign-off", async () => {
    await session.click(testid("finalize-open"));
    await session.type(testid("signoff-name"), "Ana Diaz");
    await session.type(testid("signoff-role"), "COO");
    await session.click(testid("finalize-confirm"));
    await session.waitFor(`${testid("assessment-status")}[data-status="final"]`);
    const notice = await session.waitForText(testid("readonly-notice"), /Ana Diaz/);
    assert.match(notice, /read-only/);
    await session.screenshot(join(outDir, "assessment-final.png"));
  });

  await step("a final assessment refuses edits", async () => {
    const no = await session.waitFor(`${question("clinic.inv.01")} ${testid("answer-no")}`);
    assert.equal(await no.property("disabled"), true, "answer buttons are disabled");
    await session.click(`${question("clinic.inv.01")} .text`);
    const block = await session.waitFor(question("clinic.inv.01"));
    await block.sendKeys("n");
    await new Promise((resolve) => setTimeout(resolve, 500));
    await waitForAnswer("clinic.inv.01", "yes");
    assert.equal((await session.findAll(testid("finalize-open"))).length, 0, "no finalize button on a final assessment");
  });
});
