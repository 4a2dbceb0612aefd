// What the user should do about an error. The UI branches on the stable `code` only, never on
// message text, which is free to change (see gitbutler's habit in DESIGN.md section 7).
import type { ApiError, ErrorCode } from './bindings';

export type Tone = 'warning' | 'danger';

export interface ErrorAdvice {
  title: string;
  hint: string;
  tone: Tone;
}

const ADVICE: Record<ErrorCode, ErrorAdvice> = {
  not_found: {
    title: 'Not found',
    hint: 'It may have been removed meanwhile. Go back to the list; it shows what exists now.',
    tone: 'warning',
  },
  validation: {
    title: 'Some answers need a fix',
    hint: 'Correct the fields marked in red, then save again. Nothing was saved yet.',
    tone: 'warning',
  },
  conflict: {
    title: 'Already exists',
    hint: 'Another record already uses this value. Choose a different one or edit the existing record.',
    tone: 'warning',
  },
  in_use: {
    title: 'Still in use',
    hint: 'Other records still refer to this one. Move or change them first, then delete again.',
    tone: 'warning',
  },
  not_empty: {
    title: 'The clinic already has data',
    hint: 'The demo clinic is only loaded into an empty database, so nothing of yours is mixed with it.',
    tone: 'warning',
  },
  import_has_errors: {
    title: 'The file still has problems',
    hint: 'Nothing was imported. Fix the rows listed below in the file or change the column mapping, then preview again.',
    tone: 'warning',
  },
  bad_file: {
    title: 'The file could not be read',
    hint: 'Use a CSV, TSV or text export, or an Excel workbook (.xlsx/.xls), with a header row.',
    tone: 'warning',
  },
  io: {
    title: 'The file could not be opened or written',
    hint: 'Check the path, that the file is not open in another program, and that you may write to the folder.',
    tone: 'warning',
  },
  database: {
    title: 'The database reported a problem',
    hint: 'Your last change was not saved. Try again; if it persists, keep a copy of the database file and ask for help.',
    tone: 'danger',
  },
  internal: {
    title: 'Something went wrong inside DeviceRisk',
    hint: 'This is a bug, not something you did. Try again, and report the message below if it repeats.',
    tone: 'danger',
  },
};

export function adviceFor(code: ErrorCode): ErrorAdvice {
  return ADVICE[code] ?? ADVICE.internal;
}

/** Field issues grouped by field key, for messages shown next to each input. */
export function issuesByField(error: ApiError | null): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  if (!error) return grouped;
  for (const issue of error.field_issues) {
    (grouped[issue.field] ??= []).push(issue.message);
  }
  return grouped;
}
