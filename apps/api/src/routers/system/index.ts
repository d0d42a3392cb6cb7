import { router } from '../../trpc.ts';
import { health } from './health.ts';

export const systemRouter = router({ health });
