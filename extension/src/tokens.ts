/**
 * Shared ids and the shapes of data the server returns.
 */

/** The npm/Python package name; plugin and command ids derive from it. */
export const PACKAGE = 'pairlab';

/** Widget id of the left-sidebar guide panel. */
export const GUIDE_ID = 'pairlab-guide';

/** Command ids, all derived from the package name. */
export namespace CommandIDs {
  export const startSession = `${PACKAGE}:start-session`;
  export const openGuide = `${PACKAGE}:open-guide`;
  export const openLesson = `${PACKAGE}:open-lesson`;
  export const rotate = `${PACKAGE}:rotate`;
  export const checkStep = `${PACKAGE}:check-step`;
  export const toggleFacilitator = `${PACKAGE}:toggle-facilitator`;
}

/** One check a step runs, as declared in the curriculum. */
export interface ICheckRef {
  /** Registered check id, e.g. `in-order`. */
  id: string;
  /** Arguments the step passes to the check. */
  args: Record<string, unknown>;
}

/** One step of a lesson. */
export interface IStep {
  /** Step id, unique within its lesson. */
  id: string;
  /** Short title shown in the guide. */
  title: string;
  /** What the pair must do. */
  goal: string;
  /** A hint revealed on request. */
  hint: string;
  /** The checks that prove the step done. */
  checks: ICheckRef[];
}

/** One lesson of the curriculum. */
export interface ILesson {
  /** Lesson id, unique in the curriculum. */
  id: string;
  /** Title shown in the guide. */
  title: string;
  /** Notebook path, relative to the curriculum root. */
  notebook: string;
  /** One-paragraph summary. */
  summary: string;
  /** Notes for facilitators. */
  facilitator_notes: string;
  /** The lesson's ordered steps. */
  steps: IStep[];
}

/** Body of `GET /pairlab/lessons`. */
export interface ILessonsResponse {
  /** Lessons in curriculum order. */
  lessons: ILesson[];
}

/** One check's result, as `POST /pairlab/check` returns it. */
export interface ICheckResult {
  /** Check id. */
  id: string;
  /** `pass`, `fail` or `error`. */
  status: 'pass' | 'fail' | 'error';
  /** What the learner should do next. */
  message: string;
  /** Ids of the cells concerned. */
  cells: string[];
}

/** Body of `POST /pairlab/check`. */
export interface ICheckReply {
  /** The notebook checked, relative to the server root. */
  path: string;
  /** The server's one verdict: pass only when checks ran and all passed. */
  verdict: 'pass' | 'fail' | 'error' | 'pending';
  /** The first problem, or the first pass when all is well. */
  message: string;
  /** One result per check run. */
  results: ICheckResult[];
  /** For a step: the session the check was logged in and whether it completed the step. */
  recorded?: { session: string | null; completed: boolean };
}

/** Body of `GET /pairlab/steps`: stored status per `lesson/step`. */
export interface IStepsReply {
  /** Status of each step checked so far. */
  steps: Record<string, { status: string; message: string }>;
}
