// View logic of the risk screens: words, colours and filters. The levels themselves always come
// from the api (the method is data in the Rust core); nothing here computes a risk.
import type { Action, HeatCell, RegisterFilter, RegisterRisk, RiskLevel, RiskStatus, RiskTreatment } from './bindings';

export const LEVELS: readonly RiskLevel[] = ['low', 'medium', 'high', 'critical'];

const LEVEL_LABEL: Record<RiskLevel, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

export function levelLabel(level: RiskLevel): string {
  return LEVEL_LABEL[level];
}

/** CSS class of a level badge or heat-map cell: `level-high` etc. */
export function levelClass(level: RiskLevel): string {
  return `level-${level}`;
}

/** "High → Medium", or "stays High" when an action does not cross a level. */
export function actionEffect(action: Action): string {
  if (action.to_level === action.from_level) {
    const parts: string[] = [];
    if (action.likelihood_delta !== 0) parts.push(`likelihood ${action.from_likelihood} → ${action.to_likelihood}`);
    if (action.impact_delta !== 0) parts.push(`impact ${action.from_impact} → ${action.to_impact}`);
    if (parts.length === 0 && action.points_delta !== 0) parts.push(`${action.points_delta} likelihood points`);
    return `stays ${levelLabel(action.from_level)}${parts.length ? ` (${parts.join(', ')})` : ''}`;
  }
  return `${levelLabel(action.from_level)} → ${levelLabel(action.to_level)}`;
}

/** The filters of the register screen, as the form holds them ('' = any). */
export interface FilterForm {
  level: RiskLevel | '';
  status: RiskStatus | '';
  treatment: RiskTreatment | '';
  owner: string;
  text: string;
  cell: HeatCell | null;
}

export function emptyFilter(): FilterForm {
  return { level: '', status: '', treatment: '', owner: '', text: '', cell: null };
}

export function toRegisterFilter(form: FilterForm): RegisterFilter {
  const blank = (s: string) => (s.trim() === '' ? null : s.trim());
  return {
    level: form.level === '' ? null : form.level,
    status: form.status === '' ? null : form.status,
    treatment: form.treatment === '' ? null : form.treatment,
    owner: blank(form.owner),
    text: blank(form.text),
    cell: form.cell,
  };
}

export function isFiltered(form: FilterForm): boolean {
  return (
    form.level !== '' ||
    form.status !== '' ||
    form.treatment !== '' ||
    form.owner.trim() !== '' ||
    form.text.trim() !== '' ||
    form.cell !== null
  );
}

/** "Likelihood 4 × impact 3, after controls" for the chip of a selected heat-map cell. */
export function cellText(cell: HeatCell): string {
  return `Likelihood ${cell.likelihood} × impact ${cell.impact}${cell.residual ? ', after controls' : ', before controls'}`;
}

/** Heat-map rows from likelihood 5 at the top down to 1, as risk matrices are drawn. */
export function heatRows(counts: number[][], levels: RiskLevel[][]): { likelihood: number; cells: { impact: number; count: number; level: RiskLevel }[] }[] {
  const rows = [];
  for (let likelihood = 5; likelihood >= 1; likelihood--) {
    const cells = [];
    for (let impact = 1; impact <= 5; impact++) {
      cells.push({
        impact,
        count: counts[likelihood - 1]?.[impact - 1] ?? 0,
        level: levels[likelihood - 1]?.[impact - 1] ?? 'low',
      });
    }
    rows.push({ likelihood, cells });
  }
  return rows;
}

/** The status column: "Accepted until 2026-12-31", "Open (acceptance expired 2026-01-31)", "In progress". */
export function statusText(risk: RegisterRisk, statusLabel: (s: RiskStatus) => string): string {
  const a = risk.acceptance;
  if (risk.status === 'accepted' && a) return `Accepted until ${a.expires}`;
  if (a && a.expired && risk.treatment === 'accept') return `${statusLabel(risk.status)} (acceptance expired ${a.expires})`;
  return statusLabel(risk.status);
}

/** "ICU pump (A-100), Ward pump and 12 more" */
export function deviceList(risk: RegisterRisk, shown = 2): string {
  if (risk.devices.length === 0) return risk.origin === 'manual' ? 'No device named' : 'None now';
  const names = risk.devices.slice(0, shown).map((d) => (d.asset_tag ? `${d.name} (${d.asset_tag})` : d.name));
  const rest = risk.devices.length - shown;
  return rest > 0 ? `${names.join(', ')} and ${rest} more` : names.join(', ');
}

/** One year after `today` (yyyy-mm-dd), the usual expiry offered for an acceptance. */
export function oneYearAfter(today: string): string {
  const [y, m, d] = today.split('-').map(Number);
  const next = new Date(Date.UTC(y + 1, m - 1, d));
  // 29 February → 28 February (Date would roll to 1 March).
  if (next.getUTCMonth() !== m - 1) next.setUTCDate(0);
  return next.toISOString().slice(0, 10);
}
