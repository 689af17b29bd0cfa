/** A call that runs at most once per `intervalMs`, with or without a clock passed in. */
export interface Throttled {
  /** Runs now when the interval since the last run has passed, else once at its end. */
  trigger(): void;
  cancel(): void;
}

/**
 * Leading and trailing: the first trigger runs at once, triggers during the interval fold into
 * one run at its end, so the last change is never missed and a burst costs two runs.
 */
export function throttle(run: () => void, intervalMs: number, now = () => Date.now()): Throttled {
  let lastRun = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fire = () => {
    timer = undefined;
    lastRun = now();
    run();
  };
  return {
    trigger() {
      if (timer !== undefined) return;
      const wait = lastRun + intervalMs - now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
