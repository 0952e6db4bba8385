/**
 * One run of a task per key at a time: a second request while it runs shares it, and a request
 * that must see newer input (a save that landed mid-run) gets one more run after it.
 */
export class SharedRuns {
  /** Run `task` for `key` now, or share the run under way. */
  run(key: string, task: () => Promise<void>): Promise<void> {
    const running = this._running.get(key);
    if (running) {
      return running;
    }
    const done = task().finally(() => this._running.delete(key));
    this._running.set(key, done);
    return done;
  }

  /**
   * Run `task` for `key` now, or once more when the run under way ends: that run may have read
   * its input before the change that asks. Requests while one is waiting join it.
   */
  again(key: string, task: () => Promise<void>): Promise<void> {
    const waiting = this._waiting.get(key);
    if (waiting) {
      return waiting;
    }
    const running = this._running.get(key);
    if (!running) {
      return this.run(key, task);
    }
    const next = running
      .catch(() => undefined) // a failed run still leaves the change unchecked
      .then(() => {
        this._waiting.delete(key);
        return this.run(key, task);
      });
    this._waiting.set(key, next);
    return next;
  }

  private readonly _running = new Map<string, Promise<void>>();
  private readonly _waiting = new Map<string, Promise<void>>();
}
