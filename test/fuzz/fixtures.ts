/**
 * The data the fuzzer works on, created through the API before the run:
 * - pools: real ids the generators put in paths and bodies, so requests get past the 404s
 *   (the fuzzer may change or delete these: that is the point);
 * - kept data: objects no generated request can name (another team's leads; demo tickets,
 *   a photo and a subscription whose ids are in no pool), read back after the run to show
 *   that nothing hostile reached data it should not have.
 */
import { randomUUID } from 'node:crypto';
import { makePng } from '../helpers/images.ts';
import { PLUGIN, PNID, WABA } from '../helpers/demo-whatsapp.ts';
import { call, type TestServer } from '../helpers/server.ts';
import { addTeamWithLeads } from '../helpers/teams.ts';

/** A process the fixtures created, by procedure. */
interface PoolProcess {
  procedure: string;
  id: string;
  pk?: string;
}

export interface Pools {
  teams: string[];
  procedures: string[];
  /** Processes any request may name: read, updated, given tasks. */
  processes: PoolProcess[];
  /** Processes only DELETE requests name, so that the others keep finding theirs. */
  victimProcesses: PoolProcess[];
  processIds: string[];
  pkShortIds: string[];
  pkValues: string[];
  stateTasks: string[];
  userIds: string[];
  usernames: string[];
  /** Keys the fuzzer may revoke: never its own. */
  apiKeyIds: string[];
  jobIds: string[];
  webhookIds: string[];
  /** Subscriptions only DELETE requests name. */
  victimWebhookIds: string[];
  deliveryIds: string[];
  photoIds: string[];
  /** `?expires=…&signature=…` of a photo's signed link, by photo id. */
  photoLinks: { photoId: string; query: string }[];
  pluginIds: string[];
  versions: string[];
  wabaIds: string[];
  phoneNumberIds: string[];
  templateIds: string[];
  chatIds: string[];
  phones: string[];
  publicMedia: { team: string; date: string; name: string }[];
  attributes: string[];
  states: string[];
}

export interface KeptObject {
  label: string;
  key: string;
  path: string;
  /** The `_data` fields that must read back unchanged. */
  expected: Record<string, unknown>;
}

export interface Fixtures {
  pools: Pools;
  kept: KeptObject[];
  /** A key of the demo team's `inside_sales` role: fewer privileges, for the 403 paths. */
  limitedKey: string;
}

function must(res: { status: number; text: string }, what: string) {
  if (res.status !== 200) throw new Error(`fixture ${what}: ${res.status} ${res.text.slice(0, 300)}`);
  return JSON.parse(res.text);
}

