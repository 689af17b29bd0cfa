export interface BatchCoalescerOptions {
  /**
   * How long the first batch to arrive while the sink is idle waits for others delivered at
   * about the same time (kafkajs hands a fetch's partition batches to eachBatch one after
   * another within a few milliseconds). Batches arriving while the sink runs wait for it anyway.
   */
  windowMs?: number;
  /**
   * The most batches that can be in hand at once (the consumer's partition concurrency): once
   * that many are waiting, no other can arrive and the run starts without waiting.
   */
  maxBatches?: number;
}

interface Waiting<T> {
  batch: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers partition batches delivered concurrently and hands them to the sink together, one
 * run at a time: a batch submitted while the sink is idle waits `windowMs` for others (unless
 * `maxBatches` are already waiting); batches submitted while a run is in progress form the
 * next run as soon as it ends. Each `submit`
 * settles with the run that contained its batch, so a caller commits its offsets only after
 * that run succeeded; if the run fails, every batch in it is rejected (and so re-delivered).
 *
 * Runs never overlap. That matters to a sink that first looks up what is stored and then
 * writes: two overlapping runs could both miss the same id before either stored it.
 */
export class BatchCoalescer<T> {
  private readonly windowMs: number;
  private readonly maxBatches: number;
  private pending: Array<Waiting<T>> = [];
  private running = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: (batches: T[]) => Promise<void>,
    options: BatchCoalescerOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 5;
    this.maxBatches = options.maxBatches ?? Infinity;
  }

  /** Resolves once a sink run containing this batch has succeeded; rejects if it failed. */
  submit(batch: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ batch, resolve, reject });
      if (this.running) return;
      if (this.pending.length >= this.maxBatches) {
        clearTimeout(this.timer);
        this.timer = undefined;
        void this.drain();
      } else {
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          void this.drain();
        }, this.windowMs);
      }
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.pending.length > 0) {
        const run = this.pending;
        this.pending = [];
        try {
          await this.sink(run.map((w) => w.batch));
          for (const w of run) w.resolve();
        } catch (error) {
          for (const w of run) w.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
