import { authenticate } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { route } from '@/lib/http/http-error';
import { avatarResponse } from '@/lib/profiles/avatar-serve';

export const dynamic = 'force-dynamic';

/** GET /api/avatars/{sha256}.png: an operator avatar (PNG); pending ones only for their uploader and admins. */
const getHandler = route<{ params: Promise<{ file: string }> }>(async (request, { params }) => {
  const sql = getSql();
  const { file } = await params;
  return avatarResponse(sql, typeof file === 'string' ? file : '', async () => {
    try {
      const { profile } = await authenticate(request, { sql });
      return { id: profile.id, role: profile.role };
    } catch {
      return null;
    }
  });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler });
