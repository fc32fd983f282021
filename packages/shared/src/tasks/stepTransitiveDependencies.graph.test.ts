/**
 * tasker.get_step_transitive_dependencies on a diamond and a tree: every ancestor once, at its
 * shortest distance, with results; nothing of the step's descendants or siblings.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { describe, expect, test } from 'vitest';
import { insertTaskGraph } from '../testing/insertTaskGraph.ts';
import { stepTransitiveDependencies } from './stepTransitiveDependencies.ts';

const db = useTestDatabase();

describe('transitive dependencies', () => {
  test('diamond: the end sees both branches at 1 and the start once, at 2, with results', async () => {
    const { steps } = await insertTaskGraph(db.pool, {
      steps: [
        { name: 'start', state: 'complete', results: { value: 2 } },
        { name: 'left', state: 'complete', dependsOn: ['start'], results: { value: 4 } },
        { name: 'right', state: 'complete', dependsOn: ['start'], results: { value: 4 } },
        { name: 'end', dependsOn: ['left', 'right'] },
      ],
    });
    const deps = await stepTransitiveDependencies(db.pool, steps.end ?? '');
    expect(deps.map((dep) => [dep.name, dep.distance, dep.results])).toEqual([
      ['left', 1, { value: 4 }],
      ['right', 1, { value: 4 }],
      ['start', 2, { value: 2 }],
    ]);
    expect(deps[0]).toMatchObject({ currentState: 'complete', workflowStepUuid: steps.left });
  });

  test('tree: a leaf sees only its own branch up to the root', async () => {
    //        root
    //      /      \
    //     a        b
    //    / \      / \
    //  a1   a2  b1   b2
    //  |
    //  a1x
    const { steps } = await insertTaskGraph(db.pool, {
      steps: [
        { name: 'root' },
        { name: 'a', dependsOn: ['root'] },
        { name: 'b', dependsOn: ['root'] },
        { name: 'a1', dependsOn: ['a'] },
        { name: 'a2', dependsOn: ['a'] },
        { name: 'b1', dependsOn: ['b'] },
        { name: 'b2', dependsOn: ['b'] },
        { name: 'a1x', dependsOn: ['a1'] },
      ],
    });
    const deps = await stepTransitiveDependencies(db.pool, steps.a1x ?? '');
    expect(deps.map((dep) => [dep.name, dep.distance])).toEqual([
      ['a1', 1],
      ['a', 2],
      ['root', 3],
    ]);
    expect(await stepTransitiveDependencies(db.pool, steps.root ?? '')).toEqual([]);
  });

  test('a shortcut edge gives an ancestor its shortest distance', async () => {
    const { steps } = await insertTaskGraph(db.pool, {
      steps: [
        { name: 'a' },
        { name: 'b', dependsOn: ['a'] },
        { name: 'c', dependsOn: ['b'] },
        { name: 'd', dependsOn: ['c', 'a'] },
      ],
    });
    const deps = await stepTransitiveDependencies(db.pool, steps.d ?? '');
    expect(deps.map((dep) => [dep.name, dep.distance])).toEqual([
      ['a', 1],
      ['c', 1],
      ['b', 2],
    ]);
  });
});
