// Presentation of an import preview: the summary sentence, mapping edits, and whether the
// import may run. The decisions themselves (what is new, what is a problem) come from the api.
import type { ColumnMapping, ImportPreview, ImportReport, ImportSummary, ImportTarget, RowAction } from './bindings';
import { plural } from './format';

/** "25 rows: 20 new, 3 updates, 1 unchanged, 1 with problems" */
export function summaryText(summary: ImportSummary): string {
  return (
    `${plural(summary.rows, 'row')}: ${summary.create} new, ${plural(summary.update, 'update')}, ` +
    `${summary.unchanged} unchanged, ${summary.with_errors} with problems`
  );
}

/** "Created 25 devices, updated 0, left 0 unchanged." */
export function resultText(report: ImportReport): string {
  return (
    `${report.created} created, ${report.updated} updated, ${report.unchanged} left unchanged` +
    (report.created_sites.length ? ` · new sites: ${report.created_sites.join(', ')}` : '') +
    (report.created_zones.length ? ` · new zones: ${report.created_zones.join(', ')}` : '')
  );
}

/** The mapping with one column sent somewhere else; the other columns are untouched. */
export function withTarget(mapping: readonly ColumnMapping[], column: number, target: ImportTarget): ColumnMapping[] {
  return mapping.map((entry) => (entry.column === column ? { ...entry, target } : { ...entry }));
}

/** Import only when the previewed file, with this mapping, has no problem left. */
export function canApply(preview: ImportPreview | null, previewedPath: string | null, currentPath: string): boolean {
  if (!preview || previewedPath === null) return false;
  if (previewedPath.trim() !== currentPath.trim()) return false;
  return preview.summary.with_errors === 0 && preview.issues.length === 0 && preview.summary.rows > 0;
}

/** Why the Import button is disabled, in words, or null when it is enabled. */
export function applyBlocker(preview: ImportPreview | null, previewedPath: string | null, currentPath: string): string | null {
  if (!preview || previewedPath === null) return 'Preview the file first.';
  if (previewedPath.trim() !== currentPath.trim()) return 'The path changed: preview the new file first.';
  if (preview.summary.rows === 0) return 'The file has no data rows.';
  if (preview.summary.with_errors > 0 || preview.issues.length > 0)
    return `Fix the ${plural(preview.issues.length, 'problem')} listed above first (in the file, or by changing the column mapping), then preview again.`;
  return null;
}

export const ACTION_LABELS: Record<RowAction, string> = {
  create: 'New',
  update: 'Update',
  unchanged: 'Unchanged',
  error: 'Problem',
};

export const ACTION_TONES: Record<RowAction, string> = {
  create: 'info',
  update: 'warn',
  unchanged: '',
  error: 'danger',
};
