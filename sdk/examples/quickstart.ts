/**
 * The typed client against a running server with the demo workspace (docs/sdk.md):
 *
 *   BASE_URL=http://127.0.0.1:3000 API_KEY=chk_… node --import tsx sdk/examples/quickstart.ts
 *
 * Creates a lead, updates it by its primary key, logs a call on it, lists the qualified leads
 * page by page, and shows what a refused request looks like. `test/sdk/quickstart.test.ts` runs
 * it and checks what it prints.
 */
import { ChakraApiError, createClient } from '@chakra-server/sdk';

const client = createClient({
  baseUrl: process.env.BASE_URL ?? 'http://127.0.0.1:3000',
  apiKey: process.env.API_KEY ?? '',
});

// A fresh primary key per run, so the example can run twice against one server.
const leadId = `LEAD-${Date.now().toString(36).toUpperCase()}`;

const lead = await client.processes.create('lead', {
  data: { lead_id: leadId, firstname: 'Ted', lastname: 'Mosby', score: 5 },
  record: { data: { phone_number: '7701214822', email: 'ted.mosby@yahoo.com' } },
  state: 'CONTACTED',
});
console.log(`created ${lead.data.lead_id} in ${lead.state}`);

const updated = await client.processes.updateByPrimaryKey('lead', 'lead_id', leadId, { data: { score: 8 }, state: 'QUALIFIED' });
console.log(`updated ${updated.data.lead_id}: score ${updated.data.score}, ${updated.state}`);

const task = await client.tasks.create('lead', leadId, 'call', {
  data: { primary_disposition: 'interested', remarks: 'wants a card' },
  status: 'COMPLETED',
});
console.log(`logged a call on ${leadId}: ${task.status}`);

// Every qualified lead with a score of at least 5, two per request, following the cursor.
let count = 0;
for await (const qualified of client.processes.iterate('lead', { where: { state: 'QUALIFIED', score: { '>=': 5 } }, limit: 2 })) {
  if (qualified.data.lead_id === leadId) console.log(`found ${leadId} while listing`);
  count++;
}
console.log(`listed ${count} qualified lead(s)`);

try {
  await client.processes.create('lead', { data: { lead_id: leadId } });
} catch (error) {
  if (!(error instanceof ChakraApiError)) throw error;
  console.log(`refused: ${error.status} ${error.code} ${error.errors[0]}`);
}
