import { watch, type FSWatcher } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Which files under a root changed since the last look, from the OS's file events (inotify
 * through Node's recursive `fs.watch`), so that watching thousands of transcripts does not
 * mean stat-ing each of them five times a second. When events are unavailable (too many
 * watches, an unsupported file system) `live` is false and the caller polls everything.
 */
export class FileChanges {
  private readonly changed = new Set<string>();
  private readonly watcher?: FSWatcher;

  constructor(root: string) {
    try {
      this.watcher = watch(root, { recursive: true }, (_event, name) => {
        if (name) this.changed.add(resolve(root, name.toString()));
      });
      this.watcher.on('error', () => this.close());
    } catch {
      this.watcher = undefined;
    }
  }

  private closed = false;

  get live(): boolean {
    return this.watcher !== undefined && !this.closed;
  }

  /** The paths that changed since the previous call. */
  take(): Set<string> {
    const taken = new Set(this.changed);
    this.changed.clear();
    return taken;
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
  }
}
