/**
 * The test suite's Meta double as a process of its own (PORT), so a benchmark's Meta costs the
 * server the same cross-process round trip a real one would. Holds one APPROVED template,
 * `order_notice` ("Order {{1}} is on its way"), in the demo WABA; records nothing.
 */
import { startMetaDouble } from '../test/helpers/meta-double.ts';

const double = await startMetaDouble(Number(process.env.PORT));
double.templates.set('83784929738012', [
  {
    id: '920001',
    name: 'order_notice',
    language: 'en',
    status: 'APPROVED',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Order {{1}} is on its way' }],
  },
]);
// A benchmark sends tens of thousands of messages: keep no record of them.
setInterval(() => (double.requests.length = 0), 1000).unref();
process.on('SIGTERM', () => void double.close().then(() => process.exit(0)));
