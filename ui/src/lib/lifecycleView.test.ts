import { describe, expect, it } from 'vitest';
import {
  budgetBars,
  daysText,
  deadlineTarget,
  filterSupport,
  formatMoney,
  moneyInput,
  parseMoney,
  positionInYear,
  statusBadge,
  type SupportRowLike,
} from './lifecycleView';

function row(name: string, status: SupportRowLike['support']['status'], extra: Partial<SupportRowLike> = {}): SupportRowLike {
  return {
    name,
    asset_tag: null,
    manufacturer: null,
    model: null,
    os_text: null,
    support: { status },
    patch: { status: 'not_tracked' },
    open_plans: 0,
    ...extra,
  };
}

describe('filterSupport', () => {
  const rows = [
    row('ECG cart', 'unsupported', { os_text: 'Windows XP Embedded SP3', manufacturer: 'GE' }),
    row('CT scanner', 'unsupported', { open_plans: 1, os_text: 'Windows 7 Embedded' }),
    row('Lab PC', 'ending_soon', { patch: { status: 'overdue' } }),
    row('Pump', 'unknown'),
    row('Monitor', 'supported', { asset_tag: 'MON-7' }),
  ];
  const names = (list: SupportRowLike[]) => list.map((r) => r.name);

  it('filters by status', () => {
    expect(names(filterSupport(rows, { status: 'unsupported', text: '' }))).toEqual(['ECG cart', 'CT scanner']);
    expect(names(filterSupport(rows, { status: 'all', text: '' }))).toHaveLength(5);
  });
  it('finds at-risk devices without a plan and overdue patching', () => {
    expect(names(filterSupport(rows, { status: 'unplanned', text: '' }))).toEqual(['ECG cart', 'Lab PC']);
    expect(names(filterSupport(rows, { status: 'patch_overdue', text: '' }))).toEqual(['Lab PC']);
  });
  it('needs every word somewhere in name, tag, maker, model or OS', () => {
    expect(names(filterSupport(rows, { status: 'all', text: 'windows embedded' }))).toEqual(['ECG cart', 'CT scanner']);
    expect(names(filterSupport(rows, { status: 'all', text: 'ge xp' }))).toEqual(['ECG cart']);
    expect(names(filterSupport(rows, { status: 'all', text: 'mon-7' }))).toEqual(['Monitor']);
    expect(names(filterSupport(rows, { status: 'supported', text: 'xp' }))).toEqual([]);
  });
});

describe('money', () => {
  it('formats cents as dollars', () => {
    expect(formatMoney(125_000_050)).toBe('$1,250,000.50');
    expect(formatMoney(80_000)).toBe('$800');
    expect(formatMoney(0)).toBe('$0');
    expect(formatMoney(null)).toBe('No estimate');
  });
  it('parses what people type', () => {
    expect(parseMoney('12,500')).toEqual({ cents: 1_250_000 });
    expect(parseMoney('$1,250.5')).toEqual({ cents: 125_050 });
    expect(parseMoney('  ')).toEqual({ cents: null });
    expect(parseMoney('12.345')).toHaveProperty('error');
    expect(parseMoney('-5')).toHaveProperty('error');
    expect(parseMoney('twelve')).toHaveProperty('error');
    expect(parseMoney('20000000')).toHaveProperty('error');
  });
  it('round-trips through the input text', () => {
    for (const cents of [0, 5, 125_050, 1_250_000]) {
      expect(parseMoney(moneyInput(cents))).toEqual({ cents });
    }
    expect(moneyInput(null)).toBe('');
  });
});

describe('roadmap geometry', () => {
  it('scales budget bars to the largest year', () => {
    expect(budgetBars([
      { label: 'FY2027', total_cents: 500 },
      { label: 'FY2028', total_cents: 1000 },
      { label: 'FY2029', total_cents: 0 },
    ])).toEqual([
      { label: 'FY2027', percent: 50 },
      { label: 'FY2028', percent: 100 },
      { label: 'FY2029', percent: 0 },
    ]);
    expect(budgetBars([{ label: 'FY2027', total_cents: 0 }])[0].percent).toBe(0);
  });
  it('places a date within its fiscal year, leap years included', () => {
    expect(positionInYear('2026-07-01', '2026-07-01', '2027-06-30')).toBe(0);
    expect(positionInYear('2027-06-30', '2026-07-01', '2027-06-30')).toBe(100);
    expect(positionInYear('2028-07-01', '2028-01-01', '2028-12-31')).toBe(50);
    expect(positionInYear('2030-01-01', '2026-07-01', '2027-06-30')).toBe(100);
  });
});

describe('labels', () => {
  it('says how far a day is', () => {
    expect(daysText(0)).toBe('today');
    expect(daysText(1)).toBe('tomorrow');
    expect(daysText(12)).toBe('in 12 days');
    expect(daysText(-1)).toBe('1 day ago');
    expect(daysText(-3)).toBe('3 days ago');
  });
  it('colours statuses', () => {
    expect(statusBadge('unsupported')).toBe('badge danger');
    expect(statusBadge('ending_soon')).toBe('badge warn');
    expect(statusBadge('supported')).toBe('badge ok');
    expect(statusBadge('unknown')).toBe('badge');
  });
});

describe('deadline links', () => {
  it('opens the risk, the assessment or the device the deadline is about', () => {
    expect(deadlineTarget({ kind: 'risk_acceptance_expiry', subject_id: 'factor:default_credentials' })).toEqual({ name: 'risk', key: 'factor:default_credentials' });
    expect(deadlineTarget({ kind: 'review', subject_id: 'manual:7f0c' })).toEqual({ name: 'risk', key: 'manual:7f0c' });
    expect(deadlineTarget({ kind: 'review', subject_id: '0b9e2c1a-1111-4222-8333-944455556666' })).toEqual({ name: 'assessment', id: '0b9e2c1a-1111-4222-8333-944455556666' });
    expect(deadlineTarget({ kind: 'end_of_support', subject_id: 'd1' })).toEqual({ name: 'device-detail', id: 'd1' });
    expect(deadlineTarget({ kind: 'planned_action', subject_id: null })).toBeNull();
  });
});
