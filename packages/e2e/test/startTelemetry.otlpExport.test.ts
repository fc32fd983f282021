/**
 * The services export their spans over OTLP when configured the standard way: the real CLIs, as an
 * operator starts them, the orchestrator through OTEL_EXPORTER_OTLP_ENDPOINT and the worker through
 * --otlp-endpoint (both with OTEL_EXPORTER_OTLP_PROTOCOL=http/json), pointed at a receiver this test
 * starts. One task runs; SIGTERM stops both, which must flush their last spans and exit 0. Every
 * span names the task's correlation id, each service's resource names it (service.name,
 * service.version from its package.json, a service.instance.id of its own process, what
 * OTEL_RESOURCE_ATTRIBUTES adds), and no resource carries the command line (the database password).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { useTestDatabase } from '@tasker/bench-kit';
import { TaskerClient } from '@tasker/client';
import { hashApiKey } from '@tasker/orchestration';
import { BUILTIN_TEMPLATES, CORRELATION_ID_ATTRIBUTE, mathematicalSequence } from '@tasker/shared';
import { afterAll, expect, test } from 'vitest';
import { type OtlpReceiver, startOtlpReceiver } from '../src/tracing/otlpReceiver.ts';

const db = useTestDatabase();
const packageDir = (name: string) => new URL(`../../${name}/`, import.meta.url);
const version = (name: string): string =>
  (JSON.parse(readFileSync(new URL('package.json', packageDir(name)), 'utf8')) as { version: string })
    .version;

type Service = { child: ChildProcess; ready: string; output: string[]; exit: Promise<number | null> };
const started: Service[] = [];

/** Starts a CLI; resolves with group 1 of its ready line, rejects with its output if it exits first. */
function startCli(pkg: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Service> {
  const script = fileURLToPath(new URL('src/cli.ts', packageDir(pkg)));
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const service = { child, ready: '', output, exit };
  started.push(service);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${pkg} not ready:\n${output.join('')}`)), 30_000);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output.push(chunk);
      const match = ready.exec(chunk);
      if (match) {
        clearTimeout(timer);
        resolve({ ...service, ready: match[1] ?? '' });
      }
    });
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${pkg} exited ${code} before it was ready:\n${output.join('')}`));
    });
  });
}

let receiver: OtlpReceiver | undefined;
afterAll(async () => {
  for (const { child } of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
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
    'orchestration',
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
    /listening on (http:\/\/\S+)/,
  );
  const namespaces = [...new Set(BUILTIN_TEMPLATES.map((template) => template.namespace))].join(',');
  const worker = await startCli(
    'worker',
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
    /"event":"started".*"port":(\d+)/,
  );
  expect(orchestration.output.join('')).toContain(`traces to ${receiver.endpoint}`);
  expect(worker.output.join('')).toContain(`"traces":"${receiver.endpoint}"`);

  const client = new TaskerClient(orchestration.ready, { token });
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
  for (const service of [worker, orchestration]) {
    service.child.kill('SIGTERM');
    expect(await service.exit, service.output.join('')).toBe(0);
  }

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
