/**
 * Whole requests for one operation: a key (or a wrong one), path parameters, a query string,
 * headers and a body, each drawn from the generators beside this file.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { expensiveBody } from './big-bodies.ts';
import { attributeValue, procedureData, procedureFacts, procedureWhere, type ProcedureFacts } from './demo-procedures.ts';
import { exampleBody } from './example-bodies.ts';
import type { Pools } from './fixtures.ts';
import type { FuzzRequest } from './fuzz-request.ts';
import { INJECTIONS, hostileJson, hostileString } from './hostile-values.ts';
import { applyMutations, describeMutation, mutationArbitrary, type Mutation } from './mutations.ts';
import { uploadBody } from './multipart-bodies.ts';
import type { JsonSchema, Operation } from './operations.ts';
import { encodeSegment, pathSegment, queryString } from './path-values.ts';
import { damagedJson, hostileYaml, type RawBody } from './raw-bodies.ts';
import { valueForSchema, type FieldHints } from './schema-values.ts';

export interface RequestContext {
  doc: JsonSchema;
  pools: Pools;
  adminKey: string;
  limitedKey: string;
  /** The demo plugin's app secret, to sign Meta-shaped events the inbound webhook will accept. */
  appSecret: string;
  /** The demo plugin's verify token, for Meta's subscription handshake. */
  verifyToken: string;
}

/**
 * Which pool feeds a path parameter, by operation, method and parameter name. DELETE requests
 * get objects of their own, so that the rest of the run keeps finding its objects.
 */
function poolFor(op: Operation, name: string, p: Pools, procedure: ProcedureFacts | undefined): string[] {
  const t = op.template;
  const deleting = op.method === 'DELETE';
  const processes = (deleting ? p.victimProcesses : p.processes).filter((x) => !procedure || x.procedure === procedure.shortId);
  switch (name) {
    case 'team':
      return t.startsWith('/public-media') ? p.publicMedia.map((m) => m.team) : [...p.teams, 'fuzzkeep'];
    case 'date':
      return p.publicMedia.map((m) => m.date);
    case 'name':
      return p.publicMedia.map((m) => m.name);
    case 'id':
      if (t.includes('/api-keys/')) return p.apiKeyIds;
      if (t.includes('/user/')) return p.userIds;
      if (t.includes('/background-job/')) return p.jobIds;
      if (t.includes('/webhook-deliveries/')) return p.deliveryIds;
      if (t.includes('/webhooks/')) return deleting ? p.victimWebhookIds : p.webhookIds;
      return [];
    case 'ps':
      return p.procedures;
    case 'processId':
      return processes.map((x) => x.id);
    case 'processIdOrPk':
    case 'pkOrId':
      return processes.flatMap((x) => [x.id, ...(x.pk ? [x.pk] : [])]);
    case 'pkShortId':
      return procedure?.primaryKey ? [procedure.primaryKey] : p.pkShortIds;
    case 'pkValue':
      return processes.flatMap((x) => (x.pk ? [x.pk] : []));
    case 'stateTask':
      return procedure?.stateTasks.length ? procedure.stateTasks : p.stateTasks;
    case 'photoId':
      return p.photoIds;
    case 'pluginId':
      return p.pluginIds;
    case 'ver':
      return p.versions;
    case 'wabaId':
      return p.wabaIds;
    case 'templateId':
      return p.templateIds;
    case 'pnid':
      return p.phoneNumberIds;
    case 'chatId':
      return p.chatIds;
    case 'phone':
      return p.phones;
    default:
      return [];
  }
}

