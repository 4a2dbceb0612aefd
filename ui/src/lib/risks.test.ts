import { describe, expect, it } from 'vitest';
import type { Action, RegisterRisk } from './bindings';
import {
  actionEffect,
  cellText,
  deviceList,
  emptyFilter,
  heatRows,
  isFiltered,
  levelClass,
  oneYearAfter,
  statusText,
  toRegisterFilter,
} from './risks';

function action(over: Partial<Action>): Action {
  return {
    id: 'move_to_medical_zone',
    control: null,
    label: 'Move it to the medical-device zone',
    explanation: '',
    from_level: 'high',
    to_level: 'medium',
    from_likelihood: 4,
    to_likelihood: 3,
    from_impact: 4,
    to_impact: 4,
    likelihood_delta: -1,
    impact_delta: 0,
    points_delta: -3,
    ...over,
  };
}

function risk(over: Partial<RegisterRisk>): RegisterRisk {
  return {
    key: 'factor:default_credentials_unchanged',
    origin: 'device_fact',
    title: '3 devices still use the manufacturer\'s default credentials',
    threat: 't',
    vulnerability: 'v',
    devices: [],
    likelihood: 4,
    impact: 4,
    level: 'high',
    residual_likelihood: 4,
    residual_impact: 4,
    residual_level: 'high',
    level_reason: '',
    controls: [],
    treatment: 'undecided',
    owner: null,
    due_date: null,
    review_date: null,
    status: 'open',
    notes: null,
    acceptance: null,
    overdue: false,
    method_version: '2026.1',
    ...over,
  };
}

const label = (s: string) => ({ open: 'Open', in_progress: 'In progress', accepted: 'Accepted', closed: 'Closed' })[s] ?? s;

describe('risk view logic', () => {
  it('says what an action does, also when the level stays', () => {
    expect(actionEffect(action({}))).toBe('High → Medium');
    expect(actionEffect(action({ to_level: 'high' }))).toBe('stays High (likelihood 4 → 3)');
    expect(actionEffect(action({ to_level: 'high', likelihood_delta: 0, to_likelihood: 4 }))).toBe(
      'stays High (-3 likelihood points)',
    );
  });

  it('turns the filter form into the api filter, blanks meaning any', () => {
    const form = emptyFilter();
    expect(isFiltered(form)).toBe(false);
    expect(toRegisterFilter(form)).toEqual({ level: null, status: null, treatment: null, owner: null, text: null, cell: null });
    form.owner = '  Biomed ';
    form.level = 'critical';
    form.cell = { likelihood: 5, impact: 4, residual: true };
    expect(isFiltered(form)).toBe(true);
    expect(toRegisterFilter(form)).toMatchObject({ owner: 'Biomed', level: 'critical', cell: { likelihood: 5, impact: 4 } });
    expect(cellText(form.cell)).toBe('Likelihood 5 × impact 4, after controls');
  });

  it('draws the heat map with likelihood 5 on top and impact 1 on the left', () => {
    const counts = [0, 1, 2, 3, 4].map((l) => [0, 1, 2, 3, 4].map((i) => l * 10 + i));
    const levels = counts.map((row) => row.map(() => 'low' as const));
    const rows = heatRows(counts, levels);
    expect(rows.map((r) => r.likelihood)).toEqual([5, 4, 3, 2, 1]);
    expect(rows[0].cells[0]).toEqual({ impact: 1, count: 40, level: 'low' });
    expect(rows[4].cells[4]).toEqual({ impact: 5, count: 4, level: 'low' });
    expect(levelClass('critical')).toBe('level-critical');
  });

  it('shows acceptance and its expiry in the status', () => {
    const acceptance = { approver: 'Dr. Lee', reason: 'r', accepted_on: '2026-06-01', expires: '2026-12-31', expired: false };
    expect(statusText(risk({ status: 'accepted', treatment: 'accept', acceptance }), label)).toBe('Accepted until 2026-12-31');
    expect(
      statusText(risk({ status: 'open', treatment: 'accept', acceptance: { ...acceptance, expired: true } }), label),
    ).toBe('Open (acceptance expired 2026-12-31)');
    expect(statusText(risk({ status: 'in_progress' }), label)).toBe('In progress');
  });

  it('lists a few devices and counts the rest', () => {
    const d = (n: number) => ({ id: `${n}`, asset_tag: `T-${n}`, name: `Pump ${n}`, level: 'high' as const, residual_level: 'high' as const });
    expect(deviceList(risk({ devices: [d(1), d(2), d(3), d(4)] }))).toBe('Pump 1 (T-1), Pump 2 (T-2) and 2 more');
    expect(deviceList(risk({ devices: [d(1)] }))).toBe('Pump 1 (T-1)');
    expect(deviceList(risk({ devices: [] }))).toBe('None now');
    expect(deviceList(risk({ devices: [], origin: 'manual' }))).toBe('No device named');
  });

  it('offers an expiry one year ahead, also from 29 February', () => {
    expect(oneYearAfter('2026-06-01')).toBe('2027-06-01');
    expect(oneYearAfter('2028-02-29')).toBe('2029-02-28');
  });
});