function multipart(field: string, file: Buffer, filename: string) {
  const boundary = `fixture${randomUUID()}`;
  const raw = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { raw, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export async function createFixtures(s: TestServer, key: string): Promise<Fixtures> {
  const api = (method: string, path: string, body?: unknown) => call(s.url, method, path, { key, body });
  const pools: Pools = {
    teams: ['demo'],
    procedures: ['lead', 'ticket', 'fieldvisit'],
    processes: [],
    victimProcesses: [],
    processIds: [],
    pkShortIds: ['lead_id', 'ticket_no'],
    pkValues: [],
    stateTasks: ['call', 'meeting', 'reply'],
    userIds: [],
    usernames: ['john@paisapay.com', 'alex@paisapay.com'],
    apiKeyIds: [],
    jobIds: [],
    webhookIds: [],
    victimWebhookIds: [],
    deliveryIds: [],
    photoIds: [],
    photoLinks: [],
    pluginIds: [PLUGIN],
    versions: ['v22.0'],
    wabaIds: [WABA],
    phoneNumberIds: [PNID],
    templateIds: [],
    chatIds: [],
    phones: ['919900112233', '+91 99001 12234'],
    publicMedia: [],
    attributes: [
      'lead_id',
      'firstname',
      'lastname',
      'score',
      'email',
      'phone_number',
      'source',
      'budget',
      'interested_in',
      'photo',
      'follow_up_on',
      'address',
      'subject',
      'priority',
    ],
    states: ['NEW', 'CONTACTED', 'QUALIFIED', 'CONVERTED', 'LOST', 'OPEN', 'RESOLVED'],
  };

  // Subscriptions first, so that every process created below leaves a delivery to replay.
  for (let i = 0; i < 2; i++) {
    const sub = must(
      await api('POST', '/v1/ext/webhooks', { url: `http://127.0.0.1:9/fuzz-${i}`, events: ['process.created', 'process.updated'] }),
      'webhook',
    );
    pools.webhookIds.push(sub._data.id);
  }
  for (let i = 0; i < 3; i++) {
    const sub = must(
      await api('POST', '/v1/ext/webhooks', { url: `http://127.0.0.1:9/victim-${i}`, events: ['process.deleted'] }),
      'victim webhook',
    );
    pools.victimWebhookIds.push(sub._data.id);
  }
  const keptSub = must(
    await api('POST', '/v1/ext/webhooks', { url: 'http://127.0.0.1:9/kept', events: ['task.created'], description: 'kept' }),
    'kept webhook',
  );

  for (let i = 1; i <= 6; i++) {
    const lead = must(
      await api('POST', '/v1/ext/procedure/lead/process', {
        data: { lead_id: `FZ-${i}`, firstname: `Fuzz ${i}`, score: i * 10, source: 'web', phone_number: `9199001122${30 + i}` },
        ...(i > 3 ? { record: { data: { phone_number: `9199001122${30 + i}`, city: 'Pune' } } } : {}),
      }),
      'lead',
    );
    pools.processes.push({ procedure: 'lead', id: lead._data.id, pk: `FZ-${i}` });
  }
  for (let i = 1; i <= 2; i++) {
    const ticket = must(
      await api('POST', '/v1/ext/procedure/ticket/process', { data: { ticket_no: `FZ-T${i}`, subject: 'fuzz' } }),
      'ticket',
    );
    pools.processes.push({ procedure: 'ticket', id: ticket._data.id, pk: `FZ-T${i}` });
  }
  const visit = must(await api('POST', '/v1/ext/procedure/fieldvisit/process', { data: { notes: 'fuzz' } }), 'field visit');
  pools.processes.push({ procedure: 'fieldvisit', id: visit._data.id });
  for (let i = 1; i <= 6; i++) {
    const [procedure, key] = i % 2 ? ['lead', 'lead_id'] : ['ticket', 'ticket_no'];
    const victim = must(
      await api('POST', `/v1/ext/procedure/${procedure}/process`, {
        data: { [key]: `FZ-V${i}`, ...(procedure === 'ticket' ? { subject: 'victim' } : {}) },
      }),
      'victim process',
    );
    pools.victimProcesses.push({ procedure, id: victim._data.id, pk: `FZ-V${i}` });
  }
  pools.processIds.push(...pools.processes.map((p) => p.id));
  pools.pkValues.push(...pools.processes.flatMap((p) => (p.pk ? [p.pk] : [])));

  // A primary key at the documented limit (1,000 characters) must stay addressable in a path.
  const longKey = `L${'k'.repeat(999)}`;
  const long = await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: longKey, firstname: 'Long key' } });
  if (long.status === 200) {
    pools.processes.push({ procedure: 'lead', id: long.json._data.id, pk: longKey });
    pools.pkValues.push(longKey);
  }

  const job = must(
    await api('POST', '/v1/ext/procedure/lead/process/bulk-create', [
      { data: { lead_id: 'FZ-B1' } },
      { data: { lead_id: 'FZ-B2' } },
      { data: { score: 'x' } },
    ]),
    'bulk job',
  );
  pools.jobIds.push(job._data.id);

  for (let i = 0; i < 2; i++) {
    const id = randomUUID();
    const { raw, headers } = multipart('photo', makePng(3, 3, 40 * i), `fuzz-${i}.png`);
    must(await call(s.url, 'POST', `/v1/ext/photo/${id}`, { key, raw, headers }), 'photo');
    pools.photoIds.push(id);
    const photo = must(await api('GET', `/v1/ext/photo/${id}`), 'photo link');
    const link = new URL(photo._data.url);
    pools.photoLinks.push({ photoId: id, query: link.search });
  }

  for (let i = 0; i < 2; i++) {
    const created = must(await api('POST', '/v1/admin/teams/demo/api-keys', { name: `fuzz-victim-${i}`, role: 'inside_sales' }), 'api key');
    pools.apiKeyIds.push(created._data.id);
  }
  const limited = must(await api('POST', '/v1/admin/teams/demo/api-keys', { name: 'fuzz-limited', role: 'inside_sales' }), 'limited key');

  const users = must(await api('GET', '/v1/ext/users'), 'users');
  pools.userIds.push(...users._data.map((u: { id: string }) => u.id));

  for (const sub of pools.webhookIds) {
    const deliveries = must(await api('GET', `/v1/ext/webhooks/${sub}/deliveries`), 'deliveries');
    pools.deliveryIds.push(...deliveries._data.slice(0, 3).map((d: { id: string }) => d.id));
  }

  // The sandbox stands in for Meta: its templates give template ids, a sent text gives a chat.
  const templates = await api('GET', `/v1/ext/plugin/whatsapp/api/v22.0/${WABA}/message_templates`);
  if (templates.status === 200)
    pools.templateIds.push(...(templates.json?.data ?? []).slice(0, 3).map((t: { id: string }) => String(t.id)));
  await api('POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/api/v22.0/${PNID}/messages`, {
    messaging_product: 'whatsapp',
    to: '919900112233',
    type: 'text',
    text: { body: 'fuzz' },
  });
  const chats = await api('POST', '/v1/ext/chat', {});
  if (chats.status === 200) pools.chatIds.push(...chats.json._data.map((c: { id: string }) => c.id));

  const media = multipart('file', makePng(2, 2), 'fuzz.png');
  const uploaded = await call(s.url, 'POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/upload-public-media`, {
    key,
    raw: media.raw,
    headers: media.headers,
  });
  const url = uploaded.json?._data?.publicMediaUrl as string | undefined;
  const parts = url && /\/public-media\/([^/]+)\/([^/]+)\/([^/?]+)$/.exec(url);
  if (parts) pools.publicMedia.push({ team: parts[1], date: parts[2], name: parts[3] });

  // Kept data: nothing in the pools names it.
  const kept: KeptObject[] = [];
  const otherKey = await addTeamWithLeads(s, 'fuzzkeep');
  for (let i = 1; i <= 2; i++) {
    const other = must(
      await call(s.url, 'POST', '/v1/ext/procedure/lead/process', { key: otherKey, body: { data: { lead_id: `FZ-${i}` } } }),
      'other team lead',
    );
    kept.push({
      label: `team fuzzkeep lead FZ-${i}`,
      key: otherKey,
      path: `/v1/ext/procedure/lead/process/${other._data.id}`,
      expected: { id: other._data.id, data: other._data.data, state: other._data.state, isDeleted: false },
    });
  }
  for (let i = 1; i <= 2; i++) {
    const t = must(
      await api('POST', '/v1/ext/procedure/ticket/process', {
        data: { ticket_no: `KEEP-${randomUUID()}`, subject: `kept ${i}`, priority: 2 },
      }),
      'kept ticket',
    );
    kept.push({
      label: `demo ticket ${t._data.data.ticket_no}`,
      key,
      path: `/v1/ext/procedure/ticket/process/${t._data.id}`,
      expected: { id: t._data.id, data: t._data.data, state: t._data.state, status: t._data.status, isDeleted: false },
    });
  }
  const keptPhoto = randomUUID();
  const photo = multipart('photo', makePng(4, 4), 'kept.png');
  const photoRes = must(
    await call(s.url, 'POST', `/v1/ext/photo/${keptPhoto}`, { key, raw: photo.raw, headers: photo.headers }),
    'kept photo',
  );
  kept.push({
    label: 'kept photo',
    key,
    path: `/v1/ext/photo/${keptPhoto}`,
    expected: { id: keptPhoto, width: 4, height: 4, filename: photoRes._data.filename },
  });
  kept.push({
    label: 'kept webhook subscription',
    key,
    path: `/v1/ext/webhooks/${keptSub._data.id}`,
    expected: { id: keptSub._data.id, url: keptSub._data.url, events: keptSub._data.events, description: 'kept' },
  });

  return { pools, kept, limitedKey: limited._data.key };
}

/** Reads every kept object back; returns one line per difference (none: intact). */
export async function checkKeptData(s: TestServer, kept: KeptObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const k of kept) {
    const res = await call(s.url, 'GET', k.path, { key: k.key });
    if (res.status !== 200) {
      problems.push(`${k.label}: GET ${k.path} answered ${res.status} ${res.text.slice(0, 200)}`);
      continue;
    }
    for (const [field, value] of Object.entries(k.expected)) {
      const actual = res.json._data[field];
      if (JSON.stringify(actual) !== JSON.stringify(value))
        problems.push(`${k.label}: ${field} is ${JSON.stringify(actual)}, was ${JSON.stringify(value)}`);
    }
  }
  return problems;
}