/** Values for body fields the server resolves against its data, by field name. */
function hintsFor(p: Pools, procedure: ProcedureFacts | undefined): FieldHints {
  const anyProcedure = procedure ?? procedureFacts('lead')!;
  const hints: Record<string, fc.Arbitrary<unknown>> = {
    data: procedureData(anyProcedure, p),
    where: procedureWhere(anyProcedure, p),
    state: fc.constantFrom(...anyProcedure.states),
    status: fc.constantFrom('OPEN', 'COMPLETED', 'CANCELLED'),
    assignedTo: fc.constantFrom(...p.usernames, ...p.userIds),
    field: fc.constantFrom('createdAt', 'updatedAt', 'nextActionAt', ...anyProcedure.sortable),
    role: fc.constantFrom('admin', 'inside_sales'),
    whatsappPhoneNumberId: fc.constantFrom(...p.phoneNumberIds),
    customerPhoneNumber: fc.constantFrom(...p.phones),
    templateName: fc.constantFrom('order_update', 'hello_world', 'christmas_promo_23', 'missing_template'),
    language: fc.constantFrom('en', 'en_US', 'hi'),
    photo: p.photoIds.length ? fc.constantFrom(...p.photoIds) : fc.uuid(),
    url: fc.constantFrom('http://127.0.0.1:9/fuzz', 'https://example.com/hook'),
    events: fc.subarray(['process.created', 'process.updated', 'process.deleted', 'task.created', 'background_job.completed'], {
      minLength: 1,
    }),
  };
  return (key) => hints[key] ?? (anyProcedure.attributes.includes(key) ? attributeValue(key, p) : undefined);
}

const label = (op: Operation) => op.id;

/** The Authorization header: mostly the admin key, sometimes a weaker, wrong or missing one. */
function authorization(ctx: RequestContext): fc.Arbitrary<{ header?: string; note?: string }> {
  return fc.oneof(
    { weight: 85, arbitrary: fc.constant({ header: `Bearer ${ctx.adminKey}` }) },
    { weight: 6, arbitrary: fc.constant({ header: `Bearer ${ctx.limitedKey}`, note: 'limited key' }) },
    { weight: 3, arbitrary: fc.constant({ note: 'no key' }) },
    {
      weight: 6,
      arbitrary: fc
        .constantFrom(
          'Bearer',
          'Bearer ',
          'Basic YTpi',
          `Bearer ${encodeSegment("' or 1=1 --")}`,
          `Bearer chk_${'a'.repeat(43)}`,
          `Bearer ${'a'.repeat(5000)}`,
          `bearer ${ctx.adminKey}`,
          `Bearer  ${ctx.adminKey}`,
        )
        .map((header) => ({ header, note: 'malformed key' })),
    },
  );
}

/** Headers besides the key: hostile request ids and idempotency keys, now and then a huge one. */
const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 20, arbitrary: fc.constant({}) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(hostileString, fc.constantFrom(...INJECTIONS))
      .map((v) => ({ 'x-request-id': encodeSegment(v).slice(0, 300) || '-' })),
  },
  { weight: 2, arbitrary: fc.oneof(hostileString, fc.uuid()).map((v) => ({ 'idempotency-key': encodeSegment(v).slice(0, 600) || '-' })) },
  { weight: 1, arbitrary: fc.constantFrom(8_000, 17_000, 70_000).map((n) => ({ 'x-fuzz-padding': 'a'.repeat(n) })) },
  { weight: 1, arbitrary: fc.constantFrom('gzip', 'br', 'x-unknown').map((e) => ({ 'content-encoding': e })) },
  { weight: 1, arbitrary: fc.constant({ 'transfer-encoding': 'chunked' }) },
);

/** A Meta-shaped inbound event carrying hostile text, as the inbound webhook receives them. */
function metaEvent(ctx: RequestContext): fc.Arbitrary<string> {
  const text = fc.oneof(
    fc.constantFrom('\\u0000', '\\ud800', 'a\\u0000b', '\\udfff\\ud800'),
    hostileString.map((s) => JSON.stringify(s).slice(1, -1)),
  );
  return fc.tuple(text, fc.nat({ max: 1000 }), fc.constantFrom('message', 'status', 'template')).map(([t, n, kind]) => {
    const value =
      kind === 'message'
        ? `{"messaging_product":"whatsapp","metadata":{"display_phone_number":"917259775805","phone_number_id":"${ctx.pools.phoneNumberIds[0]}"},"contacts":[{"profile":{"name":"${t}"},"wa_id":"919900112233"}],"messages":[{"from":"919900112233","id":"wamid.FUZZ${n}","timestamp":"1795945841","text":{"body":"${t}"},"type":"text"}]}`
        : kind === 'status'
          ? `{"messaging_product":"whatsapp","metadata":{"phone_number_id":"${ctx.pools.phoneNumberIds[0]}"},"statuses":[{"id":"wamid.FUZZ${n}","status":"${t}","timestamp":"1795945841","recipient_id":"919900112233"}]}`
          : `{"event":"${t}","message_template_id":${n},"message_template_name":"${t}","message_template_language":"en","reason":"NONE"}`;
    const field = kind === 'template' ? 'message_template_status_update' : 'messages';
    return `{"object":"whatsapp_business_account","entry":[{"id":"${ctx.pools.wabaIds[0]}","changes":[{"value":${value},"field":"${field}"}]}]}`;
  });
}

