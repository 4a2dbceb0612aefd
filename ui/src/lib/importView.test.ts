import { describe, expect, it } from 'vitest';
import type { ColumnMapping, ImportPreview } from './bindings';
import { applyBlocker, canApply, resultText, summaryText, withTarget } from './importView';

const mapping: ColumnMapping[] = [
  { column: 0, header: 'Device', target: 'Name' },
  { column: 1, header: 'Maker', target: 'Ignore' },
];

function preview(withErrors: number, issues = withErrors): ImportPreview {
  return {
    file_name: 'devices.csv',
    format: 'CSV',
    encoding: 'UTF-8',
    delimiter: ',',
    headers: ['Device', 'Maker'],
    mapping,
    rows: [],
    issues: Array.from({ length: issues }, (_, index) => ({ row: index + 2, column: 'Maker', field: 'manufacturer', message: 'bad' })),
    summary: { rows: 25, valid: 25 - withErrors, with_errors: withErrors, create: 20, update: 3, unchanged: 2 - withErrors, new_sites: [], new_zones: [] },
  };
}

describe('mapping edits', () => {
  it('changes only the edited column and does not mutate the original', () => {
    const edited = withTarget(mapping, 1, 'Manufacturer');
    expect(edited.map((entry) => entry.target)).toEqual(['Name', 'Manufacturer']);
    expect(mapping[1].target).toBe('Ignore');
  });
});

describe('whether the import may run', () => {
  it('allows a clean preview of the same path', () => {
    expect(canApply(preview(0), '/a.csv', ' /a.csv ')).toBe(true);
    expect(applyBlocker(preview(0), '/a.csv', '/a.csv')).toBeNull();
  });
  it('blocks while problems remain', () => {
    expect(canApply(preview(1), '/a.csv', '/a.csv')).toBe(false);
    expect(applyBlocker(preview(1), '/a.csv', '/a.csv')).toMatch(/1 problem\b/);
  });
  it('blocks when the path changed after the preview', () => {
    expect(canApply(preview(0), '/a.csv', '/b.csv')).toBe(false);
    expect(applyBlocker(preview(0), '/a.csv', '/b.csv')).toMatch(/path changed/);
  });
  it('blocks before any preview', () => {
    expect(canApply(null, null, '/a.csv')).toBe(false);
  });
});

describe('summary and result sentences', () => {
  it('counts rows by what will happen', () => {
    expect(summaryText(preview(1).summary)).toBe('25 rows: 20 new, 3 updates, 1 unchanged, 1 with problems');
  });
  it('reports what was created, updated and left alone', () => {
    const text = resultText({ file_name: 'a.csv', created: 25, updated: 0, unchanged: 0, created_sites: ['Main'], created_zones: [] });
    expect(text).toBe('25 created, 0 updated, 0 left unchanged · new sites: Main');
  });
});
