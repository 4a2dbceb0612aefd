// A tiny W3C WebDriver client over fetch: just what the end-to-end scenario needs, so the test
// has no npm dependency (WebdriverIO pulls in hundreds of packages for the same few calls).
// Protocol: https://www.w3.org/TR/webdriver2/ — every response is JSON `{ value: ... }` and an
// error is `{ value: { error, message } }` with a 4xx/5xx status.

import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

/** The key under which W3C WebDriver returns an element reference. */
const ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriverError extends Error {
  constructor(method, path, status, body) {
    const value = body?.value ?? {};
    super(`${method} ${path} -> HTTP ${status}: ${value.error ?? "?"}: ${value.message ?? JSON.stringify(body)}`);
    this.code = value.error;
  }
}

/**
 * Longest wait for one WebDriver answer. Starting a session launches the app (seconds on a busy
 * machine); without a limit a wedged driver would stall the file until the whole run is killed.
 */
const REQUEST_TIMEOUT_MS = 60000;

async function call(baseUrl, method, path, body, { timeoutMs = REQUEST_TIMEOUT_MS } = {}) {
  let response;
  try {
    response = await fetch(baseUrl + path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const why = error.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : `${error.message} (${error.cause?.code ?? error.cause ?? "no cause"})`;
    throw new Error(`${method} ${baseUrl}${path}: ${why}`);
  }
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    throw new Error(`${method} ${path} -> HTTP ${response.status}, not JSON: ${text.slice(0, 300)}`);
  }
  if (!response.ok) throw new WebDriverError(method, path, response.status, json);
  return json.value;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the WebDriver server answers /status, or throws after `timeoutMs`. */
export async function waitForServer(baseUrl, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      await call(baseUrl, "GET", "/status", undefined, { timeoutMs: 2000 });
      return;
    } catch (error) {
      lastError = error;
      await sleep(200);
    }
  }
  throw new Error(`WebDriver server at ${baseUrl} did not answer within ${timeoutMs} ms: ${lastError}`);
}

export const testid = (id) => `[data-testid="${id}"]`;

/**
 * One WebDriver session at a time on one server. The object outlives its sessions, so a test can
 * hold it once and `open`/`quit` the app (a restart) without rebinding its variables.
 */
export class Session {
  /** Starts a new session (for tauri-driver: launches the application). */
  static async start(baseUrl, capabilities) {
    const session = new Session(baseUrl);
    await session.open(capabilities);
    return session;
  }

  constructor(baseUrl, sessionId = null) {
    this.baseUrl = baseUrl;
    this.id = sessionId;
    /** Set by the teardown: a test body still polling after a timeout then stops at once. */
    this.closed = false;
  }

  async open(capabilities) {
    if (this.id) throw new Error(`a session is already open (${this.id}): quit it first`);
    const value = await call(this.baseUrl, "POST", "/session", { capabilities: { alwaysMatch: capabilities } });
    this.id = value.sessionId;
  }

  cmd(method, path, body) {
    if (this.closed) return Promise.reject(new Error(`${method} ${path}: the test's app was already torn down`));
    if (!this.id) return Promise.reject(new Error(`${method} ${path}: no open session (the app is not running)`));
    return call(this.baseUrl, method, `/session/${this.id}${path}`, body);
  }

  /**
   * Ends the session; tauri-driver then closes the application. Until this succeeds the app
   * keeps running, so the teardown also kills the driver's whole process group.
   */
  async quit({ timeoutMs = 15000 } = {}) {
    if (!this.id) return;
    const id = this.id;
    this.id = null;
    await call(this.baseUrl, "DELETE", `/session/${id}`, undefined, { timeoutMs });
  }

  /** Every element matching `css` now (possibly none). */
  async findAll(css) {
    const refs = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return refs.map((ref) => new Element(this, ref[ELEMENT_KEY]));
  }

  /**
   * Polls until `css` matches at least one element, because the UI renders asynchronously after
   * each IPC round trip; returns the first match.
   */
  async waitFor(css, { timeoutMs = 15000 } = {}) {
    const elements = await this.waitUntil(`an element ${css}`, async () => {
      const found = await this.findAll(css);
      return found.length > 0 ? found : null;
    }, { timeoutMs });
    return elements[0];
  }