function inboundBody(ctx: RequestContext): fc.Arbitrary<{ body: RawBody; headers: Record<string, string> }> {
  return fc
    .tuple(
      fc.oneof(
        metaEvent(ctx),
        hostileJson.map((v) => JSON.stringify(v) ?? 'null'),
      ),
      fc.constantFrom('signed', 'signed', 'unsigned', 'bad signature'),
    )
    .map(([text, signing]) => {
      const bytes = Buffer.from(text);
      const headers: Record<string, string> = {};
      if (signing === 'signed')
        headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', ctx.appSecret).update(bytes).digest('hex')}`;
      if (signing === 'bad signature') headers['x-hub-signature-256'] = `sha256=${'0'.repeat(64)}`;
      return { body: { bytes, contentType: 'application/json', note: `${signing} Meta event` }, headers };
    });
}

/** The body for a JSON operation: valid-looking, damaged, hostile, expensive or truncated. */
function jsonBody(
  op: Operation,
  ctx: RequestContext,
  procedure: ProcedureFacts | undefined,
): fc.Arbitrary<{ body?: RawBody; truncateBy?: number }> {
  const schema = op.body?.schema ?? {};
  const fromSchema = valueForSchema(schema, ctx.doc, hintsFor(ctx.pools, procedure));
  const example = exampleBody(op, procedure, ctx.pools);
  const valid = example ? fc.oneof({ weight: 3, arbitrary: example }, { weight: 2, arbitrary: fromSchema }) : fromSchema;
  // Half the time unharmed: the valid requests are what get past validation to the code behind.
  const mutations = fc.oneof(fc.constant<Mutation[]>([]), fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }));
  const mutated = fc.tuple(valid, mutations).map(([value, mutations]) => ({
    body: {
      bytes: Buffer.from(JSON.stringify(applyMutations(value, mutations)) ?? 'null'),
      contentType: 'application/json',
      note: mutations.length ? `valid-looking body with ${mutations.map(describeMutation).join(', ')}` : 'valid-looking body',
    },
  }));
  const topLevel = Object.keys(schema.properties ?? {});
  const options: fc.WeightedArbitrary<{ body?: RawBody; truncateBy?: number }>[] = [
    { weight: 45, arbitrary: mutated },
    {
      weight: 12,
      arbitrary: hostileJson.map((v) => ({
        body: { bytes: Buffer.from(JSON.stringify(v) ?? 'null'), contentType: 'application/json', note: 'hostile JSON body' },
      })),
    },
    { weight: 15, arbitrary: valid.chain(damagedJson).map((body) => ({ body })) },
    { weight: 4, arbitrary: expensiveBody(topLevel, op.template.endsWith('/process/list')).map((body) => ({ body })) },
    {
      weight: 2,
      arbitrary: valid.map((v) => ({
        body: { bytes: Buffer.from(JSON.stringify(v) ?? '{}'), contentType: 'application/json', note: 'truncated upload' },
        truncateBy: 50,
      })),
    },
    { weight: 2, arbitrary: fc.constant({ body: undefined }) },
  ];
  if (op.body?.contentTypes.some((t) => t.includes('yaml'))) options.push({ weight: 8, arbitrary: hostileYaml.map((body) => ({ body })) });
  return fc.oneof(...options);
}

