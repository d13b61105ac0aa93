/**
 * `client.whatsapp.calling`: Meta's Calling API passed through (docs/whatsapp.md#calling), with
 * the method names and parameter shapes of ChakraHQ's chat SDK (`calling.getSettings`,
 * `updateSettings`, `getPermissions`, `connect`, `preAccept`, `accept`, `reject`, `terminate`),
 * so code moves between the two. Answers are Meta's JSON as Meta gave it. No WebRTC here: bring
 * the SDP offer or answer from your own peer connection.
 */
import { body, init, type RawClient } from '../call.ts';
import type { RequestBody, RequestOptions } from '../types.ts';

type CallAction = RequestBody<'sendCallAction'>;
type Session = NonNullable<CallAction['session']>;

export interface CallingBaseParams {
  /** Graph API version, e.g. `v23.0`. */
  whatsappApiVersion: string;
  /** One of the team's WhatsApp phone number ids. */
  whatsappPhoneNumberId: string;
}

export interface ConnectCallParams extends CallingBaseParams {
  /** The customer, digits with country code (or give `recipient`). */
  to?: string;
  /** The business-scoped user id, instead of `to`. */
  recipient?: string;
  /** The SDP offer of your WebRTC peer connection. */
  session: Session;
  bizOpaqueCallbackData?: string;
  recording?: CallAction['recording'];
  transcription?: CallAction['transcription'];
}

export interface SessionCallParams extends CallingBaseParams {
  callId: string;
  /** Your SDP answer to the customer's offer. */
  session: Session;
  bizOpaqueCallbackData?: string;
  recording?: CallAction['recording'];
  transcription?: CallAction['transcription'];
}

export interface CallIdParams extends CallingBaseParams {
  callId: string;
  bizOpaqueCallbackData?: string;
}

/** Meta's answer to a call action: `{messaging_product, success}`, or `{messaging_product, calls: [{id}]}` for `connect`. */
export interface CallActionAnswer {
  messaging_product?: string;
  success?: boolean;
  calls?: { id: string }[];
  [key: string]: unknown;
}

export function callingResource(raw: RawClient) {
  const path = (p: CallingBaseParams) => ({ ver: p.whatsappApiVersion, pnid: p.whatsappPhoneNumberId });
  const act = (p: CallingBaseParams, action: CallAction, options?: RequestOptions): Promise<CallActionAnswer> =>
    body(raw.POST('/v1/whatsapp/{ver}/{pnid}/calls', { params: { path: path(p) }, body: action, ...init(options) }));

  return {
    getSettings: (p: CallingBaseParams & { includeSipCredentials?: boolean }, options?: RequestOptions): Promise<Record<string, any>> =>
      body(
        raw.GET('/v1/whatsapp/{ver}/{pnid}/settings', {
          params: { path: path(p), query: p.includeSipCredentials ? { include_sip_credentials: 'true' } : {} },
          ...init(options),
        }),
      ),
    updateSettings: (
      p: CallingBaseParams & { settings: RequestBody<'updateCallingSettings'> },
      options?: RequestOptions,
    ): Promise<{ success?: boolean }> =>
      body(raw.POST('/v1/whatsapp/{ver}/{pnid}/settings', { params: { path: path(p) }, body: p.settings, ...init(options) })),
    getPermissions: (
      p: CallingBaseParams & { userWaId?: string; recipient?: string },
      options?: RequestOptions,
    ): Promise<Record<string, any>> =>
      body(
        raw.GET('/v1/whatsapp/{ver}/{pnid}/call_permissions', {
          params: { path: path(p), query: { user_wa_id: p.userWaId, recipient: p.recipient } },
          ...init(options),
        }),
      ),
    connect: (p: ConnectCallParams, options?: RequestOptions) =>
      act(
        p,
        {
          messaging_product: 'whatsapp',
          action: 'connect',
          to: p.to,
          recipient: p.recipient,
          session: p.session,
          biz_opaque_callback_data: p.bizOpaqueCallbackData,
          recording: p.recording,
          transcription: p.transcription,
        },
        options,
      ),
    preAccept: (p: SessionCallParams, options?: RequestOptions) => act(p, sessionAction('pre_accept', p), options),
    accept: (p: SessionCallParams, options?: RequestOptions) => act(p, sessionAction('accept', p), options),
    reject: (p: CallIdParams, options?: RequestOptions) =>
      act(
        p,
        { messaging_product: 'whatsapp', action: 'reject', call_id: p.callId, biz_opaque_callback_data: p.bizOpaqueCallbackData },
        options,
      ),
    terminate: (p: CallIdParams, options?: RequestOptions) =>
      act(
        p,
        { messaging_product: 'whatsapp', action: 'terminate', call_id: p.callId, biz_opaque_callback_data: p.bizOpaqueCallbackData },
        options,
      ),
  };
}

function sessionAction(action: 'pre_accept' | 'accept', p: SessionCallParams): CallAction {
  return {
    messaging_product: 'whatsapp',
    action,
    call_id: p.callId,
    session: p.session,
    biz_opaque_callback_data: p.bizOpaqueCallbackData,
    recording: p.recording,
    transcription: p.transcription,
  };
}
