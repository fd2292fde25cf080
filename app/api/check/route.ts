import { routeMethods } from '@/lib/api/methods';
import { corsHeaders, NO_STORE, withHeaders } from '@/lib/api/headers';
import { getSql } from '@/lib/db/client';
import { errorResponse, HttpError, readJson } from '@/lib/http/http-error';
import { checkNode, checkNodeSchema, limitNodeChecks } from '@/lib/nodes/check';
import { getNodeProber } from '@/lib/nodes/prober';

export const dynamic = 'force-dynamic';

const ALLOW = 'POST, OPTIONS';

/**
 * POST /api/check {ip, port}: probes the address once from our vantage point (public, no sign-in,
 * rate-limited per client address and globally) → {reachable, ip, port, user_agent, …, known, node}.
 */
async function post(request: Request): Promise<Response> {
  let response: Response;
  try {
    const type = request.headers.get('content-type') ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type)) throw new HttpError(415, 'Unsupported media type', 'Send the body as Content-Type: application/json.');
    await limitNodeChecks(request);
    const input = await readJson(request, checkNodeSchema, 1024);
    response = Response.json(await checkNode(getSql(), input, { probe: getNodeProber() }));
  } catch (error) {
    response = errorResponse(error);
  }
  return withHeaders(response, { ...corsHeaders(ALLOW), 'Cache-Control': NO_STORE });
}

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: post });