/** A body on an operation that takes none (GET, DELETE, POST …/cancel): usually nothing. */
const strayBody: fc.Arbitrary<{ body?: RawBody; truncateBy?: number }> = fc.oneof(
  { weight: 17, arbitrary: fc.constant({}) },
  {
    weight: 1,
    arbitrary: fc.constant({
      body: { bytes: Buffer.from('{"a":1}'), contentType: 'application/json', note: 'a body where none is taken' },
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(undefined, 'application/json', 'application/octet-stream').map((contentType) => ({
      body: { bytes: Buffer.alloc(2_000_000, 0x61), contentType, note: `a 2 MB body (${contentType ?? 'no Content-Type'})` },
    })),
  },
  {
    weight: 1,
    arbitrary: fc.constant({
      body: { bytes: Buffer.from('{"a":'), contentType: 'application/json', note: 'truncated upload' },
      truncateBy: 100,
    }),
  },
);

/** Queries that get past an operation's own checks: a signed link, Meta's handshake. */
function validQuery(op: Operation, ctx: RequestContext): fc.Arbitrary<string> | undefined {
  if (op.template === '/v1/photo-files/{photoId}' && ctx.pools.photoLinks.length)
    return fc.constantFrom(...ctx.pools.photoLinks.map((l) => l.query));
  if (op.template === '/v1/webhooks/whatsapp/{pluginId}' && op.method === 'GET') {
    return fc.nat().map((n) => `?hub.mode=subscribe&hub.verify_token=${encodeSegment(ctx.verifyToken)}&hub.challenge=${n}`);
  }
  return undefined;
}

/**
 * Every request the fuzzer may send to this operation: the procedure first (when the path has
 * one), so that the other ids, the state tasks and the body's attributes can be that procedure's.
 */
export function requestArbitrary(op: Operation, ctx: RequestContext): fc.Arbitrary<FuzzRequest> {
  const psParam = op.pathParams.find((p) => p.name === 'ps');
  const ps = psParam ? pathSegment(ctx.pools.procedures).map((s) => ({ ...s, name: 'ps' })) : fc.constant(undefined);
  const bodies = new Map<string, fc.Arbitrary<{ body?: RawBody; truncateBy?: number; headers?: Record<string, string> }>>();
  const bodyFor = (procedure: ProcedureFacts | undefined) => {
    const key = procedure?.shortId ?? '';
    if (!bodies.has(key)) bodies.set(key, operationBody(op, ctx, procedure));
    return bodies.get(key)!;
  };
  const valid = validQuery(op, ctx);
  const query = valid ? fc.oneof(valid, queryString(op.query)) : queryString(op.query);
  return ps.chain((psSegment) => {
    const procedure =
      psSegment && !psSegment.hostile
        ? procedureFacts(decodeURIComponent(psSegment.segment))
        : psParam
          ? undefined
          : procedureFacts('lead');
    const segments = op.pathParams
      .filter((p) => p.name !== 'ps')
      .map((p) => pathSegment(poolFor(op, p.name, ctx.pools, procedure)).map((s) => ({ ...s, name: p.name })));
    return fc
      .tuple(fc.tuple(...segments), query, authorization(ctx), extraHeaders, bodyFor(procedure))
      .map(([others, query, auth, headers, b]) => {
        const params = psSegment ? [psSegment, ...others] : others;
        let path = op.template;
        for (const p of params) path = path.replace(`{${p.name}}`, p.segment);
        const notes: string[] = [];
        const hostileParams = params.filter((p) => p.hostile).map((p) => p.name);
        if (hostileParams.length) notes.push(`hostile ${hostileParams.join(', ')}`);
        if (auth.note) notes.push(auth.note);
        if (b.body) notes.push(b.body.note);
        const allHeaders: Record<string, string> = { ...headers, ...(b.headers ?? {}) };
        if (auth.header) allHeaders.authorization = auth.header;
        if (b.body?.contentType !== undefined) allHeaders['content-type'] = b.body.contentType;
        return {
          operation: label(op),
          method: op.method,
          path: path + query,
          headers: allHeaders,
          body: b.body?.bytes,
          truncateBy: b.truncateBy,
          notes,
        };
      });
  });
}

function operationBody(
  op: Operation,
  ctx: RequestContext,
  procedure: ProcedureFacts | undefined,
): fc.Arbitrary<{ body?: RawBody; truncateBy?: number; headers?: Record<string, string> }> {
  const isInbound = op.template.startsWith('/v1/webhooks/whatsapp/') && op.method === 'POST';
  const fileField = op.template.includes('upload-public-media') ? 'file' : 'photo';
  if (isInbound) return inboundBody(ctx);
  if (op.multipart) {
    return fc.oneof(
      { weight: 9, arbitrary: uploadBody(fileField).map((b) => ({ body: b })) },
      {
        weight: 1,
        arbitrary: uploadBody(fileField).map((b) => ({ body: { ...b, note: `${b.note}, truncated upload` }, truncateBy: 200 })),
      },
    );
  }
  return op.body ? jsonBody(op, ctx, procedure) : strayBody;
}
