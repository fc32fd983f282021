/**
 * The `test` of shared's benches that measure tasker's SQL on a dataset: bench-kit's `benchTest`
 * (the file's own `db`) with two more file-scoped, lazy fixtures:
 * - `dataset`: `db` seeded with TASKER_BENCH_TASKS tasks (default 5,000; datasetSize), time printed
 * - `sample`: a stratified, seeded sample of the dataset's tasks and steps, printed
 */
import { benchTest, datasetSize } from '@tasker/bench-kit';
import {
  describeSample,
  type SeededDataset,
  type StratifiedSample,
  seedDataset,
  stratifiedSample,
} from '@tasker/shared/testing';

/** Members per stratum of the default sample, and its seed. */
export const SAMPLE_PER_STRATUM = 2;
export const SAMPLE_SEED = 7;

export const seededBenchTest = benchTest
  .extend('dataset', { scope: 'file' }, async ({ db }): Promise<SeededDataset> => {
    const dataset = await seedDataset(db.pool, { tasks: datasetSize() });
    console.log(
      `seeded ${dataset.tasks.toLocaleString('en')} tasks, ${dataset.steps.toLocaleString('en')} steps, ` +
        `${dataset.edges.toLocaleString('en')} edges in ${(dataset.seedMs / 1000).toFixed(2)} s (seed ${dataset.seed})`,
    );
    return dataset;
  })
  .extend('sample', { scope: 'file' }, async ({ db, dataset }): Promise<StratifiedSample> => {
    const sample = await stratifiedSample(db.pool, dataset, {
      perStratum: SAMPLE_PER_STRATUM,
      seed: SAMPLE_SEED,
    });
    console.log(describeSample(sample));
    return sample;
  });
