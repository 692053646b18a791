// Shapes of the server's workflow API (src/Liaison.Server/Workflows). Definitions are Elsa 3 JSON: the designer keeps
// every object whole and changes only what the user edits, so properties it does not know round-trip untouched.

export type Localized = { 'zh-CN': string; en: string };

export interface InputDescriptor {
  name: string;
  typeName: string;
  required: boolean;
  displayName: Localized;
  description: Localized;
  defaultValue: unknown;
  /** The values a literal may take (the server refuses others when the version is saved); null when any value goes. */
  choices?: string[] | null;
  /** A literal may name several of `choices`, separated by commas. */
  severalChoices?: boolean;
  /** What each choice means, by value (a mail kind's name, a status's words); a value without one speaks for itself. */
  choiceLabels?: Record<string, Localized> | null;
}

export interface ActivityDescriptor {
  type: string;
  category: string;
  displayName: Localized;
  description: Localized;
  inputs: InputDescriptor[];
  outcomes: string[];
  /** Outcomes named for people, by outcome (the identifier a connection's port keeps); an outcome without one is shown as it is. */
  outcomeLabels?: Record<string, Localized>;
  /** Set for a published workflow usable as an activity (category "Workflows"): the child a new node runs and the version it is pinned to. */
  workflowDefinitionId?: string | null;
  workflowDefinitionVersionId?: string | null;
  version?: number | null;
}

export interface Position {
  x: number;
  y: number;
}

export interface Expression {
  type: string;
  value?: unknown;
  [key: string]: unknown;
}

export interface InputValue {
  typeName?: string;
  expression?: Expression;
  [key: string]: unknown;
}

export interface Activity {
  id: string;
  type: string;
  name?: string | null;
  metadata?: { designer?: { position?: Position; [key: string]: unknown }; [key: string]: unknown };
  [key: string]: unknown;
}

export interface Endpoint {
  activity: string;
  port?: string | null;
  [key: string]: unknown;
}

export interface Connection {
  source: Endpoint;
  target: Endpoint;
  [key: string]: unknown;
}

export interface Variable {
  id?: string;
  name?: string;
  typeName?: string;
  value?: unknown;
  [key: string]: unknown;
}

export interface Definition {
  id?: string;
  definitionId: string;
  name?: string;
  version?: number;
  isLatest?: boolean;
  isPublished?: boolean;
  variables?: Variable[];
  root: {
    id?: string;
    type: string;
    activities: Activity[];
    connections: Connection[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface DefinitionSummary {
  definitionId: string;
  name: string;
  version: number;
  isLatest: boolean;
  isPublished: boolean;
  publishedVersion: number | null;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

export interface VersionInfo {
  version: number;
  id: string;
  name: string;
  isLatest: boolean;
  isPublished: boolean;
  isDraft: boolean;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  /** When an admin discarded this draft; it stays in the history so its number is never given again. */
  discardedAt?: string | null;
  /** Instances still running on this version: they stay on it, whatever is published later. */
  runningInstances?: number;
}

export interface ValidationError {
  activityId?: string | null;
  code: string;
  /** Both languages, "中文 / English". */
  message: string;
  /** Each language on its own: the designer shows its reader's. */
  localizedMessage?: Localized;
}

export interface ValidationResult {
  valid: boolean;
  errors: ValidationError[];
}

export interface JournalEntry {
  sequence: number;
  activityId: string;
  activityType: string;
  kind: string;
  outcomes: string[];
  at: string;
}

export interface Incident {
  activityId?: string | null;
  activityType?: string | null;
  message: string;
  at: string;
}

/** Something a real run would have done (dispatch, mail, escalation), tagged with its type; a test run only reports it. */
export interface Effect {
  type: string;
  activityId: string;
  [key: string]: unknown;
}

/** The case a try-it run routes: what getCase() shows (camelCase; priority and status like "normal", "in-progress"). */
export type CaseJson = Record<string, unknown>;

export interface TestRunResult {
  status: 'Finished' | 'Suspended' | 'Faulted' | string;
  writeLines: string[];
  journal: JournalEntry[];
  bookmarks: { id: string; activityId: string; kind: string; key?: string | null }[];
  incidents: Incident[];
  effects: Effect[];
  /** The case as the run left it. */
  case: CaseJson | null;
  /** The run used the built-in sample case (the request sent none). */
  sampleCase: boolean;
  /** The workflow's outputs (Elsa.SetOutput). */
  output?: Record<string, unknown>;
  /** Every child instance the run started (child workflows and loop bodies), in start order. */
  children?: TestRunChild[];
}

export interface TestRunChild {
  instanceId: string;
  parentInstanceId: string;
  parentActivityId: string;
  definitionId: string;
  version: number;
  /** Set when the child runs a loop's or container's body rather than another workflow. */
  bodyPath?: string | null;
  status: string;
  writeLines: string[];
  output: Record<string, unknown>;
  outcomes: string[];
}

export interface Bookmark {
  id: string;
  activityId: string;
  kind: string;
  key?: string | null;
  resumeAt?: string | null;
  createdAt: string;
}

export interface InstanceChild {
  id: string;
  definitionId: string;
  definitionVersion: number;
  status: string;
  parentActivityId?: string | null;
  bodyPath?: string | null;
  createdAt: string;
}

/** A stored workflow instance as `GET /api/workflow-instances/{id}` answers (the designer's instance view). */
export interface WorkflowInstance {
  id: string;
  definitionId: string;
  definitionVersion: number;
  status: string;
  correlationId?: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string | null;
  bookmarks: Bookmark[];
  journal: JournalEntry[];
  incidents: Incident[];
  parentInstanceId?: string | null;
  parentActivityId?: string | null;
  name?: string | null;
  bodyPath?: string | null;
  children: InstanceChild[];
}
