/**
 * Spans out of an OTLP/HTTP JSON request body (an ExportTraceServiceRequest, what an exporter sends
 * with OTEL_EXPORTER_OTLP_PROTOCOL=http/json): resourceSpans → scopeSpans → spans, each span given
 * its resource's attributes. In the JSON encoding ids are hex strings, 64-bit integers (times,
 * intValue) may be strings or numbers, and attribute values are AnyValue objects; everything is
 * turned into what a ReadableSpan holds (HrTime times, plain attribute values), so the phase
 * breakdown reads received spans as it reads in-memory ones.
 */
import type { Attributes, AttributeValue, HrTime } from '@opentelemetry/api';
import { TaskerError } from '@tasker/shared';
import type { SpanTimes } from './phaseBreakdown.ts';

export type ReceivedSpan = SpanTimes & {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  /** the instrumentation scope (tracer) name, e.g. @tasker/worker */
  readonly scope: string;
  /** the attributes of the resource (process) that sent it: service.name, service.instance.id, … */
  readonly resource: Attributes;
};

type AnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
};
type KeyValue = { key: string; value?: AnyValue };
type JsonSpan = {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: KeyValue[];
};
type ExportTraceServiceRequest = {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{ scope?: { name?: string }; spans?: JsonSpan[] }>;
  }>;
};

const malformed = (what: string) => new TaskerError('E2E_OTLP', `malformed OTLP/JSON request: ${what}`);

function primitive(value: AnyValue): string | number | boolean | undefined {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.bytesValue !== undefined) return value.bytesValue;
  return undefined;
}

function attributeValue(value: AnyValue | undefined): AttributeValue | undefined {
  if (!value) return undefined;
  if (value.arrayValue)
    return (value.arrayValue.values ?? []).map(primitive).filter((v) => v !== undefined) as AttributeValue;
  if (value.kvlistValue) return JSON.stringify(attributes(value.kvlistValue.values));
  return primitive(value);
}

function attributes(list: KeyValue[] | undefined): Attributes {
  const out: Attributes = {};
  for (const { key, value } of list ?? []) {
    const decoded = attributeValue(value);
    if (decoded !== undefined) out[key] = decoded;
  }
  return out;
}

/** nanoseconds since the epoch (a decimal string or a number) as [seconds, nanoseconds] */
export function hrTime(unixNano: string | number | undefined, field: string): HrTime {
  if (unixNano === undefined || !/^\d+$/.test(String(unixNano))) throw malformed(`${field} ${unixNano}`);
  const nanos = BigInt(unixNano);
  return [Number(nanos / 1_000_000_000n), Number(nanos % 1_000_000_000n)];
}

/** The spans of one request body (already parsed JSON); throws a TaskerError E2E_OTLP when malformed. */
export function decodeOtlpTraces(body: unknown): ReceivedSpan[] {
  if (typeof body !== 'object' || body === null) throw malformed('not an object');
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of (body as ExportTraceServiceRequest).resourceSpans ?? []) {
    const resource = attributes(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? [])
      for (const span of scopeSpans.spans ?? []) {
        if (typeof span.name !== 'string' || !span.traceId || !span.spanId)
          throw malformed('a span without name, traceId or spanId');
        spans.push({
          name: span.name,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || undefined,
          scope: scopeSpans.scope?.name ?? '',
          resource,
          attributes: attributes(span.attributes),
          startTime: hrTime(span.startTimeUnixNano, 'startTimeUnixNano'),
          endTime: hrTime(span.endTimeUnixNano, 'endTimeUnixNano'),
        });
      }
  }
  return spans;
}
