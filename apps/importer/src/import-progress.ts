import { Presets, SingleBar } from 'cli-progress';

const MB = 1024 * 1024;

/**
 * The bulk pass's progress: on a terminal a bar with bytes done / total, lines/s, MB/s and ETA;
 * elsewhere (a pipe, a CI log) cli-progress prints the same line every few seconds instead.
 */
export class ImportProgress {
  private readonly bar: SingleBar;
  private readonly started = Date.now();
  private running = false;

  constructor(private readonly stream: NodeJS.WritableStream) {
    this.bar = new SingleBar(
      {
        stream,
        format:
          'import {bar} {percentage}% | {doneMb}/{totalMb} MB | {lps} lines/s | {mbps} MB/s | ETA {eta_formatted}',
        noTTYOutput: true,
        notTTYSchedule: 5_000,
        etaBuffer: 50,
        fps: 5,
        hideCursor: false,
      },
      Presets.shades_classic,
    );
  }

  start(totalBytes: number): void {
    this.running = true;
    this.bar.start(Math.max(totalBytes, 1), 0, this.payload(0, 0, totalBytes));
  }

  update(bytes: number, lines: number, totalBytes: number): void {
    if (!this.running) return;
    if (totalBytes > this.bar.getTotal()) this.bar.setTotal(totalBytes);
    this.bar.update(bytes, this.payload(bytes, lines, this.bar.getTotal()));
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.bar.stop();
  }

  /** A one-off status line (the watch phase has no total to show a bar for). */
  note(message: string): void {
    this.stream.write(`${message}\n`);
  }

  private payload(bytes: number, lines: number, totalBytes: number) {
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    return {
      doneMb: (bytes / MB).toFixed(1),
      totalMb: (totalBytes / MB).toFixed(1),
      lps: Math.round(lines / seconds),
      mbps: (bytes / MB / seconds).toFixed(1),
    };
  }
}
