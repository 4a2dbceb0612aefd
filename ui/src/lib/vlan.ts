// The VLAN id input is free text so a half-typed value can be shown with a clear message
// instead of a browser number-input silently dropping it.

export interface ParsedVlan {
  value: number | null;
  problem: string | null;
}

export function parseVlan(text: string): ParsedVlan {
  const trimmed = text.trim();
  if (trimmed === '') return { value: null, problem: null };
  if (!/^\d+$/.test(trimmed)) return { value: null, problem: `"${trimmed}" is not a number: a VLAN id is 1 to 4094.` };
  const value = Number(trimmed);
  if (value < 1 || value > 4094) return { value: null, problem: `${value} is not a VLAN id: use 1 to 4094.` };
  return { value, problem: null };
}
