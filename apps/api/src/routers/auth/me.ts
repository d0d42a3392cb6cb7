import { ZUser } from '@postern/contracts';
import { toUserDto } from '@postern/core';
import { authedProcedure } from '../../trpc.ts';

export const me = authedProcedure.output(ZUser).query(({ ctx }) => toUserDto(ctx.user));
