// The generated bindings return typed results ({status: 'ok', data} | {status: 'error', error}).
// Screens mostly want "the value, or show the error": `call` turns the error branch into an
// exception carrying the ApiError so one catch per action can hand it to the error banner.
import type { ApiError, Result } from './bindings';

export class ApiFailure extends Error {
  readonly error: ApiError;
  constructor(error: ApiError) {
    super(error.message);
    this.name = 'ApiFailure';
    this.error = error;
  }
}

export async function call<T>(pending: Promise<Result<T, ApiError>>): Promise<T> {
  const result = await pending;
  if (result.status === 'ok') return result.data;
  // The IPC layer itself (not the api) rejects with plain text, e.g. an argument it cannot read.
  if (!isApiError(result.error)) throw new ApiFailure({ code: 'internal', message: String(result.error), field_issues: [] });
  throw new ApiFailure(result.error);
}

/** Any thrown value as an ApiError, so the banner has one shape to show. */
export function asApiError(thrown: unknown): ApiError {
  if (thrown instanceof ApiFailure) return thrown.error;
  if (isApiError(thrown)) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return { code: 'internal', message, field_issues: [] };
}

function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    'code' in value &&
    'message' in value &&
    typeof (value as { message: unknown }).message === 'string'
  );
}
