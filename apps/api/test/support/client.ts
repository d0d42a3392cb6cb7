// A browser-like test client over fastify's inject: keeps cookies and sends the CSRF header on
// mutations, as the dashboard does.
import { AUTH_COOKIES, CSRF_HEADER, HOST_COOKIE_PREFIX } from '@postern/contracts';
import type { FastifyInstance } from 'fastify';

interface CallResult<T> {
  status: number;
  data?: T;
  error?: { message: string; data: { code: string; details?: Record<string, unknown>; httpStatus: number } };
  headers: Record<string, string | string[] | undefined>;
}

/** A browser-like client: keeps cookies, sends the CSRF header on mutations. */
export class Client {
  cookies = new Map<string, string>();
  app: FastifyInstance;
  userAgent: string;
  ip: string;

  constructor(app: FastifyInstance, options: { userAgent?: string; ip?: string } = {}) {
    this.app = app;
    this.userAgent =
      options.userAgent ??
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
    this.ip = options.ip ?? '127.0.0.1';
  }

  /** The same cookies, talking to another API process. */
  on(app: FastifyInstance): Client {
    const other = new Client(app, { userAgent: this.userAgent, ip: this.ip });
    other.cookies = this.cookies;
    return other;
  }

  /** The CSRF cookie's value, under its http name or its `__Host-` name (https deployments). */
  csrfToken(): string | undefined {
    return (
      this.cookies.get(AUTH_COOKIES.csrf) ?? this.cookies.get(`${HOST_COOKIE_PREFIX}${AUTH_COOKIES.csrf}`)
    );
  }

  #cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  #absorb(setCookie: string | string[] | undefined) {
    for (const line of [setCookie ?? []].flat()) {
      const [pair, ...attrs] = line.split(';');
      const [name, ...rest] = (pair ?? '').split('=');
      if (!name) continue;
      const value = rest.join('=');
      const expired = attrs.some((a) => /max-age=0|expires=thu, 01 jan 1970/i.test(a.trim()));
      if (!value || expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
  }

  async query<T = unknown>(path: string, input?: unknown): Promise<CallResult<T>> {
    const url =
      input === undefined
        ? `/trpc/${path}`
        : `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
    const res = await this.app.inject({
      method: 'GET',
      url,
      headers: { cookie: this.#cookieHeader(), 'user-agent': this.userAgent },
      remoteAddress: this.ip,
    });
    return this.#result<T>(res);
  }

  async mutate<T = unknown>(
    path: string,
    input?: unknown,
    options: { csrf?: string | null; origin?: string; ip?: string } = {},
  ): Promise<CallResult<T>> {
    if (!this.csrfToken()) await this.query('system.health');
    const csrf = options.csrf === undefined ? this.csrfToken() : options.csrf;
    const res = await this.app.inject({
      method: 'POST',
      url: `/trpc/${path}`,
      headers: {
        cookie: this.#cookieHeader(),
        'user-agent': this.userAgent,
        'content-type': 'application/json',
        ...(csrf ? { [CSRF_HEADER]: csrf } : {}),
        ...(options.origin ? { origin: options.origin } : {}),
      },
      remoteAddress: options.ip ?? this.ip,
      payload: input === undefined ? '' : JSON.stringify(input),
    });
    return this.#result<T>(res);
  }

  #result<T>(res: Awaited<ReturnType<FastifyInstance['inject']>>): CallResult<T> {
    this.#absorb(res.headers['set-cookie']);
    const body = res.json() as { result?: { data: T }; error?: CallResult<T>['error'] };
    return {
      status: res.statusCode,
      data: body.result?.data,
      error: body.error,
      headers: res.headers as CallResult<T>['headers'],
    };
  }
}