  /** Polls `probe` until it returns a truthy value, which is returned; throws with `what` on timeout. */
  async waitUntil(what, probe, { timeoutMs = 15000, intervalMs = 150 } = {}) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
      try {
        const result = await probe();
        if (result) return result;
        last = result;
      } catch (error) {
        // A stale element between renders is expected while polling: keep trying until the deadline.
        if (!(error instanceof WebDriverError)) throw error;
        last = error.message;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last seen: ${JSON.stringify(last)})`);
      }
      await sleep(intervalMs);
    }
  }

  async click(css) {
    const element = await this.waitFor(css);
    await element.click();
  }

  /** Clears the input matched by `css` and types `text` into it. */
  async type(css, text) {
    const element = await this.waitFor(css);
    await element.clear();
    await element.sendKeys(text);
  }

  /** Texts of every element matching `css`. */
  async texts(css) {
    const elements = await this.findAll(css);
    return Promise.all(elements.map((element) => element.text()));
  }

  /** Polls until the text of `css` matches `pattern`; returns that text. */
  async waitForText(css, pattern, options) {
    return this.waitUntil(`${css} to match ${pattern}`, async () => {
      const found = await this.findAll(css);
      if (found.length === 0) return null;
      const text = await found[0].text();
      return pattern.test(text) ? text : null;
    }, options);
  }

  async setWindowSize(width, height) {
    await this.cmd("POST", "/window/rect", { width, height });
  }

  /**
   * Saves a PNG of the window to `path`. Waits for two animation frames first: on a busy
   * machine a screenshot once showed the frame before the DOM change the test had just seen
   * (a form still open after its save), because the picture is the last frame presented.
   */
  async screenshot(path) {
    await this.cmd("POST", "/execute/async", {
      script: "const done = arguments[arguments.length - 1];"
        + " requestAnimationFrame(() => requestAnimationFrame(() => done(true)));"
        + " setTimeout(() => done(false), 1000);",
      args: [],
    });
    const base64 = await this.cmd("GET", "/screenshot");
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, Buffer.from(base64, "base64"));
  }
}

export class Element {
  constructor(session, id) {
    this.session = session;
    this.id = id;
  }

  cmd(method, path, body) {
    return this.session.cmd(method, `/element/${this.id}${path}`, body);
  }

  click() {
    return this.cmd("POST", "/click", {});
  }

  clear() {
    return this.cmd("POST", "/clear", {});
  }

  sendKeys(text) {
    return this.cmd("POST", "/value", { text });
  }

  text() {
    return this.cmd("GET", "/text");
  }

  /** A DOM property, e.g. "value" of an input. */
  property(name) {
    return this.cmd("GET", `/property/${name}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The harness every e2e file shares: one tauri-driver per file on a port of its own, a fresh
// database, and a teardown that always leaves nothing running.
//
// Why the teardown is built this way (an earlier shared setup hung a file; this is the likely
// cause, reproduced): tauri-driver starts WebKitWebDriver, which starts the app; all three
// inherit the driver's stdout/stderr. On SIGTERM tauri-driver SIGKILLs WebKitWebDriver and
// exits, but the app of a session that was never deleted survives as an orphan. When the
// driver's output went to pipes read by node, that orphan held the pipes open and node's event
// loop, hence the test file, never ended (a script that kills the driver without deleting its
// session ran until `timeout` killed it; harness.test.mjs now checks the teardown).
// So: the driver writes straight into a log file (no pipe in node), it leads a process group of
// its own that the teardown signals as a whole (the app and WebKit's helpers are in it), the
// session is deleted with a time limit, and a last unref'd watchdog ends the file with a message
// if anything still keeps it alive.

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "../..");
export const outDir = join(here, "out");

/** Default time limit of one e2e test; a scenario takes seconds, so this only catches hangs. */
export const TEST_TIMEOUT_MS = 180000;

