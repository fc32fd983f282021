/**
 * The services export their spans over OTLP when configured the standard way: the real CLIs, as an
 * operator starts them, the orchestrator through OTEL_EXPORTER_OTLP_ENDPOINT and the worker through
 * --otlp-endpoint (both with OTEL_EXPORTER_OTLP_PROTOCOL=http/json), pointed at a receiver this test
 * starts. One task runs; SIGTERM stops both, which must flush their last spans and exit 0. Every
 * span names the task's correlation id, each service's resource names it (service.name,
 * service.version from its package.json, a service.instance.id of its own process, what
 * OTEL_RESOURCE_ATTRIBUTES adds), and no resource carries the command line (the database password).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { useTestDatabase } from '@tasker/bench-kit';
import { TaskerClient } from '@tasker/client';
import { hashApiKey } from '@tasker/orchestration';
import { BUILTIN_TEMPLATES, CORRELATION_ID_ATTRIBUTE, mathematicalSequence } from '@tasker/shared';
import { type ServiceProcess, type ServiceSpec, spawnService } from '@tasker/shared/testing';
import { afterAll, expect, test } from 'vitest';
import { ORCHESTRATION_CLI, WORKER_CLI } from '../src/system/serviceClis.ts';
import { type OtlpReceiver, startOtlpReceiver } from '../src/tracing/otlpReceiver.ts';

const db = useTestDatabase();
const version = (name: string): string =>
  (
    JSON.parse(readFileSync(new URL(`../../${name}/package.json`, import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;

const started: ServiceProcess[] = [];
/** A CLI as an operator starts it: this environment plus `env`, without the runner's NODE_OPTIONS. */
async function startCli(
  cli: Pick<ServiceSpec, 'script' | 'ready'>,
  role: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<ServiceProcess> {
  const service = await spawnService({
    role,
    ...cli,
    args,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  });
  started.push(service);
  return service;
}

let receiver: OtlpReceiver | undefined;
afterAll(async () => {
  await Promise.all(started.map((service) => service.stop()));
  await receiver?.close();
});

test('a task run with an OTLP endpoint set delivers both services’ spans to the receiver', {
  timeout: 60_000,
}, async () => {
  receiver = await startOtlpReceiver();
  const token = randomBytes(24).toString('base64url');
  const otel = {
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
    OTEL_SERVICE_NAME: '',
    OTEL_TRACES_EXPORTER: '',
  };
  const orchestration = await startCli(
    ORCHESTRATION_CLI,
    'tasker-orchestration',
    [
      '--database-url',
      db.connectionString,
      '--port',
      '0',
      '--api-keys',
      `t ${hashApiKey(token)} *`,
      '--demo-templates',
    ],
    {
      ...otel,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=e2e',
    },
  );
  const namespaces = [...new Set(BUILTIN_TEMPLATES.map((template) => template.namespace))].join(',');
  const worker = await startCli(
    WORKER_CLI,
    'tasker-worker',
    [
      '--database-url',
      db.connectionString,
      '--namespaces',
      namespaces,
      '--port',
      '0',
      '--otlp-endpoint',
      receiver.endpoint,
    ],
    { ...otel, OTEL_EXPORTER_OTLP_ENDPOINT: '' },
  );
  expect(orchestration.stdout.join('\n')).toContain(`traces to ${receiver.endpoint}`);
  expect(worker.stdout.join('\n')).toContain(`"traces":"${receiver.endpoint}"`);

  const client = new TaskerClient(orchestration.readyValue, { token });
  const correlationId = randomUUID();
  try {
    const { task } = await client.createTask({
      namespace: mathematicalSequence.namespace,
      name: mathematicalSequence.name,
      context: { even_number: 6 },
      correlation_id: correlationId,
    });
    expect((await client.waitForCompletion(task.task_uuid, { timeoutMs: 20_000 })).state).toBe('complete');
  } finally {
    await client.close();
  }
  // SIGTERM: each drains, exports what it buffered and exits 0 (the flush is what this checks: the
  // exporter's own schedule is 5 s, and the task took milliseconds)
  for (const service of [worker, orchestration])
    expect(await service.kill('SIGTERM'), service.lines.join('\n')).toBe(0);

  expect(receiver.rejected).toEqual([]);
  const spans = receiver.spans().filter((span) => span.scope.startsWith('@tasker/'));
  const of = (service: string) => spans.filter((span) => span.resource['service.name'] === service);
  const names = (service: string) => [...new Set(of(service).map((span) => span.name))].sort();
  expect(names('tasker-orchestration')).toEqual(['steps.enqueue', 'task.create']);
  expect(names('tasker-worker')).toEqual(['handler.execute', 'result.submit', 'step.claim']);
  expect(of('tasker-worker').filter((span) => span.name === 'handler.execute')).toHaveLength(
    mathematicalSequence.steps.length,
  );
  // the correlation id on every span, and nothing but this task's
  expect(spans.filter((span) => span.attributes[CORRELATION_ID_ATTRIBUTE] !== correlationId)).toEqual([]);

  const resource = (service: string) => {
    const resources = new Set(of(service).map((span) => JSON.stringify(span.resource)));
    expect(resources.size, `${service}: one resource`).toBe(1);
    return of(service)[0]?.resource ?? {};
  };
  const o = resource('tasker-orchestration');
  const w = resource('tasker-worker');
  expect(o['service.version']).toBe(version('orchestration'));
  expect(w['service.version']).toBe(version('worker'));
  expect(o['service.instance.id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(w['service.instance.id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(o['service.instance.id']).not.toBe(w['service.instance.id']);
  expect(o['deployment.environment.name']).toBe('e2e');
  expect(o['telemetry.sdk.language']).toBe('nodejs');
  for (const attributes of [o, w]) {
    expect(Object.keys(attributes).filter((key) => key.startsWith('process.command'))).toEqual([]);
    expect(JSON.stringify(attributes)).not.toContain(db.connectionString);
  }
});
