import { handleSnapshotCron } from '@/lib/api/cron';
import { preflight } from '@/lib/api/headers';

export const dynamic = 'force-dynamic';

export const GET = (request: Request) => handleSnapshotCron(request);
export const POST = (request: Request) => handleSnapshotCron(request);
export const OPTIONS = preflight('GET, POST, OPTIONS');
