import type { ZodError } from 'zod';

/** Every error the API returns has this shape: a short summary and the specifics. */
export interface ErrorBody {
  error: string;
  details: string;
}

export function jsonError(status: number, error: string, details: string, headers?: HeadersInit): Response {
  return Response.json({ error, details } satisfies ErrorBody, { status, headers });
}

/** "Validation failed: tier: Invalid option ...; limit: Too big ..." */
export function describeZodError(error: ZodError): string {
  const parts = error.issues.map((issue) => {
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    return `${where}${issue.message}`;
  });
  return `Validation failed: ${parts.join('; ')}`;
}
