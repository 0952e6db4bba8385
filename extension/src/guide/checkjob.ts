/**
 * Running a check the way a pair waits for it: a check over a second becomes a server job that
 * the guide follows (which cell runs, elapsed seconds) and can cancel; equal requests while one
 * runs share one run. Plain logic over an injected request function, so Node tests it.
 */
import type { ICheckReply } from '../tokens';
import { trans } from '../translate.js';

/** Where a check's kernel run is, as `GET /pairlab/check/jobs/<id>` says. */
export interface ICheckProgress {
  /** The check that runs the notebook. */
  check: string;
  /** The notebook it runs. */
  notebook: string | null;
  /** The cell running, 1-based. */
  cell: number;
  /** How many code cells the run has. */
  of: number;
  /** The running cell's id. */
  cell_id: string | null;
  /** Seconds since the check started. */
  elapsed: number;
}

/** A check job, as `POST /pairlab/check` (202) and `GET /pairlab/check/jobs/<id>` answer. */
export interface ICheckJob {
  /** The job id. */
  job: string;
  /** `running`, `done`, `cancelled` or `error`. */
  state: 'running' | 'done' | 'cancelled' | 'error';
  /** Where the run is, once a kernel runs. */
  progress: ICheckProgress | null;
  /** Seconds since the job started. */
  elapsed: number;
  /** When done: the reply POST would have given. */
  reply?: ICheckReply;
  /** On error: the status and words POST would have answered. */
  problem?: { status: number; error: string; fix: string };
}

/** The request function the runner calls (the guide passes `requestAPI`). */
export type Call = <T>(endPoint: string, init?: RequestInit) => Promise<T>;

/** Raised when the pair cancelled the check. */
export class CheckCancelled extends Error {
  constructor() {
    super(trans.__('The check was cancelled'));
  }
}

/** How POST asks for a job: answer 202 after a second instead of waiting. */
export const PREFER_ASYNC = 'respond-async, wait=1';

/** What the guide shows while a check runs: which cell, how long. */
export function progressWords(job: Pick<ICheckJob, 'progress' | 'elapsed'>): string {
  const seconds = Math.round(job.elapsed); // the job's, not when its cell began
  const p = job.progress;
  if (p && p.of > 0) {
    return trans.__('Running cell %1 of %2 (%3 s)', p.cell, p.of, seconds);
  }
  return trans.__('Checking (%1 s)', seconds);
}

interface IRun {
  listeners: Set<(job: ICheckJob) => void>;
  /** The server's job id, once POST answered 202. */
  job: string | null;
  /** Set by cancel(): the DELETE under way (null when no job id was known yet). */
  stop: Promise<void> | null;
  cancelled: boolean;
}

/**
 * Run checks as jobs: one run per equal request while it runs, progress to every listener,
 * cancel by request key.
 */
export class CheckRunner {
  constructor(
    private readonly call: Call,
    private readonly makeError: (status: number, error: string, fix: string) => Error,
    private readonly pollMs = 500,
    private readonly sleep: (ms: number) => Promise<void> = ms =>
      new Promise(resolve => setTimeout(resolve, ms))
  ) {}

  /** Whether a check with this key is running. */
  isRunning(key: string): boolean {
    return this._runs.has(key);
  }

  /**
   * Check `body` (the POST body); a run with the same key already under way is shared.
   * `onProgress` hears the job each time it is polled.
   */
  run(key: string, body: object, onProgress?: (job: ICheckJob) => void): Promise<ICheckReply> {
    let entry = this._runs.get(key);
    if (entry === undefined) {
      const run: IRun = { listeners: new Set(), job: null, stop: null, cancelled: false };
      const promise = this._follow(run, body).finally(() => this._runs.delete(key));
      entry = { run, promise };
      this._runs.set(key, entry);
    }
    if (onProgress) {
      entry.run.listeners.add(onProgress);
    }
    return entry.promise;
  }

  /** Cancel the run with this key: the server stops it and records nothing. */
  async cancel(key: string): Promise<void> {
    const run = this._runs.get(key)?.run;
    if (run === undefined || run.cancelled) {
      return;
    }
    run.cancelled = true;
    // Without a job id the 202 has not come yet: _follow deletes the job when it comes.
    run.stop = run.job === null ? null : this._delete(run.job);
    await run.stop;
  }

  private async _follow(run: IRun, body: object): Promise<ICheckReply> {
    const first = await this.call<ICheckReply | ICheckJob>('check', {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { Prefer: PREFER_ASYNC }
    });
    if (!('job' in first)) {
      return first; // done within a second: the report itself
    }
    let job: ICheckJob = first;
    run.job = job.job;
    while (job.state === 'running') {
      if (run.cancelled) {
        await (run.stop ?? this._delete(job.job));
        throw new CheckCancelled();
      }
      run.listeners.forEach(listener => listener(job));
      await this.sleep(this.pollMs);
      if (!run.cancelled) {
        job = await this.call<ICheckJob>(`check/jobs/${encodeURIComponent(job.job)}`);
      }
    }
    return this._ended(job);
  }

  private _ended(job: ICheckJob): ICheckReply {
    if (job.state === 'done' && job.reply) {
      return job.reply;
    }
    if (job.state === 'cancelled') {
      throw new CheckCancelled();
    }
    const problem = job.problem ?? {
      status: 500,
      error: trans.__('the check stopped'),
      fix: ''
    };
    throw this.makeError(problem.status, problem.error, problem.fix);
  }

  private async _delete(id: string): Promise<void> {
    try {
      await this.call<ICheckJob>(`check/jobs/${encodeURIComponent(id)}`, { method: 'DELETE' });
    } catch {
      // Gone already (finished and forgotten): nothing runs, which is what cancel wants.
    }
  }

  private readonly _runs = new Map<string, { run: IRun; promise: Promise<ICheckReply> }>();
}
