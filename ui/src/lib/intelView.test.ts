import { describe, expect, it } from 'vitest';
import type { IntelMatch } from './bindings';
import { csafReportText, decisionBlocker, decisionText, filterMatches, kevReportText } from './intelView';

function match(overrides: Partial<IntelMatch>): IntelMatch {
  return {
    device_id: 'd1',
    device_name: 'Infusion pump 1',
    source_kind: 'advisory',
    source_id: 'ICSMA-23-194-01',
    title: 'BD Alaris System',
    confidence: 'high',
    reasons: ['Because.'],
    products: ['BD Alaris PCU Model 8015'],
    cves: ['CVE-2023-30563'],
    known_exploited: [],
    max_cvss: 8.2,
    decision: null,
    counts_in_risk: true,
    ...overrides,
  };
}

const decided = (status: 'affected' | 'not_affected' | 'mitigated') => ({
  status,
  justification: status === 'not_affected' ? ('vulnerable_code_not_present' as const) : null,
  control: status === 'mitigated' ? 'Pump VLAN' : null,
  note: null,
  decided_at: '2026-11-29T00:00:00Z',
  decided_by: 'ana',
});

describe('decision text', () => {
  it('says whether an unreviewed match counts in the risk', () => {
    expect(decisionText(match({}))).toBe('Not reviewed — counted in the risk');
    expect(decisionText(match({ confidence: 'low', counts_in_risk: false }))).toBe('Not reviewed');
  });
  it('names the justification and the control', () => {
    expect(decisionText(match({ decision: decided('not_affected') }))).toBe('Not affected: the vulnerable code is not in this version');
    expect(decisionText(match({ decision: decided('mitigated') }))).toBe('Mitigated by Pump VLAN');
  });
});

describe('decision form', () => {
  it('needs a justification for not affected and a control for mitigated', () => {
    expect(decisionBlocker('not_affected', null, '')).toMatch(/why/);
    expect(decisionBlocker('not_affected', 'component_not_present', '')).toBeNull();
    expect(decisionBlocker('mitigated', null, '  ')).toMatch(/control/);
    expect(decisionBlocker('affected', null, '')).toBeNull();
  });
});

describe('filters', () => {
  const list = [
    match({ source_id: 'A' }),
    match({ source_id: 'B', confidence: 'low' }),
    match({ source_id: 'C', decision: decided('affected'), device_name: 'Monitor' }),
  ];
  it('to review hides decided matches and low-confidence suggestions', () => {
    expect(filterMatches(list, 'to_review', '').map((m) => m.source_id)).toEqual(['A']);
    expect(filterMatches(list, 'decided', '').map((m) => m.source_id)).toEqual(['C']);
    expect(filterMatches(list, 'all', 'monitor').map((m) => m.source_id)).toEqual(['C']);
    expect(filterMatches(list, 'all', 'cve-2023').length).toBe(3);
  });
});

describe('import reports', () => {
  const matching = { devices_checked: 1, advisories: 1, kev_entries: 0, high: 1, medium: 0, low: 0 };
  it('tells a first KEV catalog from an update', () => {
    const base = { file_name: 'kev.json', catalog_version: '2025.08.25', entries: 3, previous_version: null, added: [], changed: [], removed: [], matching };
    expect(kevReportText({ ...base, compared: false })).toContain('first catalog');
    expect(kevReportText({ ...base, compared: true, added: ['CVE-1'] })).toContain('1 added, 0 changed, 0 removed');
  });
  it('counts failures and skipped revisions', () => {
    const text = csafReportText({
      imported: [],
      failed: [{ file: 'x.json', message: 'x.json: bad' }],
      superseded: [],
      older_than_stored: [{ file: 'y.json', tracking_id: 'Y', kept: 'rev 2' }],
      ignored: 0,
      matching,
    });
    expect(text).toBe('Imported 0 advisories. 1 could not be read (listed below). 1 skipped because a newer revision is kept.');
  });
});
