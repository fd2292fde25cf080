'use client';

import { useCallback, useEffect, useState } from 'react';
import { callApi, type ApiResult } from '@/lib/dashboard/api-client';

/** Loads a GET endpoint once on mount; `reload` fetches again (after a change). */
export function useApi<T>(path: string): { result: ApiResult<T> | null; reload: () => void } {
  const [result, setResult] = useState<ApiResult<T> | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    void callApi<T>(path).then((next) => live && setResult(next));
    return () => {
      live = false;
    };
  }, [path, version]);
  return { result, reload: useCallback(() => setVersion((v) => v + 1), []) };
}
