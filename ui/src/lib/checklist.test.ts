import { describe, expect, it } from 'vitest';
import type { ChecklistStep, StepState } from './bindings';
import { checklistProgress, nextStep, stepStateLabel } from './checklist';
import { screenForStep } from './router.svelte';

const step = (key: string, state: StepState): ChecklistStep => ({ key, title: key, description: '', state, detail: '' });

const steps = [
  step('clinic', 'done'),
  step('sites_zones', 'in_progress'),
  step('vendors', 'todo'),
  step('devices', 'todo'),
  step('questionnaires', 'coming'),
  step('audit_packet', 'coming'),
];

describe('checklist', () => {
  it('counts progress over the steps that exist, not the coming ones', () => {
    expect(checklistProgress(steps)).toEqual({ done: 1, available: 4, percent: 25 });
  });
  it('suggests the first unfinished step that has a screen', () => {
    expect(nextStep(steps, (key) => screenForStep(key) !== null)?.key).toBe('sites_zones');
    expect(nextStep([step('clinic', 'done'), step('risks', 'coming')], () => true)).toBeNull();
  });
  it('labels coming steps as coming soon', () => {
    expect(stepStateLabel('coming')).toBe('Coming soon');
  });
  it('links only the steps that have a screen', () => {
    expect(screenForStep('devices')).toEqual({ name: 'devices' });
    expect(screenForStep('questionnaires')).toEqual({ name: 'assessments' });
    expect(screenForStep('audit_packet')).toEqual({ name: 'packet' });
    expect(screenForStep('risks')).toEqual({ name: 'risks' });
    expect(screenForStep('lifecycle')).toEqual({ name: 'lifecycle' });
  });
});
