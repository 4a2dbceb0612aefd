// End-to-end test of the audit packet screen in the real desktop app through WebDriver.
//
// Scenario (issue 7): load the demo clinic, open the packet screen, generate the PDF (A4) and
// the workbook through the typed path (the native save dialog cannot be driven), check both
// files, and see the home checklist step turn done. Run it under an X server:
// `xvfb-run -a node --test tests/e2e/packet.test.mjs` (scripts/dev test does). A screenshot of
// the finished screen, and of any failure, goes to tests/e2e/out/.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { e2eApp, outDir, TEST_TIMEOUT_MS, testid } from "./webdriver.mjs";

const app = e2eApp("packet", { portVar: "E2E_PORT_PACKET", defaultPort: 4540 });
const { session, step } = app;

test("packet: generate the PDF and the workbook from the demo clinic", { timeout: TEST_TIMEOUT_MS }, async () => {
  await step("open the app and load the demo clinic", async () => {
    await app.open();
    await session.waitFor(testid("load-demo"), { timeoutMs: 30000 });
    await session.click(testid("load-demo"));
    await session.waitFor(testid("checklist"), { timeoutMs: 30000 });
  });

  const pdf = join(app.workDir, "packet.pdf");
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
    const xlsx = join(app.workDir, "packet.xlsx");
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
