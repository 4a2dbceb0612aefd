// End-to-end test of assessments in the real desktop app through WebDriver.
//
// Scenario (issue 3): on a fresh database, start an assessment, answer some questions (by
// clicking, with the keyboard alone, "don't know" and "not applicable" with a reason), restart
// the app and find the answers still there, finalize with a sign-off, and see edits refused.
//
// Run it under an X server: `xvfb-run -a node --test tests/e2e/assessment.test.mjs`
// (scripts/dev test does). Same needs and overrides as inventory.test.mjs. Screenshots of the
// answering screen (draft and final), and of any failure, go to tests/e2e/out/.

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";

import { e2eApp, outDir, TEST_TIMEOUT_MS, testid } from "./webdriver.mjs";

const app = e2eApp("assessment", { portVar: "E2E_PORT_ASSESSMENT", defaultPort: 4454 });
const { session, step } = app;

const question = (id) => `[data-testid="question"][data-question-id="${id}"]`;

/** Waits until the question shows an answer of `kind` ("yes", "unknown", "not_applicable"...). */
async function waitForAnswer(id, kind) {
  await session.waitFor(`${question(id)}[data-answer="${kind}"]`);
}

async function waitSaved() {
  await session.waitFor(`${testid("save-state")}[data-state="saved"]`);
}

test("assessment: answer, restart, answers kept, finalize, edits refused", { timeout: TEST_TIMEOUT_MS }, async () => {
  await step("open the app on an empty database", async () => {
    await app.open();
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
    await app.quit();
    await app.open();
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
