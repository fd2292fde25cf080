import { handleSnapshotCron, handleSnapshotInfo } from '@/lib/api/cron';
import { preflight } from '@/lib/api/headers';

export const dynamic = 'force-dynamic';

/** The newest snapshot's time and counts; needs no secret and never takes a snapshot. */
export const GET = () => handleSnapshotInfo();
/** Takes a snapshot now (Authorization: Bearer $CRON_SECRET). */
export const POST = (request: Request) => handleSnapshotCron(request);
export const OPTIONS = preflight('GET, POST, OPTIONS');
