// Words and defaults of the audit packet screen, kept out of the component so they are tested.
import type { AssessmentSummary, ReportFormat, ReportResult } from './bindings';
import { plural } from './format';

/** Newest first: by start date, then revision. */
export function newestFirst(list: readonly AssessmentSummary[]): AssessmentSummary[] {
  return [...list].sort((a, b) => {
    const byDate = b.assessment.started_on.localeCompare(a.assessment.started_on);
    return byDate !== 0 ? byDate : b.assessment.revision - a.assessment.revision;
  });
}

/** "2026 annual · final · started 2026-06-01" (revision shown when above 1). */
export function assessmentLabel(s: AssessmentSummary): string {
  const a = s.assessment;
  const revision = a.revision > 1 ? ` (revision ${a.revision})` : '';
  return `${a.title}${revision} · ${a.status === 'final' ? 'final' : 'draft'} · started ${a.started_on}`;
}

/** "audit-packet-2026-annual-2026-11-29.pdf" */
export function defaultPacketName(format: ReportFormat, today: string, title?: string): string {
  const slug = (title ?? '')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `audit-packet-${slug ? `${slug}-` : ''}${today}.${format}`;
}

/** Some save dialogs return the typed name without the filter's extension. */
export function withPacketExtension(path: string, format: ReportFormat): string {
  return path.toLowerCase().endsWith(`.${format}`) ? path : `${path}.${format}`;
}

/** "Saved the PDF (24 pages, 1.8 MB) for 2026 annual: 30 devices in use." */
export function resultText(r: ReportResult): string {
  const size = r.size_bytes >= 1e6 ? `${(r.size_bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(r.size_bytes / 1024))} KB`;
  const what = r.format === 'pdf' ? `the PDF (${plural(r.pages ?? 0, 'page')}, ${size})` : `the workbook (${size})`;
  const scope = r.assessment_title ?? 'the inventory (no assessment yet)';
  return `Saved ${what} for ${scope}: ${plural(r.devices, 'device')} in use.`;
}
