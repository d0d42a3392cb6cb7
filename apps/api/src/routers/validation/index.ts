// The single check from the dashboard. Nothing about the address is stored (see core/validation).
import { ZCheckAddressRequest, ZValidationResult } from '@postern/contracts';
import { checkAddress } from '@postern/core';
import { router, workspaceProcedure } from '../../trpc.ts';

export const validationRouter = router({
  check: workspaceProcedure
    .meta({ permission: 'validation.use' })
    .input(ZCheckAddressRequest)
    .output(ZValidationResult)
    .mutation(({ ctx, input }) =>
      checkAddress(
        { engine: ctx.deps.engine, kv: ctx.deps.kv, secret: ctx.deps.config.secret, clock: ctx.deps.clock },
        input.email,
        input.depth,
      ),
    ),
});
