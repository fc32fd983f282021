/** validateTemplate rejects broken templates with a typed error naming the offending steps. */
import { describe, expect, test } from 'vitest';
import { TemplateValidationError } from './templateErrors.ts';
import { validateTemplate } from './validateTemplate.ts';
import { DEFAULT_RETRY, type StepTemplate, type WorkflowTemplate } from './workflowTemplate.ts';

const step = (
  name: string,
  dependencies: string[] = [],
  extra: Partial<StepTemplate> = {},
): StepTemplate => ({
  name,
  handler: 'square',
  dependencies,
  retry: DEFAULT_RETRY,
  ...extra,
});

const template = (steps: StepTemplate[], extra: Partial<WorkflowTemplate> = {}): WorkflowTemplate => ({
  namespace: 'tests',
  name: 'broken',
  version: '1.0.0',
  steps,
  ...extra,
});

function rejection(t: WorkflowTemplate): TemplateValidationError {
  try {
    validateTemplate(t);
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateValidationError);
    return error as TemplateValidationError;
  }
  throw new Error('expected validateTemplate to throw');
}

describe('validateTemplate', () => {
  test('a cycle is rejected, naming its steps in cycle order', () => {
    const error = rejection(template([step('a'), step('b', ['a', 'd']), step('c', ['b']), step('d', ['c'])]));
    expect(error.kinds).toEqual(['cycle']);
    expect(error.issues[0]?.steps).toEqual(['b', 'c', 'd']);
    expect(error.message).toContain('tests/broken@1.0.0');
    expect(error.message).toContain('b → c → d → b');
    expect(error.code).toBe('TASKER_INVALID_TEMPLATE');
  });

  test('a step depending on itself is a cycle of one', () => {
    const error = rejection(template([step('a', ['a'])]));
    expect(error.issues).toMatchObject([{ kind: 'cycle', steps: ['a'] }]);
  });

  test('an unknown dependency names the step and the missing parent', () => {
    const error = rejection(template([step('a'), step('b', ['a', 'ghost'])]));
    expect(error.issues).toMatchObject([{ kind: 'unknown_dependency', steps: ['b'] }]);
    expect(error.message).toContain('step b depends on unknown step(s) ghost');
  });

  test('a duplicate step name is rejected once, naming it', () => {
    const error = rejection(template([step('a'), step('b', ['a']), step('a'), step('a')]));
    expect(error.issues).toMatchObject([{ kind: 'duplicate_step', steps: ['a'] }]);
  });

  test('an empty template is rejected', () => {
    expect(rejection(template([])).kinds).toEqual(['empty']);
  });

  test('bad namespace, name and version are each reported', () => {
    const error = rejection(template([step('a')], { namespace: 'Bad-NS', name: '9lives', version: 'v1' }));
    expect(error.kinds).toEqual(['invalid_namespace', 'invalid_name', 'invalid_version']);
  });

  test('bad steps are reported together: name, handler, repeated dependency, retry policy', () => {
    const error = rejection(
      template([
        step('a'),
        step('Bad Name'),
        step('b', [], { handler: '' }),
        step('c', ['a', 'a']),
        step('d', [], { retry: { retryable: true, max_attempts: 0 } }),
        step('e', [], { retry: { retryable: true, max_attempts: 2, backoff_seconds: -1 } }),
      ]),
    );
    expect(error.issues.map((issue) => [issue.kind, issue.steps])).toEqual([
      ['invalid_step', ['Bad Name']],
      ['invalid_step', ['b']],
      ['invalid_step', ['c']],
      ['invalid_step', ['d']],
      ['invalid_step', ['e']],
    ]);
  });
});
