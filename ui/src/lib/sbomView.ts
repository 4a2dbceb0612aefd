// Words and small rules of the SBOM part of the Vulnerabilities screen and the device page's
// "SBOM components" section, kept out of the components so they are unit-tested.
import type { ComponentVulnerability, DeviceComponent, DeviceRow, SbomImportReport, SbomTarget, VexImportReport, VexState } from './bindings';

export const STATE_LABELS: Record<VexState, string> = {
  affected: 'Affected',
  under_investigation: 'Under investigation',
  fixed: 'Fixed',
  not_affected: 'Not affected',
  unknown: 'Not analysed',
};

export const STATE_TONES: Record<VexState, string> = {
  affected: 'danger',
  under_investigation: 'warn',
  fixed: 'ok',
  not_affected: 'ok',
  unknown: 'warn',
};

/** "code_not_reachable" → "code not reachable". */
export function justificationText(value: string | null): string {
  return value ? value.replace(/_/g, ' ') : '';
}

/** One vulnerability as a short phrase for a table cell. */
export function vulnerabilityText(v: ComponentVulnerability): string {
  const name = v.cve && v.cve !== v.id ? `${v.cve} (${v.id})` : v.id;
  const why = v.justification ? ` — ${justificationText(v.justification)}` : '';
  return `${name}: ${STATE_LABELS[v.state].toLowerCase()}${why}`;
}

/** The distinct manufacturer + model pairs of the inventory, for the "attach to a model" choice. */
export function modelChoices(rows: DeviceRow[]): { manufacturer: string; model: string; devices: number }[] {
  const found = new Map<string, { manufacturer: string; model: string; devices: number }>();
  for (const row of rows) {
    const manufacturer = row.device.fields.manufacturer?.trim() ?? '';
    const model = row.device.fields.model?.trim() ?? '';
    if (manufacturer === '' || model === '') continue;
    const key = `${manufacturer.toLowerCase()}|${model.toLowerCase()}`;
    const seen = found.get(key);
    if (seen) seen.devices += 1;
    else found.set(key, { manufacturer, model, devices: 1 });
  }
  return [...found.values()].sort((a, b) => `${a.manufacturer} ${a.model}`.localeCompare(`${b.manufacturer} ${b.model}`));
}

/** Why the attach form cannot be sent yet, or null. */
export function attachBlocker(path: string, target: SbomTarget | null): string | null {
  if (path.trim() === '') return 'Type the path of the SBOM file, or choose it with Browse.';
  if (target === null) return 'Choose the device or the model the SBOM belongs to.';
  if (target.kind === 'model' && (target.manufacturer.trim() === '' || target.model.trim() === '')) {
    return 'Give both the manufacturer and the model.';
  }
  return null;
}

export function sbomReportText(report: SbomImportReport): string {
  const s = report.sbom;
  const verb = report.replaced ? `Replaced ${report.replaced} with` : 'Attached';
  const devices = `${s.devices} device${s.devices === 1 ? '' : 's'}`;
  return `${verb} ${s.file_name} (${s.format_label}, ${s.title}) to ${s.attached_to}: ${counted(s.components, 'component')}, ${counted(s.vulnerabilities, 'vulnerability').replace(/ys$/, 'ies')} listed, ${s.open_vulnerabilities} open; applies to ${devices}.`;
}

/** "1 statement", "3 statements". */
export function counted(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function vexReportText(report: VexImportReport): string {
  const v = report.vex;
  const n = report.unmatched.length;
  const unmatched = n > 0 ? ` ${counted(n, 'statement')} ${n === 1 ? 'names' : 'name'} nothing attached (kept for later).` : '';
  return `Imported VEX ${v.file_name}${v.document_id ? ` (${v.document_id})` : ''}: ${counted(v.statements, 'statement')}, applied to ${counted(v.applied_components, 'component')}.${unmatched}`;
}

/** Components whose name, version, supplier, purl, licence or vulnerability ids contain every word. */
export function filterComponents(components: DeviceComponent[], search: string, onlyVulnerable: boolean): DeviceComponent[] {
  const words = search.toLowerCase().split(/\s+/).filter((w) => w !== '');
  return components.filter((c) => {
    if (onlyVulnerable && !c.vulnerabilities.some((v) => v.open)) return false;
    if (words.length === 0) return true;
    const text = [c.name, c.group, c.version, c.supplier, c.purl, c.cpe, c.kind, ...c.licenses, ...c.vulnerabilities.flatMap((v) => [v.id, v.cve])]
      .filter((t): t is string => typeof t === 'string')
      .join(' ')
      .toLowerCase();
    return words.every((w) => text.includes(w));
  });
}
