import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import type { AppStatus } from '../lib/bindings';

// The screen talks to the app only through the generated bindings; here they answer from memory.
const status = vi.fn();
const loadDemo = vi.fn();
vi.mock('../lib/bindings', () => ({
  commands: {
    status: () => status(),
    loadDemo: (options: unknown) => loadDemo(options),
  },
}));

const { default: Home } = await import('./Home.svelte');
const { router } = await import('../lib/router.svelte');

const steps: AppStatus['steps'] = [
  { key: 'clinic', title: 'Clinic profile', description: 'Who you are', state: 'done', detail: 'Saved' },
  { key: 'devices', title: 'Devices', description: 'What you have', state: 'todo', detail: '' },
  { key: 'risks', title: 'Risks', description: 'What could go wrong', state: 'coming', detail: '' },
];

function appStatus(isEmpty: boolean): AppStatus {
  return { db_path: '/tmp/test.sqlite3', is_empty: isEmpty, device_count: isEmpty ? 0 : 30, steps };
}

let component: ReturnType<typeof mount> | null = null;

async function render() {
  component = mount(Home, { target: document.body });
  flushSync();
  // Let the status request resolve and the screen update.
  for (let i = 0; i < 5; i++) await tick();
  await new Promise((resolve) => setTimeout(resolve, 0));
  flushSync();
}

beforeEach(() => {
  localStorage.clear();
  router.screen = { name: 'home' };
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  document.body.innerHTML = '';
  vi.clearAllMocks();
});

const byTestId = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;

describe('Home', () => {
  it('offers the demo or an empty start on first launch', async () => {
    status.mockResolvedValue({ status: 'ok', data: appStatus(true) });
    await render();
    expect(byTestId('load-demo')).not.toBeNull();
    expect(byTestId('start-empty')).not.toBeNull();
    expect(byTestId('checklist')).toBeNull();
  });

  it('loads the demo clinic and then shows the checklist', async () => {
    status.mockResolvedValueOnce({ status: 'ok', data: appStatus(true) }).mockResolvedValue({ status: 'ok', data: appStatus(false) });
    loadDemo.mockResolvedValue({ status: 'ok', data: { clinic: 'Demo', sites: 2, zones: 5, vendors: 6, devices: 30 } });
    await render();
    byTestId('load-demo')!.click();
    await new Promise((resolve) => setTimeout(resolve, 0));
    flushSync();
    expect(loadDemo).toHaveBeenCalledWith({ devices: 30, seed: 7 });
    expect(byTestId('checklist')).not.toBeNull();
  });

  it('shows coming steps as coming soon, without a link', async () => {
    status.mockResolvedValue({ status: 'ok', data: appStatus(false) });
    await render();
    const coming = document.querySelector('[data-step="risks"]')!;
    expect(coming.textContent).toContain('Coming soon');
    expect(coming.querySelector('button')).toBeNull();
    const devices = document.querySelector('[data-step="devices"]')!;
    expect(devices.querySelector('button')).not.toBeNull();
    expect(byTestId('checklist-progress')?.textContent).toContain('1 of 2');
  });

  it('sends the user to the next step', async () => {
    status.mockResolvedValue({ status: 'ok', data: appStatus(false) });
    await render();
    byTestId('next-step')!.click();
    expect(router.screen).toEqual({ name: 'devices' });
  });

  it('shows an api failure in the banner', async () => {
    status.mockResolvedValue({ status: 'error', error: { code: 'database', message: 'disk I/O error', field_issues: [] } });
    await render();
    const banner = document.querySelector('[role="alert"]')!;
    expect(banner.getAttribute('data-code')).toBe('database');
    expect(banner.textContent).toContain('disk I/O error');
  });
});
