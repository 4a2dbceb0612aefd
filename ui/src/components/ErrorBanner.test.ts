import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import ErrorBanner from './ErrorBanner.svelte';
import type { ApiError } from '../lib/bindings';

let component: ReturnType<typeof mount> | null = null;

afterEach(() => {
  if (component) unmount(component);
  component = null;
  document.body.innerHTML = '';
});

function render(props: { error: ApiError | null; listIssues?: boolean; ondismiss?: () => void }) {
  component = mount(ErrorBanner, { target: document.body, props });
  flushSync();
}

describe('ErrorBanner', () => {
  it('renders nothing without an error', () => {
    render({ error: null });
    expect(document.querySelector('[role="alert"]')).toBeNull();
  });

  it('shows the message and the advice for the code', () => {
    render({ error: { code: 'in_use', message: 'Site "Main" still has 4 devices.', field_issues: [] } });
    const banner = document.querySelector('[role="alert"]')!;
    expect(banner.getAttribute('data-code')).toBe('in_use');
    expect(banner.textContent).toContain('Still in use');
    expect(banner.textContent).toContain('Site "Main" still has 4 devices.');
    expect(banner.classList.contains('warning')).toBe(true);
  });

  it('lists field issues with field labels when asked', () => {
    render({
      error: { code: 'validation', message: 'Check 1 field.', field_issues: [{ field: 'mac_address', message: 'is not a MAC address' }, { field: 'ip_address', message: 'is not an IP address' }] },
      listIssues: true,
    });
    const items = [...document.querySelectorAll('li')].map((item) => item.textContent);
    expect(items).toEqual(['MAC address: is not a MAC address', 'IP address: is not an IP address']);
  });

  it('calls ondismiss from its button', () => {
    let dismissed = 0;
    render({ error: { code: 'internal', message: 'boom', field_issues: [] }, ondismiss: () => dismissed++ });
    const banner = document.querySelector('[role="alert"]')!;
    expect(banner.classList.contains('danger')).toBe(true);
    (document.querySelector('button') as HTMLButtonElement).click();
    expect(dismissed).toBe(1);
  });
});
