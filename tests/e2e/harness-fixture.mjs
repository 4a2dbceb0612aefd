// Not a test of the app: a test file that fails on purpose with the app open, run by
// harness.test.mjs in a child node to check that the shared teardown still ends the file and
// leaves nothing running. HARNESS_MODE says how it fails:
// - "undeleted": the session cannot be deleted (the earlier shared setup hung this way);
// - "timeout": the test times out while still polling the app.
// It writes the driver's process group and its live members to HARNESS_REPORT first.

import { test } from "node:test";
import { writeFileSync } from "node:fs";

import { e2eApp, liveGroupMembers, testid } from "./webdriver.mjs";

const mode = process.env.HARNESS_MODE;
const app = e2eApp(`harness-${mode}`, { portVar: "E2E_PORT_HARNESS", defaultPort: 4470 });
const { session } = app;

test(`fails on purpose: ${mode}`, { timeout: mode === "timeout" ? 8000 : 60000 }, async () => {
  await app.open();
  await session.waitFor(testid("load-demo"), { timeoutMs: 30000 });
  const group = app.driverGroup;
  writeFileSync(process.env.HARNESS_REPORT, JSON.stringify({ group, members: liveGroupMembers(group) }));
  if (mode === "undeleted") {
    session.id = `not-${session.id}`; // DELETE now fails and the app is left running
    throw new Error("fails on purpose with the app open");
  }
  if (mode === "timeout") await session.waitFor(testid("never-there"), { timeoutMs: 600000 });
});
