import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.ts';
import { resultOfAnswer, resultOfUnreachable } from './meta-outcome.ts';

/** Meta's error envelope, as the Graph API answers a send (`error_data` only on some codes). */
const metaError = (code: number, message: string, extra: Record<string, unknown> = {}) => ({
  error: { message, type: 'OAuthException', code, ...extra, fbtrace_id: 'AbCdEfGhIjKlMnOp' },
});
const details = (text: string) => ({ error_data: { messaging_product: 'whatsapp', details: text } });

describe('resultOfAnswer', () => {
  it('a 200 is sent, with the wamid Meta gives the message', () => {
    const body = {
      messaging_product: 'whatsapp',
      contacts: [{ input: '919900112233', wa_id: '919900112233' }],
      messages: [{ id: 'wamid.HBgMOTE5OTAwMTEyMjMzFQIAERgSQzVGQjM4RDc3RjBBNkE0RTIwAA==', message_status: 'accepted' }],
    };
    expect(resultOfAnswer({ status: 200, body })).toEqual({
      kind: 'sent',
      wamid: 'wamid.HBgMOTE5OTAwMTEyMjMzFQIAERgSQzVGQjM4RDc3RjBBNkE0RTIwAA==',
    });
  });

  it('a 2xx without a message id is still sent (nothing to retry), without a wamid', () => {
    expect(resultOfAnswer({ status: 200, body: { messaging_product: 'whatsapp' } })).toEqual({ kind: 'sent', wamid: null });
    expect(resultOfAnswer({ status: 201, body: null })).toEqual({ kind: 'sent', wamid: null });
  });

  it("the request's own fault fails for good, with Meta's code, the title without its (#code) prefix, and the details", () => {
    const body = metaError(
      131030,
      '(#131030) Recipient phone number not in allowed list',
      details('Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.'),
    );
    expect(resultOfAnswer({ status: 400, body })).toEqual({
      kind: 'failed',
      failure: {
        code: 131030,
        title: 'Recipient phone number not in allowed list',
        details: 'Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.',
      },
    });
    const params = metaError(
      132000,
      '(#132000) Number of parameters does not match the expected number of params',
      details('body: number of localizable_params (0) does not match the expected number of params (1)'),
    );
    expect(resultOfAnswer({ status: 400, body: params })).toMatchObject({
      kind: 'failed',
      failure: { code: 132000, title: 'Number of parameters does not match the expected number of params' },
    });
  });

  it("prefers Meta's user-facing title and message when it gives them", () => {
    const body = metaError(100, 'Invalid parameter', {
      error_subcode: 2494010,
      is_transient: false,
      error_user_title: 'Message failed to send',
      error_user_msg: 'The phone number is not a valid WhatsApp user.',
    });
    expect(resultOfAnswer({ status: 400, body }).kind).toBe('failed');
    expect(resultOfAnswer({ status: 400, body })).toMatchObject({
      failure: { code: 100, title: 'Message failed to send', details: 'The phone number is not a valid WhatsApp user.' },
    });
  });

  it("Meta's temporary errors are retried even under a 400: throughput, pair rate, app and WABA limits, unknown errors", () => {
    const temporary = [
      metaError(130429, '(#130429) Rate limit hit', details('Cloud API message throughput has been reached.')),
      metaError(
        131056,
        '(#131056) (Business Account, Consumer Account) pair rate limit hit',
        details(
          'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
        ),
      ),
      metaError(4, '(#4) Application request limit reached', { is_transient: true }),
      metaError(80007, '(#80007) Rate limit issues'),
      metaError(131000, '(#131000) Something went wrong', details('Something went wrong')),
      metaError(1, 'An unknown error has occurred.', { is_transient: true }),
      metaError(2, 'Service temporarily unavailable', { is_transient: true }),
    ];
    for (const body of temporary) expect(resultOfAnswer({ status: 400, body }).kind, body.error.message).toBe('retry');
    expect(resultOfAnswer({ status: 400, body: temporary[0] })).toEqual({
      kind: 'retry',
      failure: { code: 130429, title: 'Rate limit hit', details: 'Cloud API message throughput has been reached.' },
    });
  });

  it('a 5xx or a 429 is retried whatever the code, and without a body the title says what Meta answered', () => {
    expect(resultOfAnswer({ status: 500, body: metaError(131030, '(#131030) Recipient phone number not in allowed list') }).kind).toBe(
      'retry',
    );
    expect(resultOfAnswer({ status: 429, body: null })).toEqual({
      kind: 'retry',
      failure: { code: null, title: 'Graph API answered 429', details: null },
    });
    expect(resultOfAnswer({ status: 503, body: null })).toEqual({
      kind: 'retry',
      failure: { code: null, title: 'Graph API answered 503', details: null },
    });
  });

  it('a 4xx without an error object fails for good', () => {
    expect(resultOfAnswer({ status: 404, body: null })).toEqual({
      kind: 'failed',
      failure: { code: null, title: 'Graph API answered 404', details: null },
    });
  });
});

describe('resultOfUnreachable', () => {
  it('a timeout or an unreachable Graph API is retried, titled with what happened', () => {
    const timeout = new AppError('UPSTREAM_TIMEOUT', { timeoutMs: 10000 });
    expect(resultOfUnreachable(timeout)).toEqual({ kind: 'retry', failure: { code: null, title: timeout.message, details: null } });
    expect(resultOfUnreachable(new AppError('UPSTREAM_UNAVAILABLE', { reason: 'the Graph API could not be reached' })).kind).toBe('retry');
  });

  it('any other error is not an answer from Meta: it is thrown on', () => {
    const bug = new TypeError('x is undefined');
    expect(() => resultOfUnreachable(bug)).toThrow(bug);
    expect(() => resultOfUnreachable(new AppError('NOT_FOUND', { resource: 'WhatsApp plugin', id: 'p' }))).toThrow(AppError);
  });
});
