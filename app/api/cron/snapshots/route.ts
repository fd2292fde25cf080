import { handleSnapshotCron, handleSnapshotInfo } from '@/lib/api/cron';
import { routeMethods } from '@/lib/api/methods';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  /** The newest snapshot's time and counts; needs no secret and never takes a snapshot. */
  GET: () => handleSnapshotInfo(),
  /** Takes a snapshot now (Authorization: Bearer $CRON_SECRET). */
  POST: (request: Request) => handleSnapshotCron(request),
});
