// A tiny W3C WebDriver client over fetch: just what the end-to-end scenario needs, so the test
// has no npm dependency (WebdriverIO pulls in hundreds of packages for the same few calls).
// Protocol: https://www.w3.org/TR/webdriver2/ — every response is JSON `{ value: ... }` and an
// error is `{ value: { error, message } }` with a 4xx/5xx status.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** The key under which W3C WebDriver returns an element reference. */
const ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriverError extends Error {
  constructor(method, path, status, body) {
    const value = body?.value ?? {};
    super(`${method} ${path} -> HTTP ${status}: ${value.error ?? "?"}: ${value.message ?? JSON.stringify(body)}`);
    this.code = value.error;
  }
}

async function call(baseUrl, method, path, body) {
  const response = await fetch(baseUrl + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
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
      await call(baseUrl, "GET", "/status");
      return;
    } catch (error) {
      lastError = error;
      await sleep(200);
    }
  }
  throw new Error(`WebDriver server at ${baseUrl} did not answer within ${timeoutMs} ms: ${lastError}`);
}

export const testid = (id) => `[data-testid="${id}"]`;

export class Session {
  /** Starts a new session (for tauri-driver: launches the application). */
  static async start(baseUrl, capabilities) {
    const value = await call(baseUrl, "POST", "/session", { capabilities: { alwaysMatch: capabilities } });
    return new Session(baseUrl, value.sessionId);
  }

  constructor(baseUrl, sessionId) {
    this.baseUrl = baseUrl;
    this.id = sessionId;
  }

  cmd(method, path, body) {
    return call(this.baseUrl, method, `/session/${this.id}${path}`, body);
  }

  /** Ends the session; tauri-driver then closes the application. */
  async quit() {
    await this.cmd("DELETE", "");
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

  /** Saves a PNG of the window to `path`. */
  async screenshot(path) {
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