const SETUP_TIMEOUT_MS = 60000;
const TEARDOWN_TIMEOUT_MS = 45000;
/** How long the file may stay alive after its teardown before the watchdog ends it. */
const WATCHDOG_MS = 10000;

/**
 * Fails with the variable to set when `port` is taken: tauri-driver would not exit then, and the
 * test would talk to whatever holds the port (another helper's driver, with another database).
 */
function assertPortFree(port, portVar, base) {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", (error) => {
      const taken = error.code === "EADDRINUSE";
      reject(new Error(taken
        ? `port ${port} is in use (another e2e run, or a tauri-driver left over?); ${portVar}=${base} needs ports ${base} and ${base + 1}: set ${portVar} to a free pair`
        : `port ${port}: ${error.message}`));
    });
    server.listen(port, "127.0.0.1", () => server.close(() => resolvePort()));
  });
}

/** Signals every process of the group `pid` leads; a group already gone is not an error. */
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if (error.code === "ESRCH") return false;
    throw error;
  }
}

const lastLines = (file, count = 15) => {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-count).join("\n");
  } catch {
    return "(no log)";
  }
};

/**
 * The processes of group `pgid` that are still alive (zombies excluded: an orphan's zombie may
 * wait for a reaper that never comes in a container), as `{ pid, command }`. Linux only.
 */
export function liveGroupMembers(pgid) {
  const members = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // ended while we looked
    }
    // "pid (command) state ppid pgrp ...": the command may hold spaces, so split after its ")".
    const close = stat.lastIndexOf(")");
    const [state, , pgrp] = stat.slice(close + 2).split(" ");
    if (Number(pgrp) === pgid && state !== "Z") {
      members.push({ pid: Number(entry), command: stat.slice(stat.indexOf("(") + 1, close) });
    }
  }
  return members;
}

/**
 * Sets up an e2e file: registers its `before` (check the app and tauri-driver are there, check
 * the ports are free, start tauri-driver on a fresh DEVICERISK_DB, wait until it answers) and its
 * `after` (teardown), and returns the handle the tests use:
 * - `session`: the WebDriver session (one object for the whole file, see `Session`);
 * - `open()`, `quit()`: launch or close the app on the file's database (quit + open = restart);
 * - `step(name, body)`: run one step of a scenario, keeping a screenshot on failure;
 * - `workDir` (set in `before`): a temporary folder, removed by the teardown.
 *
 * `name` names the log (`out/tauri-driver-NAME.log`), the temporary folder and failure
 * screenshots. The driver listens on the port in `process.env[portVar]` (default `defaultPort`),
 * WebKitWebDriver on the next one. Overrides: DEVICERISK_APP, TAURI_DRIVER.
 */
