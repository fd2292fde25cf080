import { after } from 'next/server';

/**
 * Runs `task` after the response is sent (Next's after(): the function stays alive for it on
 * serverless hosts), so slow side work — sending an email — neither delays the answer nor
 * shows in its timing. Outside a request scope (scripts, tests calling handlers) it just
 * starts the task. Failures are logged, never thrown.
 */
export function afterResponse(task: () => Promise<unknown>, label = 'background task'): void {
  const run = () =>
    task().then(
      () => undefined,
      (error) => console.error(`[peerscope] ${label} failed:`, (error as Error)?.message ?? error),
    );
  try {
    after(run);
  } catch {
    void run();
  }
}
