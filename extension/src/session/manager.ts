import { ISignal, Signal } from '@lumino/signaling';

import { requestAPI } from '../request';
import { clockOffsetMs, IParticipant, ISession } from './timer';

/** Body of `GET /pairlab/sessions`. */
interface ISessionsResponse {
  sessions: ISession[];
  notice: string;
}

/**
 * The one place the front end keeps the running session; every change goes
 * through the server first, so a reload or a restart shows the same state.
 */
export class SessionManager {
  /** The running session, or null. */
  get active(): ISession | null {
    return this._active;
  }

  /** A notice from the server (e.g. a corrupt database moved aside). */
  get notice(): string {
    return this._notice;
  }

  /** Return the server's time now in milliseconds, as this browser best knows it. */
  now(): number {
    return Date.now() + this._offsetMs;
  }

  /** Emitted whenever the running session changes. */
  get changed(): ISignal<this, ISession | null> {
    return this._changed;
  }

  /** Emitted when the server logged something new in the running session (a step check). */
  get activity(): ISignal<this, void> {
    return this._activity;
  }

  /** Say that the server logged an event in the running session, so views reload. */
  noteActivity(): void {
    this._activity.emit();
  }

  /** Load the newest running session from the server, if any. */
  async restore(): Promise<void> {
    const { sessions, notice } = await requestAPI<ISessionsResponse>('sessions');
    this._notice = notice;
    this._set(sessions.find(s => s.ended_at === null) ?? null);
  }

  /** Start a session for these people. */
  async start(
    participants: IParticipant[],
    rotationMinutes: number,
    lesson: string | null
  ): Promise<ISession> {
    const session = await requestAPI<ISession>('sessions', {
      method: 'POST',
      body: JSON.stringify({
        participants,
        rotation_minutes: rotationMinutes,
        lesson
      })
    });
    this._set(session);
    return session;
  }

  /** Hand the keyboard to the next person. */
  async rotate(): Promise<void> {
    this._set(await this._post('rotate'));
  }

  /** End the running session. */
  async end(): Promise<void> {
    await this._post('end');
    this._set(null);
  }

  /** Record an event against the running session; does nothing without one. */
  async record(kind: string, data: Record<string, unknown>): Promise<void> {
    if (this._active === null) {
      return;
    }
    await requestAPI(`sessions/${this._active.id}/events`, {
      method: 'POST',
      body: JSON.stringify({ kind, data })
    });
  }

  /** Fetch the facilitator summary of the running session. */
  async summary(): Promise<ISummary | null> {
    if (this._active === null) {
      return null;
    }
    return requestAPI<ISummary>(`sessions/${this._active.id}/summary`);
  }

  private async _post(action: string): Promise<ISession> {
    if (this._active === null) {
      throw new Error('No pairing session is running.');
    }
    return requestAPI<ISession>(`sessions/${this._active.id}/${action}`, {
      method: 'POST',
      body: '{}'
    });
  }

  private _set(session: ISession | null): void {
    if (session !== null) {
      this._offsetMs = clockOffsetMs(session, Date.now());
    }
    this._active = session;
    this._changed.emit(session);
  }

  private _active: ISession | null = null;
  private readonly _activity = new Signal<this, void>(this);
  private _notice = '';
  private _offsetMs = 0;
  private _changed = new Signal<this, ISession | null>(this);
}

/** The facilitator's summary of a session. */
export interface ISummary {
  /** Seconds since the session started. */
  duration_seconds: number;
  /** Completed steps with the seconds each took. */
  steps: { step: string; seconds: number }[];
  /** Rotations with the new driver. */
  rotations: { at: number; driver: string }[];
  /** Checks that failed, most often first. */
  failed_checks: { check: string; failures: number }[];
  /** Cell runs per person. */
  executions: { user: string; runs: number; errors: number }[];
}
