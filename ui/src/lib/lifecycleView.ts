// View logic of the Lifecycle screen and the device's lifecycle panel: filters, money, the
// roadmap timeline's geometry, labels. Pure functions, tested with vitest.

import type { Screen } from './router.svelte';

export type SupportStatusKey = 'supported' | 'ending_soon' | 'unsupported' | 'unknown';

export interface SupportRowLike {
  name: string;
  asset_tag: string | null;
  manufacturer: string | null;
  model: string | null;
  os_text: string | null;
  support: { status: SupportStatusKey };
  patch: { status: string };
  open_plans: number;
}

export interface SupportFilter {
  status: SupportStatusKey | 'all' | 'patch_overdue' | 'unplanned';
  text: string;
}

/** Rows matching the filter: a status (or overdue patching, or at risk without a plan) and
 * every word of the text somewhere in name, tag, manufacturer, model or OS. */
export function filterSupport<T extends SupportRowLike>(rows: readonly T[], filter: SupportFilter): T[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
  return rows.filter((row) => {
    switch (filter.status) {
      case 'all':
        break;
      case 'patch_overdue':
        if (row.patch.status !== 'overdue') return false;
        break;
      case 'unplanned':
        if (!(row.support.status === 'unsupported' || row.support.status === 'ending_soon') || row.open_plans > 0) return false;
        break;
      default:
        if (row.support.status !== filter.status) return false;
    }
    const haystack = [row.name, row.asset_tag, row.manufacturer, row.model, row.os_text]
      .filter((part): part is string => part !== null)
      .join(' ')
      .toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

export const STATUS_LABELS: Record<SupportStatusKey, string> = {
  supported: 'Supported',
  ending_soon: 'Ending within 12 months',
  unsupported: 'Unsupported',
  unknown: 'Unknown',
};

/** The badge class of a support status. */
export function statusBadge(status: SupportStatusKey): string {
  switch (status) {
    case 'supported':
      return 'badge ok';
    case 'ending_soon':
      return 'badge warn';
    case 'unsupported':
      return 'badge danger';
    default:
      return 'badge';
  }
}

export const CONFIDENCE_LABELS: Record<string, string> = {
  none: 'No match',
  low: 'Low (assumed)',
  medium: 'Medium',
  high: 'High',
  confirmed: 'Confirmed by you',
};

export const ACTION_LABELS: Record<string, string> = {
  patch: 'Patch',
  isolate: 'Isolate with monitoring',
  replace: 'Replace',
  retire: 'Retire',
};

export const PLAN_STATUS_LABELS: Record<string, string> = {
  planned: 'Planned',
  in_progress: 'In progress',
  done: 'Done',
  cancelled: 'Cancelled',
};

export const DEADLINE_LABELS: Record<string, string> = {
  end_of_support: 'End of support',
  planned_action: 'Planned action',
  patch_due: 'Patch due',
  risk_acceptance_expiry: 'Risk acceptance expires',
  review: 'Review',
};

/** What a deadline links to, by kind: risk deadlines name a risk key ("factor:…",
 * "question:…", "manual:…"), the annual review an assessment id, the rest a device id. */
export function deadlineTarget(item: {
  kind: string;
  subject_id: string | null;
}): Screen | null {
  const id = item.subject_id;
  if (!id) return null;
  if (/^(factor|question|manual):/.test(id)) return { name: 'risk', key: id };
  if (item.kind === 'review') return { name: 'assessment', id };
  return { name: 'device-detail', id };
}

/** Cents as dollars for people: 125000050 → "$1,250,000.50"; whole dollars without cents. */
export function formatMoney(cents: number | null): string {
  if (cents === null) return 'No estimate';
  const negative = cents < 0;
  const abs = Math.abs(Math.round(cents));
  const dollars = Math.floor(abs / 100);
  const rest = abs % 100;
  const grouped = dollars.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}$${grouped}${rest === 0 ? '' : `.${rest.toString().padStart(2, '0')}`}`;
}

/** What the user typed as a cost ("12,500", "$1,250.50", "") → cents, null for blank, or an
 * error sentence. */
export function parseMoney(text: string): { cents: number | null } | { error: string } {
  const cleaned = text.trim().replace(/^\$/, '').replace(/,/g, '').trim();
  if (cleaned === '') return { cents: null };
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) {
    return { error: `"${text.trim()}" is not an amount in dollars (for example 12,500 or 1250.50)` };
  }
  const [whole, fraction = ''] = cleaned.split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (cents > 1_000_000_000) return { error: 'an action costs at most $10,000,000' };
  return { cents };
}

/** Cents as the text of the cost input ("1250.5" → "1250.50"). */
export function moneyInput(cents: number | null): string {
  if (cents === null) return '';
  const rest = cents % 100;
  return rest === 0 ? String(cents / 100) : `${Math.floor(cents / 100)}.${rest.toString().padStart(2, '0')}`;
}

export interface TimelineYear {
  label: string;
  total_cents: number;
}

/** Bar widths (percent of the largest year) for the roadmap's budget bars. */
export function budgetBars(years: readonly TimelineYear[]): { label: string; percent: number }[] {
  const max = Math.max(0, ...years.map((y) => y.total_cents));
  return years.map((y) => ({ label: y.label, percent: max === 0 ? 0 : Math.round((y.total_cents / max) * 100) }));
}

/** Where a date falls inside a fiscal year, in percent from its start (for the timeline). */
export function positionInYear(date: string, start: string, end: string): number {
  const t = Date.parse(`${date}T00:00:00Z`);
  const a = Date.parse(`${start}T00:00:00Z`);
  const b = Date.parse(`${end}T00:00:00Z`);
  if (!(b > a)) return 0;
  return Math.min(100, Math.max(0, Math.round(((t - a) / (b - a)) * 100)));
}

/** "in 12 days", "today", "3 days ago". */
export function daysText(days: number): string {
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days > 0) return `in ${days} days`;
  return days === -1 ? '1 day ago' : `${-days} days ago`;
}

/** The month names for the fiscal-year setting. */
export const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];
