import { describe, expect, it } from 'vitest';
import { parseVlan } from './vlan';

describe('parseVlan', () => {
  it('accepts empty (no VLAN) and 1-4094', () => {
    expect(parseVlan('')).toEqual({ value: null, problem: null });
    expect(parseVlan(' 20 ')).toEqual({ value: 20, problem: null });
    expect(parseVlan('4094').value).toBe(4094);
  });
  it('explains what is wrong', () => {
    expect(parseVlan('0').problem).toMatch(/1 to 4094/);
    expect(parseVlan('4095').problem).toMatch(/1 to 4094/);
    expect(parseVlan('20a').problem).toMatch(/not a number/);
  });
});
