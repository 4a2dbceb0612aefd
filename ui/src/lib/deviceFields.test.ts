import { describe, expect, it } from 'vitest';
import { ALL_FIELD_KEYS, FIELD_SPECS, gapLabel, isUnknownValue } from './deviceFields';
import { emptyDeviceFields, fieldsForSave } from './newDevice';

describe('device form layout', () => {
  it('places every DeviceFields key exactly once', () => {
    const keys = Object.keys(emptyDeviceFields()).sort();
    expect([...ALL_FIELD_KEYS].sort()).toEqual(keys);
    expect(new Set(ALL_FIELD_KEYS).size).toBe(ALL_FIELD_KEYS.length);
    expect(Object.keys(FIELD_SPECS).sort()).toEqual(keys);
  });
});

describe('gaps and unknown values', () => {
  it('labels gap keys in words', () => {
    expect(gapLabel('zone_id')).toBe('Network zone');
    expect(gapLabel('ip_address')).toBe('Network address (IP, MAC or host name)');
    expect(gapLabel('something_new')).toBe('something new');
  });
  it('recognises unknown values of every kind', () => {
    expect(isUnknownValue(null)).toBe(true);
    expect(isUnknownValue('  ')).toBe(true);
    expect(isUnknownValue('unknown')).toBe(true);
    expect(isUnknownValue([])).toBe(true);
    expect(isUnknownValue(['wifi'])).toBe(false);
    expect(isUnknownValue('yes')).toBe(false);
  });
  it('saves blank texts as not known', () => {
    const fields = { ...emptyDeviceFields(), name: 'Pump', serial: '   ', model: 'X1' };
    const saved = fieldsForSave(fields);
    expect(saved.serial).toBeNull();
    expect(saved.model).toBe('X1');
    expect(fields.serial).toBe('   ');
  });
});
