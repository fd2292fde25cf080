import { z } from 'zod';
import { clientBucket, clientIp, socketStamp } from '../http/client-ip';
import {
  API_KEY_REJECTIONS,
  ApiKeyUsageRecorder,
  extractApiKey,
  hasScope,
  verifyApiKey,
  type ApiScope,
  type VerifiedApiKey,
} from '../auth/api-keys';
import { getSql, type Sql } from '../db/client';
import { describeNul } from '../http/nul';
import { describeZodError, jsonError } from '../http/responses';
import { recordApiRequest, routeLabel } from '../metrics';
import { getRateLimiter, RATE_LIMIT_HOUR_MS, type RateLimitResult } from '../ratelimit';
import { errorResponse } from './errors';
import { bufferResponse, COMPRESSION_THRESHOLD_BYTES, encodedEtag, ENCODING_RELAY_HEADER, ifNoneMatchesJson, negotiateEncoding } from './encoding';
import { PreparedJson, TimestampedJson } from './etag';
import { corsHeaders, NO_STORE, PUBLIC_CACHE_CONTROL, rateLimitHeaders, withHeaders } from './headers';

/** What Next.js passes a route handler as its second argument. */
export interface RouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

export interface ApiHandlerInput<Q, P> {
  sql: Sql;
  query: Q;
  params: P;
  request: Request;
  url: URL;
  apiKey: VerifiedApiKey | null;
}

export interface ApiRouteDefinition<QS extends z.ZodType, PS extends z.ZodType> {
  /** The scope an API key needs; anonymous callers are allowed at the anonymous rate. */
  scope: ApiScope;
  query: QS;
  params?: PS;
  /**
   * A body to send as JSON with status 200 (or already serialised: PreparedJson, or
   * TimestampedJson for a cached answer led by the time of the answer), or a Response
   * (404s and the like).
   */
  handle(input: ApiHandlerInput<z.output<QS>, z.output<PS>>): Promise<unknown>;
}

const globalForUsage = globalThis as typeof globalThis & { __peerscopeApiKeyUsage?: ApiKeyUsageRecorder };

/** The process-wide batcher of api key usage counters. */
export function getApiKeyUsageRecorder(): ApiKeyUsageRecorder {
  globalForUsage.__peerscopeApiKeyUsage ??= new ApiKeyUsageRecorder(getSql);
  return globalForUsage.__peerscopeApiKeyUsage;
}

async function checkRateLimit(identifier: string, limit: number, windowMs?: number): Promise<RateLimitResult | null> {
  try {
    const { limiter } = await getRateLimiter();
    return await limiter.limit(identifier, limit, windowMs);
  } catch (error) {
    // A broken limiter must not take the API down: let the request through, say so in the log.
    console.error('[api] rate limiter unavailable:', (error as Error)?.message ?? error);
    return null;
  }
}

async function anonymousLimit(): Promise<number> {
  try {
    return (await getRateLimiter()).settings.anonymousPerMinute;
  } catch {
    return 60;
  }
}

/**
 * Builds a GET handler: API key check (401), rate limit (429), scope (403),
 * zod-validated path and query (400), then the handler (500/503 on failure).
 * Every response carries CORS and Cache-Control headers, and X-RateLimit-* once
 * the limiter has answered. Successful answers carry an ETag; a matching
 * If-None-Match gets 304 without a body. JSON answers of 1 KB or more go out
 * brotli- or gzip-compressed to clients that ask (Accept-Encoding; compressed forms
 * of cached answers are made once), with Vary: Accept-Encoding and one ETag per
 * coding, when the request came through our web server (see ENCODING_RELAY_HEADER);
 * Next.js' own gzip leaves a response with Content-Encoding alone.
 */
