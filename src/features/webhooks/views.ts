/** Subscriptions and deliveries as the API shows them. */
import type { Static } from '@sinclair/typebox';
import type { DeliveryOut, SubscriptionOut } from './schemas.ts';
import type { DeliveryRow, SubscriptionRow } from './subscriptions-repo.ts';

const epoch = (d: Date | null) => (d ? d.getTime() : null);

export function toSubscriptionView(s: SubscriptionRow): Static<typeof SubscriptionOut> {
  return {
    id: s.id,
    url: s.url,
    events: s.events,
    description: s.description,
    enabled: s.enabled,
    failingSince: epoch(s.failing_since),
    disabledAt: epoch(s.disabled_at),
    disabledReason: s.disabled_reason,
    createdAt: s.created_at.getTime(),
    updatedAt: s.updated_at.getTime(),
  };
}

export function toDeliveryView(d: DeliveryRow): Static<typeof DeliveryOut> {
  let payload: unknown;
  try {
    payload = JSON.parse(d.body);
  } catch {
    payload = d.body;
  }
  return {
    id: d.id,
    subscriptionId: d.subscription_id,
    destination: d.destination,
    event: d.event,
    state: d.state,
    attempts: d.attempts,
    createdAt: d.created_at.getTime(),
    nextAttemptAt: d.state === 'PENDING' ? d.next_attempt_at.getTime() : null,
    finishedAt: epoch(d.finished_at),
    lastStatusCode: d.last_attempt_status,
    lastError: d.last_error,
    payload,
    attemptLog: d.attempt_log.map((a) => ({
      attempt: a.attempt,
      startedAt: new Date(a.started_at).getTime(),
      durationMs: a.duration_ms,
      statusCode: a.status_code,
      error: a.error,
      responseExcerpt: a.response_excerpt,
    })),
  };
}
