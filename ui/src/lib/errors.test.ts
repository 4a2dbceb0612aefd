import { describe, expect, it } from 'vitest';
import type { ApiError, ErrorCode } from './bindings';
import { adviceFor, issuesByField } from './errors';
import { ApiFailure, asApiError, call } from './call';

const validation: ApiError = {
  code: 'validation',
  message: 'The device has 2 problems.',
  field_issues: [
    { field: 'mac_address', message: '"zz" is not a MAC address' },
    { field: 'mac_address', message: 'second' },
    { field: 'mystery', message: 'not on screen' },
  ],
};

describe('error advice branches on the code', () => {
  it('gives different advice for different codes', () => {
    const codes: ErrorCode[] = ['not_found', 'validation', 'conflict', 'in_use', 'not_empty', 'import_has_errors', 'bad_file', 'io', 'database', 'internal'];
    const titles = new Set(codes.map((code) => adviceFor(code).title));
    expect(titles.size).toBe(codes.length);
  });
  it('does not read the message text', () => {
    // Same message, different codes: the advice follows the code.
    expect(adviceFor('in_use').title).toBe('Still in use');
    expect(adviceFor('internal').tone).toBe('danger');
    expect(adviceFor('validation').tone).toBe('warning');
  });
  it('falls back to the internal advice for a code this UI does not know', () => {
    expect(adviceFor('brand_new' as ErrorCode)).toEqual(adviceFor('internal'));
  });
});

describe('field issues', () => {
  it('groups messages by field', () => {
    expect(issuesByField(validation).mac_address).toEqual(['"zz" is not a MAC address', 'second']);
    expect(issuesByField(null)).toEqual({});
  });
});

describe('call', () => {
  it('returns the data of an ok result', async () => {
    await expect(call(Promise.resolve({ status: 'ok' as const, data: 42 }))).resolves.toBe(42);
  });
  it('throws an ApiFailure carrying the api error', async () => {
    const pending = call(Promise.resolve({ status: 'error' as const, error: validation }));
    await expect(pending).rejects.toBeInstanceOf(ApiFailure);
    await pending.catch((thrown) => expect(asApiError(thrown)).toBe(validation));
  });
  it('turns anything else into an internal error', () => {
    expect(asApiError(new Error('boom'))).toEqual({ code: 'internal', message: 'boom', field_issues: [] });
    expect(asApiError('text').code).toBe('internal');
  });
});
