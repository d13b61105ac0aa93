/**
 * The facade's types, checked by the compiler (`npm run typecheck` covers test/): methods answer
 * the document's types for their operation, never `any`, and request bodies refuse what the
 * schema refuses. vitest runs the file too, which only checks that it loads.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { type BackgroundJob, type ChakraClient, createClient, type operations, type ResponseData } from '../../sdk/src/index.ts';

type Resolved<F> = F extends (...args: any[]) => Promise<infer R> ? R : never;

describe('the facade’s types', () => {
  it('answers the operation’s types, not any', () => {
    expectTypeOf<Resolved<ChakraClient['processes']['get']>>().not.toBeAny();
    expectTypeOf<Resolved<ChakraClient['processes']['get']>>().toEqualTypeOf<ResponseData<'getProcess'>>();
    expectTypeOf<Resolved<ChakraClient['processes']['create']>>().toHaveProperty('createdAt').toEqualTypeOf<number>();
    expectTypeOf<Resolved<ChakraClient['processes']['list']>['meta']>().toHaveProperty('nextCursor').toEqualTypeOf<string | null>();
    expectTypeOf<Resolved<ChakraClient['jobs']['waitFor']>>().toEqualTypeOf<BackgroundJob>();
    expectTypeOf<BackgroundJob['completionStatus']>().toEqualTypeOf<'NOT_STARTED' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'CANCELLED'>();
    expectTypeOf<Resolved<ChakraClient['whatsapp']['media']['uploadPublic']>>().toHaveProperty('publicMediaUrl').toEqualTypeOf<string>();
    expectTypeOf<Resolved<ChakraClient['users']['get']>>().toHaveProperty('username').toEqualTypeOf<string>();
    expectTypeOf<Resolved<ChakraClient['webhooks']['create']>>().not.toBeAny();
    expectTypeOf<Resolved<ChakraClient['tasks']['create']>>().toEqualTypeOf<ResponseData<'createTask'>>();
  });

  it('refuses bodies and arguments the schema refuses (checked by tsc, never sent)', () => {
    const client = createClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'chk_' });
    const never = () => {
      // @ts-expect-error status is OPEN, COMPLETED or CANCELLED
      void client.processes.create('lead', { status: 'DONE' });
      // @ts-expect-error a procedure is named by a string
      void client.processes.get(7, 'id');
      // @ts-expect-error a template send needs its sending number
      void client.whatsapp.templateMessages.send({ pluginId: 'p', toPhoneNumber: '91', templateName: 't' });
      // @ts-expect-error listProcesses has no `page`
      void client.processes.list('lead', { page: 2 });
      // @ts-expect-error no such path in the document
      void client.raw.GET('/v1/ext/nothing-here');
    };
    expectTypeOf(never).toBeFunction();
    expectTypeOf<operations['createProcess']>().toHaveProperty('requestBody');
  });
});
