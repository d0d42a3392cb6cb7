// The recipient pages (#30) in one plugin scope, so their urlencoded form parser applies to them only.
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { confirmPages } from './confirm.ts';
import { acceptForms } from './forms.ts';
import { preferencePages } from './preferences.ts';
import { subscribePages } from './subscribe.ts';
import { unsubscribePages } from './unsubscribe.ts';

export function publicPages(deps: ApiDeps) {
  return async (app: FastifyInstance) => {
    acceptForms(app);
    subscribePages(app, deps);
    confirmPages(app, deps);
    preferencePages(app, deps);
    unsubscribePages(app, deps);
  };
}
