// client.policy: the workspace's validation policy (GET and PUT /v1/policy). A policy adds
// `policy_action` beside the engine's `action` on every result; it never changes a verdict.
import type { JobsTransport } from './jobs-types.ts';
import type { CallOptions, Policy, PolicyView, PosternPromise } from './types.ts';

export interface PolicyApi {
  /** `GET /v1/policy`: the stored policy (the default until one is saved; `updatedAt` null then). */
  get(options?: CallOptions): PosternPromise<PolicyView>;
  /**
   * `PUT /v1/policy`: replaces the policy whole (audited). Safe to retry: the same policy again
   * leaves the same state.
   */
  set(policy: Policy, options?: CallOptions): PosternPromise<PolicyView>;
}

export class Policies implements PolicyApi {
  readonly #t: Pick<JobsTransport, 'request' | 'withMeta'>;

  constructor(transport: Pick<JobsTransport, 'request' | 'withMeta'>) {
    this.#t = transport;
  }

  get(options?: CallOptions): PosternPromise<PolicyView> {
    return this.#t.withMeta(this.#t.request<PolicyView>({ method: 'GET', path: '/v1/policy' }, options));
  }

  set(policy: Policy, options?: CallOptions): PosternPromise<PolicyView> {
    if (typeof policy !== 'object' || policy === null || !Array.isArray(policy.rules)) {
      throw new TypeError('@postern/sdk: policy.set() takes { rules: [...], default }');
    }
    return this.#t.withMeta(
      this.#t.request<PolicyView>({ method: 'PUT', path: '/v1/policy', body: policy }, options),
    );
  }
}