export function apiRoute<QS extends z.ZodType, PS extends z.ZodType = z.ZodObject<{}>>(
  definition: ApiRouteDefinition<QS, PS>,
): (request: Request, context?: RouteContext) => Promise<Response> {
  return async (request, context) => {
    const headers: Record<string, string> = { ...corsHeaders(), 'Cache-Control': NO_STORE, Vary: 'Accept-Encoding' };
    const url = new URL(request.url);
    const started = performance.now();
    // Next.js passes no params (or a promise of undefined) on routes without dynamic segments.
    const rawParams = (await Promise.resolve(context?.params).catch(() => undefined)) ?? {};
    const finish = (response: Response) => {
      recordApiRequest(routeLabel(url.pathname, rawParams), request.method, response.status, (performance.now() - started) / 1000);
      return withHeaders(response, headers);
    };
    try {
      let apiKey: VerifiedApiKey | null = null;
      const presented = extractApiKey(request.headers);
      if (presented.present) {
        if ('invalid' in presented) return finish(jsonError(401, 'Invalid API key', presented.invalid));
        const verification = await verifyApiKey(getSql(), presented.key);
        if (!verification.ok) return finish(jsonError(401, 'Invalid API key', API_KEY_REJECTIONS[verification.reason]));
        apiKey = verification.key;
      }

      const limit = apiKey
        ? await checkRateLimit(`key:${apiKey.id}`, apiKey.rateLimitPerHour, RATE_LIMIT_HOUR_MS)
        : await checkRateLimit(`ip:${clientBucket(request.headers)}`, await anonymousLimit());
      if (limit) Object.assign(headers, rateLimitHeaders(limit));
      if (limit && !limit.success) {
        return finish(
          jsonError(429, 'Too many requests', `Rate limit of ${limit.limit} requests per ${apiKey ? 'hour' : 'minute'} exceeded; retry after ${headers['Retry-After']} s`),
        );
      }

      if (apiKey) {
        if (!hasScope(apiKey, definition.scope)) {
          return finish(jsonError(403, 'Insufficient scope', `This API key lacks the ${definition.scope} scope`));
        }
        getApiKeyUsageRecorder().record(apiKey.id);
      }

      const paramsSchema = definition.params ?? z.object({});
      const rawQuery = Object.fromEntries(url.searchParams);
      const nulInParams = describeNul(rawParams);
      if (nulInParams) return finish(jsonError(400, 'Invalid path parameters', `Validation failed: ${nulInParams}`));
      const nulInQuery = describeNul(rawQuery);
      if (nulInQuery) return finish(jsonError(400, 'Invalid query parameters', `Validation failed: ${nulInQuery}`));
      const params = paramsSchema.safeParse(rawParams);
      if (!params.success) return finish(jsonError(400, 'Invalid path parameters', describeZodError(params.error)));
      const query = definition.query.safeParse(rawQuery);
      if (!query.success) return finish(jsonError(400, 'Invalid query parameters', describeZodError(query.error)));

      const result = await definition.handle({
        sql: getSql(),
        query: query.data,
        params: params.data as z.output<PS>,
        request,
        url,
        apiKey,
      });
      if (result instanceof Response) return finish(result);
      headers['Cache-Control'] = PUBLIC_CACHE_CONTROL;
      const prepared = result instanceof PreparedJson ? result : result instanceof TimestampedJson ? result.at() : PreparedJson.of(result);
      // Encoded here only when our web server relays the coding (ENCODING_RELAY_HEADER).
      const relayed = socketStamp(request.headers) !== undefined;
      const coding = relayed && prepared.byteLength >= COMPRESSION_THRESHOLD_BYTES ? negotiateEncoding(request.headers.get('accept-encoding')) : 'identity';
      headers.ETag = encodedEtag(prepared.tag, coding);
      if (ifNoneMatchesJson(request.headers.get('if-none-match'), prepared.tag)) return finish(new Response(null, { status: 304 }));
      const body = await prepared.body(coding);
      const bodyHeaders: Record<string, string> = { 'Content-Type': 'application/json', 'Content-Length': String(body.byteLength) };
      if (coding !== 'identity') {
        bodyHeaders['Content-Encoding'] = coding;
        bodyHeaders[ENCODING_RELAY_HEADER] = coding;
      }
      return finish(bufferResponse(request.method === 'HEAD' ? null : body, { headers: bodyHeaders }));
    } catch (error) {
      return finish(errorResponse(error, url.pathname));
    }
  };
}

export function notFound(details: string): Response {
  return jsonError(404, 'Not found', details);
}

export { clientIp };