export function e2eApp(name, { portVar, defaultPort, window = { width: 1280, height: 860 } }) {
  const appPath = resolve(process.env.DEVICERISK_APP ?? join(repoRoot, "target/debug/devicerisk-app"));
  const driverPath = process.env.TAURI_DRIVER ?? join(repoRoot, ".tools/bin/tauri-driver");
  const port = Number(process.env[portVar] ?? defaultPort);
  assert.ok(Number.isInteger(port) && port > 0 && port < 65535, `${portVar} is not a port: ${process.env[portVar]}`);
  const baseUrl = `http://127.0.0.1:${port}`;
  const logPath = join(outDir, `tauri-driver-${name}.log`);
  const session = new Session(baseUrl);
  let driver;
  let driverExit;
  let onSignal;

  const app = {
    name,
    session,
    workDir: undefined,

    /** The process group of tauri-driver (its pid), once started; see `liveGroupMembers`. */
    get driverGroup() {
      return driver?.pid;
    },

    async open() {
      await session.open({ browserName: "wry", "tauri:options": { application: appPath } });
      // Xvfb's screen is 1280x1024: a fixed size makes screenshots comparable between runs.
      await session.setWindowSize(window.width, window.height).catch(() => {});
    },

    async quit() {
      await session.quit();
    },

    /** Runs one step of a scenario; on failure keeps a screenshot named after the file and step. */
    async step(stepName, body) {
      try {
        await body();
      } catch (error) {
        const file = join(outDir, `failure-${name}-${stepName.replace(/[^a-z0-9]+/gi, "-")}.png`);
        if (session.id) await session.screenshot(file).catch(() => {});
        error.message = `step "${stepName}": ${error.message} (screenshot: ${file})`;
        throw error;
      }
    },
  };

  // Kills the group even when the file ends abruptly (an uncaught error, Ctrl-C, a runner's
  // SIGTERM): a detached group would otherwise outlive its file.
  const killOnExit = () => {
    if (driver) signalGroup(driver.pid, "SIGKILL");
  };

  before(async () => {
    assert.ok(existsSync(appPath), `the app is not built: ${appPath} (run scripts/dev test, or build devicerisk-app)`);
    assert.ok(existsSync(driverPath), `tauri-driver not found at ${driverPath} (cargo install tauri-driver --version ^2 --locked --root .tools)`);
    assert.ok(process.env.DISPLAY, "no DISPLAY: run under xvfb-run -a");
    await assertPortFree(port, portVar, port);
    await assertPortFree(port + 1, portVar, port);
    mkdirSync(outDir, { recursive: true });
    app.workDir = mkdtempSync(join(tmpdir(), `devicerisk-e2e-${name}-`));
    // The app reads its database path from DEVICERISK_DB; tauri-driver passes its environment on
    // to the app it launches, so a fresh file here means an empty first launch.
    const env = { ...process.env, DEVICERISK_DB: join(app.workDir, "e2e.sqlite3") };
    const log = openSync(logPath, "w");
    try {
      driver = spawn(driverPath, ["--port", String(port), "--native-port", String(port + 1)], {
        env,
        stdio: ["ignore", log, log],
        detached: true, // leads its own process group: the teardown signals all of it
      });
    } finally {
      closeSync(log); // the child has its own copy; node keeps no handle on the log
    }
    driver.unref();
    process.on("exit", killOnExit);
    onSignal = (signal) => {
      killOnExit();
      process.exit(signal === "SIGINT" ? 130 : 143);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    driverExit = new Promise((resolveExit) => driver.once("exit", (code, signal) => resolveExit({ code, signal })));
    const early = driverExit.then(({ code, signal }) => {
      throw new Error(`tauri-driver exited early (${signal ?? `code ${code}`}); ${logPath} ends with:\n${lastLines(logPath)}`);
    });
    await Promise.race([waitForServer(baseUrl, 20000), early]);
    early.catch(() => {}); // it rejects at the teardown's kill too: that is not an error
  }, { timeout: SETUP_TIMEOUT_MS });

  after(async () => {
    const problems = [];
    if (session.id) {
      const id = session.id;
      await session.quit().catch((error) => problems.push(`deleting session ${id}: ${error.message}`));
    }
    session.closed = true;
    if (driver) {
      if (signalGroup(driver.pid, "SIGTERM") && driver.exitCode === null && driver.signalCode === null) {
        // A ref'd timer: the driver's handle is unref'd, so without it node could end mid-teardown.
        let timer;
        const grace = new Promise((resolveGrace) => (timer = setTimeout(resolveGrace, 5000)));
        await Promise.race([driverExit, grace]);
        clearTimeout(timer);
      }
      // tauri-driver SIGKILLs WebKitWebDriver on SIGTERM, which can orphan the app: sweep the group.
      signalGroup(driver.pid, "SIGKILL");
      process.removeListener("exit", killOnExit);
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
    }
    if (app.workDir) rmSync(app.workDir, { recursive: true, force: true });
    // Nothing of ours should keep node alive now; if something does, say what instead of hanging.
    setTimeout(() => {
      console.error(`e2e ${name}: still running ${WATCHDOG_MS} ms after the teardown; active handles: ${JSON.stringify(process.getActiveResourcesInfo())}`);
      process.exit(1);
    }, WATCHDOG_MS).unref();
    if (problems.length > 0) console.error(`e2e ${name} teardown: ${problems.join("; ")}`);
  }, { timeout: TEARDOWN_TIMEOUT_MS });

  return app;
}
