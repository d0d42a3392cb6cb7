// One attempt of one delivery: the signed POST to the endpoint (Standard Webhooks headers), or none
// when the endpoint was disabled or deleted meanwhile, classified into what it means for the delivery.
import type { Clock } from '../clock.ts';
import type { ClaimedDelivery } from './claim.ts';
import type { EndpointTarget } from './endpoint-targets.ts';
import type { WebhookHttp, WebhookHttpResult } from './http.ts';
import { type AttemptResult, classifyAttempt } from './record.ts';
import type { WebhookSettings } from './settings.ts';
import { webhookSignatureHeader } from './signing.ts';

const notSent = (error: string): WebhookHttpResult => ({
  statusCode: null,
  response: null,
  error,
  refused: false,
  retryAfterMs: null,
  durationMs: 0,
});

export async function attemptDelivery(
  http: WebhookHttp,
  deps: { clock: Clock; settings: WebhookSettings; userAgent: string },
  delivery: ClaimedDelivery,
  target: EndpointTarget | undefined,
): Promise<AttemptResult> {
  const startedAt = deps.clock.now();
  if (!target?.enabled) {
    const reason = target ? 'not sent: the endpoint is disabled' : 'not sent: the endpoint was deleted';
    return classifyAttempt(deps.settings, delivery, notSent(reason), startedAt, deps.clock.now(), {
      skipped: true,
    });
  }
  const timestamp = Math.floor(startedAt.getTime() / 1000);
  const requestHeaders = {
    'content-type': 'application/json',
    'user-agent': deps.userAgent,
    'webhook-id': delivery.msgId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': webhookSignatureHeader(target.keys, delivery.msgId, timestamp, delivery.body),
  };
  const result = await http.post(target.url, requestHeaders, delivery.body);
  // The headers are kept with the attempt (the delivery log shows them): signatures are not secrets.
  return classifyAttempt(deps.settings, delivery, result, startedAt, deps.clock.now(), {
    skipped: false,
    requestHeaders,
  });
}
