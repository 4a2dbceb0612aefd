import { describe, expect, it } from 'vitest';
import { baseName, blankToNull, deviceCountText, gapCount, gapSummary, plural, todayStamp } from './format';

describe('deviceCountText', () => {
  it('says how many are shown of how many, and how many have gaps', () => {
    expect(deviceCountText(12, 30, 4)).toBe('Showing 12 of 30 · 4 with unknown facts');
  });
  it('says "all" when nothing is filtered out', () => {
    expect(deviceCountText(30, 30, 0)).toBe('Showing all 30 devices · no unknown facts');
    expect(deviceCountText(1, 1, 1)).toBe('Showing all 1 device · 1 with unknown facts');
  });
  it('has a plain message for an empty inventory', () => {
    expect(deviceCountText(0, 0, 0)).toBe('No devices yet');
  });
});

describe('small formatters', () => {
  it('pluralises', () => {
    expect(plural(1, 'row')).toBe('1 row');
    expect(plural(0, 'row')).toBe('0 rows');
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
  });
  it('summarises gaps', () => {
    expect(gapSummary([])).toBe('Complete');
    expect(gapSummary(['serial'])).toBe('1 unknown fact');
    expect(gapSummary(['serial', 'owner', 'zone_id'])).toBe('3 unknown facts');
    expect(gapCount(['serial', 'owner'])).toBe('2 unknown');
    expect(gapCount([])).toBe('Complete');
  });
  it('takes the file name of Windows and Unix paths', () => {
    expect(baseName('/home/a/devices.csv')).toBe('devices.csv');
    expect(baseName('C:\\Users\\a\\devices.xlsx')).toBe('devices.xlsx');
  });
  it('treats blank text as not known', () => {
    expect(blankToNull('  ')).toBeNull();
    expect(blankToNull(null)).toBeNull();
    expect(blankToNull(' x ')).toBe(' x ');
  });
  it('stamps dates with zero padding', () => {
    expect(todayStamp(new Date(2026, 0, 5))).toBe('2026-01-05');
  });
});
