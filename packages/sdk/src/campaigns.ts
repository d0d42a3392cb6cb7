// client.campaigns: /v1/campaigns — drafts, listing (an async iterable fetching a page at a time, like
// `contacts.list`), the state changes and the metrics. Creating carries an Idempotency-Key (one per call
// unless given) so retries never make two drafts; the state changes are retried only when the request
// surely did not reach the API (a repeat of a move that happened would be refused as CONFLICT).
import type {
  Campaign,
  CampaignInput,
  CampaignMetrics,
  CampaignPage,
  CampaignSummary,
  CampaignsApi,
  ListCampaignsOptions,
  MetricsOptions,
  ScheduleOptions,
} from './campaigns-types.ts';
import type { CreateOptions } from './contacts-types.ts';
import { callOptions, checkIdempotencyKey, checkInteger, invalid, query } from './jobs-checks.ts';
import type { JobsTransport } from './jobs-types.ts';
import type { CallOptions, PosternPromise } from './types.ts';

type Transport = Pick<JobsTransport, 'request' | 'withMeta'>;

const STATUSES: readonly string[] = [
  'draft',
  'scheduled',
  'sending',
  'paused',
  'sent',
  'cancelled',
  'failed',
];

function path(id: unknown, method: string, rest = ''): string {
  if (typeof id !== 'string' || id.trim() === '')
    throw invalid(`campaigns.${method}() takes the id as a non-empty string`);
  return `/v1/campaigns/${encodeURIComponent(id)}${rest}`;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value !== undefined && typeof value !== 'string') throw invalid(`${name} must be a string`);
  return value as string | undefined;
}

export class Campaigns implements CampaignsApi {
  readonly #t: Transport;

  constructor(transport: Transport) {
    this.#t = transport;
  }

  #listPath(options: ListCampaignsOptions, method: string, cursor: string | undefined): string {
    const limit = checkInteger(options.limit, `campaigns.${method}(): limit`, 1, 200);
    const status = options.status;
    if (status !== undefined && !STATUSES.includes(status))
      throw invalid(
        `campaigns.${method}(): status must be one of ${STATUSES.join(', ')} (got ${String(status)})`,
      );
    const after = optionalString(cursor, `campaigns.${method}(): cursor`);
    return `/v1/campaigns${query({ status, cursor: after, limit })}`;
  }

  list(options: ListCampaignsOptions = {}): AsyncIterable<CampaignSummary> {
    this.#listPath(options, 'list', options.cursor);
    const t = this.#t;
    const call = callOptions(options);
    const pathFor = (cursor: string | undefined) => this.#listPath(options, 'list', cursor);
    return {
      async *[Symbol.asyncIterator]() {
        let cursor = options.cursor;
        do {
          const { data } = await t.request<CampaignPage>({ method: 'GET', path: pathFor(cursor) }, call);
          yield* data.campaigns;
          cursor = data.nextCursor ?? undefined;
        } while (cursor !== undefined);
      },
    };
  }

  listPage(options: ListCampaignsOptions = {}): PosternPromise<CampaignPage> {
    const target = this.#listPath(options, 'listPage', options.cursor);
    return this.#t.withMeta(
      this.#t.request<CampaignPage>({ method: 'GET', path: target }, callOptions(options)),
    );
  }

  create(campaign: CampaignInput, options: CreateOptions = {}): PosternPromise<Campaign> {
    if (typeof campaign !== 'object' || campaign === null || Array.isArray(campaign))
      throw invalid('campaigns.create() takes { name, subject?, htmlBody?, mailboxId?, listId?, … }');
    const { idempotencyKey, ...rest } = options;
    return this.#t.withMeta(
      this.#t.request<Campaign>(
        {
          method: 'POST',
          path: '/v1/campaigns',
          body: campaign,
          headers: { 'idempotency-key': checkIdempotencyKey(idempotencyKey) },
        },
        callOptions(rest),
      ),
    );
  }

  get(id: string, options: CallOptions = {}): PosternPromise<Campaign> {
    return this.#t.withMeta(
      this.#t.request<Campaign>({ method: 'GET', path: path(id, 'get') }, callOptions(options)),
    );
  }

  schedule(id: string, options: ScheduleOptions = {}): PosternPromise<Campaign> {
    const { at, timeZone, acknowledgeWarnings, ...call } = options;
    const body = {
      ...(optionalString(at, 'campaigns.schedule(): at') === undefined ? {} : { at }),
      ...(optionalString(timeZone, 'campaigns.schedule(): timeZone') === undefined ? {} : { timeZone }),
      ...(acknowledgeWarnings === undefined ? {} : { acknowledgeWarnings: acknowledgeWarnings === true }),
    };
    return this.#move(path(id, 'schedule', '/schedule'), body, call);
  }

  pause(id: string, options: CallOptions = {}): PosternPromise<Campaign> {
    return this.#move(path(id, 'pause', '/pause'), undefined, options);
  }

  resume(id: string, options: CallOptions = {}): PosternPromise<Campaign> {
    return this.#move(path(id, 'resume', '/resume'), undefined, options);
  }

  cancel(id: string, options: CallOptions = {}): PosternPromise<Campaign> {
    return this.#move(path(id, 'cancel', '/cancel'), undefined, options);
  }

  metrics(id: string, options: MetricsOptions = {}): PosternPromise<CampaignMetrics> {
    const { bucket, timeZone, ...call } = options;
    if (bucket !== undefined && bucket !== 'hour' && bucket !== 'day')
      throw invalid(`campaigns.metrics(): bucket must be hour or day (got ${String(bucket)})`);
    const target = path(
      id,
      'metrics',
      `/metrics${query({ bucket, timeZone: optionalString(timeZone, 'campaigns.metrics(): timeZone') })}`,
    );
    return this.#t.withMeta(
      this.#t.request<CampaignMetrics>({ method: 'GET', path: target }, callOptions(call)),
    );
  }

  /** A state change: retried only when the request surely did not reach the API. */
  #move(target: string, body: unknown, options: CallOptions): PosternPromise<Campaign> {
    return this.#t.withMeta(
      this.#t.request<Campaign>(
        { method: 'POST', path: target, ...(body === undefined ? {} : { body }), retries: 'unsent' },
        callOptions(options),
      ),
    );
  }
}
