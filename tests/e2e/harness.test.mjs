// The shared e2e harness's own test: a test file that fails with the app still open (its
// session cannot be deleted, or its test times out mid-poll) must still end promptly and leave
// no process of its driver's group running. The earlier shared setup hung for ever in the first
// case (tests/e2e/webdriver.mjs explains why). Each case runs harness-fixture.mjs in a child
// `node --test` whose output goes to a file: a pipe could be held open by a leftover app.
//
// Run it under an X server: `xvfb-run -a node --test tests/e2e/harness.test.mjs` (scripts/dev
// test does). Port: E2E_PORT_HARNESS (default 4470) and the one after it.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { liveGroupMembers, repoRoot } from "./webdriver.mjs";

/** The fixture must end well within this; a hang is killed here and fails the test. */
const CHILD_LIMIT_MS = 90000;

async function runFixture(mode) {
  const dir = mkdtempSync(join(tmpdir(), `devicerisk-e2e-harness-${mode}-`));
  const report = join(dir, "report.json");
  const logPath = join(dir, "child.log");
  const log = openSync(logPath, "w");
  const started = Date.now();
  // Without NODE_TEST_CONTEXT, which tells node it is already a test runner's child and would
  // make it skip the file.
  const { NODE_TEST_CONTEXT, ...env } = process.env;
  const child = spawn(process.execPath, ["--test", join(repoRoot, "tests/e2e/harness-fixture.mjs")], {
    env: { ...env, HARNESS_MODE: mode, HARNESS_REPORT: report },
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  let timer;
  const result = await Promise.race([
    new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal }))),
    new Promise((resolve) => (timer = setTimeout(() => resolve({ hung: true }), CHILD_LIMIT_MS))),
  ]);
  clearTimeout(timer);
  if (result.hung) child.kill("SIGKILL");
  const output = readFileSync(logPath, "utf8");
  let seen;
  try {
    seen = JSON.parse(readFileSync(report, "utf8"));
  } catch {
    seen = undefined;
  }
  rmSync(dir, { recursive: true, force: true });
  return { ...result, seconds: (Date.now() - started) / 1000, output, seen };
}

for (const mode of ["undeleted", "timeout"]) {
  test(`a file that fails with the app open (${mode}) ends and leaves nothing running`, { timeout: CHILD_LIMIT_MS + 30000 }, async () => {
    const run = await runFixture(mode);
    assert.ok(!run.hung, `the fixture still ran after ${CHILD_LIMIT_MS} ms:\n${run.output}`);
    assert.ok(run.seen, `the fixture never reached the open app:\n${run.output}`);
    const commands = run.seen.members.map((m) => m.command);
    assert.ok(commands.includes("devicerisk-app"), `the app ran in the driver's group: ${commands}`);
    assert.equal(run.code, 1, `the fixture's test fails on purpose:\n${run.output}`);
    assert.match(run.output, mode === "timeout" ? /timed out after 8000ms/ : /fails on purpose with the app open/);
    assert.doesNotMatch(run.output, /still running .* after the teardown/, "the watchdog did not have to end it");
    assert.deepEqual(liveGroupMembers(run.seen.group), [], "nothing of the driver's group is left");
  });
}
