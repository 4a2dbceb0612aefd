// Words and small rules of the Intelligence screen and the device page's vulnerability
// section, kept out of the components so they are unit-tested.
import type { CsafImportReport, DecisionStatus, IntelMatch, KevImportReport, MatchSummary, VexJustification } from './bindings';

export const JUSTIFICATIONS: { value: VexJustification; label: string }[] = [
  { value: 'component_not_present', label: 'The vulnerable component is not in this device' },
  { value: 'vulnerable_code_not_present', label: 'The vulnerable code is not in this version' },
  { value: 'vulnerable_code_not_in_execute_path', label: 'The vulnerable code is never run' },
  { value: 'vulnerable_code_cannot_be_controlled_by_adversary', label: 'An attacker cannot reach or control it' },
  { value: 'inline_mitigations_already_exist', label: 'Built-in protections already stop it' },
];

export const CONFIDENCE_LABELS: Record<IntelMatch['confidence'], string> = {
  high: 'High',
  medium: 'Medium',
  low: 'Low (suggestion)',
};

export const CONFIDENCE_TONES: Record<IntelMatch['confidence'], string> = {
  high: 'danger',
  medium: 'warn',
  low: 'info',
};

export function justificationLabel(value: VexJustification | null): string {
  return JUSTIFICATIONS.find((j) => j.value === value)?.label ?? '';
}

/** The decision as one phrase: "Not affected: the vulnerable code is not in this version". */
export function decisionText(match: IntelMatch): string {
  const d = match.decision;
  if (!d) return match.counts_in_risk ? 'Not reviewed — counted in the risk' : 'Not reviewed';
  switch (d.status) {
    case 'affected':
      return 'Affected';
    case 'not_affected':
      return `Not affected: ${justificationLabel(d.justification).toLowerCase()}`;
    case 'mitigated':
      return `Mitigated by ${d.control ?? 'a control'}`;
  }
}

/** What a decision form is missing before it can be saved, or null when it is complete. */
export function decisionBlocker(status: DecisionStatus | null, justification: VexJustification | null, control: string): string | null {
  if (status === 'not_affected' && !justification) return 'Choose why the device is not affected.';
  if (status === 'mitigated' && control.trim() === '') return 'Name the control that mitigates it.';
  return null;
}

export function matchingText(m: MatchSummary): string {
  return `${m.devices_checked} devices checked against ${m.advisories} advisories and ${m.kev_entries} KEV entries: ${m.high} high, ${m.medium} medium, ${m.low} low-confidence matches.`;
}

export function kevReportText(r: KevImportReport): string {
  const head = `Imported KEV catalog ${r.file_name}${r.catalog_version ? ` (version ${r.catalog_version})` : ''}: ${r.entries} entries.`;
  if (!r.compared) return `${head} This is the first catalog, so there is nothing to compare with.`;
  return `${head} Since the previous catalog: ${r.added.length} added, ${r.changed.length} changed, ${r.removed.length} removed.`;
}

export function csafReportText(r: CsafImportReport): string {
  const parts = [`Imported ${r.imported.length} ${r.imported.length === 1 ? 'advisory' : 'advisories'}.`];
  if (r.failed.length > 0) parts.push(`${r.failed.length} could not be read (listed below).`);
  const skipped = r.superseded.length + r.older_than_stored.length;
  if (skipped > 0) parts.push(`${skipped} skipped because a newer revision is kept.`);
  return parts.join(' ');
}

export type MatchFilter = 'to_review' | 'all' | 'decided';

/** Matches shown for a filter: "to review" hides decided ones and low-confidence suggestions. */
export function filterMatches(list: IntelMatch[], filter: MatchFilter, search: string): IntelMatch[] {
  const needle = search.trim().toLowerCase();
  return list.filter((m) => {
    if (filter === 'to_review' && (m.decision !== null || m.confidence === 'low')) return false;
    if (filter === 'decided' && m.decision === null) return false;
    if (needle === '') return true;
    return [m.device_name, m.source_id, m.title, ...m.products, ...m.cves].some((text) => text.toLowerCase().includes(needle));
  });
}
