// The home checklist's arithmetic: progress over the steps that exist, and the next step to take.
import type { ChecklistStep, StepState } from './bindings';

export interface Progress {
  done: number;
  available: number;
  percent: number;
}

export function checklistProgress(steps: readonly ChecklistStep[]): Progress {
  const available = steps.filter((step) => step.state !== 'coming');
  const done = available.filter((step) => step.state === 'done').length;
  const percent = available.length === 0 ? 0 : Math.round((done / available.length) * 100);
  return { done, available: available.length, percent };
}

/** The first step that is neither done nor still to be built, and that has a screen. */
export function nextStep(
  steps: readonly ChecklistStep[],
  hasScreen: (key: string) => boolean,
): ChecklistStep | null {
  return steps.find((step) => step.state !== 'done' && step.state !== 'coming' && hasScreen(step.key)) ?? null;
}

const STATE_LABELS: Record<StepState, string> = {
  done: 'Done',
  in_progress: 'In progress',
  todo: 'To do',
  coming: 'Coming soon',
};

export function stepStateLabel(state: StepState): string {
  return STATE_LABELS[state];
}
