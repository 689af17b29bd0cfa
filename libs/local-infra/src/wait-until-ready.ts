import { setTimeout as delay } from 'node:timers/promises';
import type { ProcessExit, SupervisedProcess } from './child-process-supervisor';

export type Readiness = { ready: true } | { ready: false; reason: string };

function describeExit(exit: ProcessExit): string {
  return exit.signal === null ? `exit code ${exit.code}` : `signal ${exit.signal}`;
}

/**
 * Polls `isReady` until it answers true, the process exits or `timeoutMs` passes. Answers a
 * reason instead of throwing so that the caller can attach the service's own log tail.
 */
export async function waitUntilReady(
  service: SupervisedProcess,
  isReady: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<Readiness> {
  const deadline = Date.now() + timeoutMs;
  let exit: ProcessExit | undefined;
  void service.exited.then((value) => (exit = value));
  for (;;) {
    if (exit) return { ready: false, reason: `the process ended (${describeExit(exit)})` };
    if (await isReady()) return { ready: true };
    if (Date.now() >= deadline) return { ready: false, reason: `not ready after ${timeoutMs} ms` };
    await delay(intervalMs);
  }
}
