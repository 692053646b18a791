// Between the Elsa JSON and React Flow's nodes and edges. Each node carries its whole activity object and each edge its
// whole connection object, so a save writes back exactly what was loaded plus the user's edits.
import type { Edge, Node, Viewport } from '@xyflow/react';
import { local, outcomeLabel, t } from './i18n';
import type { Activity, ActivityDescriptor, Connection, Definition, InputValue } from './types';

/** One activity's part in an instance's run: how often it completed, its last outcomes, whether it waits or faulted now. */
export type Trace = { completed: number; outcomes: string[]; waiting: boolean; faulted: boolean };

/** What a run did, drawn on the canvas: a trace per activity it touched, and the ports it left by (`activity\nport`). */
export type Marks = { traces: Map<string, Trace>; taken: Set<string> };

/**
 * Per activity, what one run's journal, bookmarks and incidents say (a stored instance or a try-it run), and the ports it
 * left by. Only activities the run touched get a trace.
 */
export function traceOf(journal: { activityId: string; kind: string; outcomes: string[] }[], waitingIds: string[], faultedIds: string[]): Marks {
  const traces = new Map<string, Trace>();
  const taken = new Set<string>();
  const of = (id: string) => {
    let x = traces.get(id);
    if (!x) traces.set(id, x = { completed: 0, outcomes: [], waiting: false, faulted: false });
    return x;
  };
  for (const j of journal) {
    const x = of(j.activityId);
    if (j.kind !== 'Completed') continue;
    x.completed++;
    x.outcomes = j.outcomes;
    j.outcomes.forEach((port) => taken.add(`${j.activityId}\n${port}`));
  }
  waitingIds.forEach((id) => { of(id).waiting = true; });
  faultedIds.forEach((id) => { of(id).faulted = true; });
  return { traces, taken };
}

export type ActivityNodeData = {
  activity: Activity;
  descriptor?: ActivityDescriptor;
  /** Outcome ports: the descriptor's, plus any port a stored connection uses (so no connection is dropped). */
  ports: string[];
  errors: string[];
};
export type ActivityNode = Node<ActivityNodeData, 'activity'>;
export type ConnectionEdge = Edge<{ connection: Connection }>;

export const IN_PORT = 'In';

export interface Graph {
  nodes: ActivityNode[];
  edges: ConnectionEdge[];
  /** Connections whose activity does not exist: React Flow cannot draw them, but a save keeps them (validation reports them). */
  orphans: Connection[];
}

const sourcePort = (c: Connection) => c.source?.port || 'Done';

/** A String[] Literal as the server reads it (ValueConverter.ToStringList): a JSON array, or text split at ',' and ';'. */
export function stringList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') {
    if (value.trimStart().startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(value);
        if (Array.isArray(parsed)) return stringList(parsed);
      } catch {
        // not an array after all: split it as text, as the server does
      }
    }
    return value.split(/[,;]/).map((s) => s.trim()).filter((s) => s !== '');
  }
  if (Array.isArray(value)) return value.map(textOf).filter((s) => s !== '');
  return [textOf(value)];
}

const textOf = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** The value of an input stored as a Literal; undefined when it is unset; null when it is an expression (known only at run time). */
function literalOf(activity: Activity, name: string): unknown {
  const input = activity[inputKey(activity, name)] as InputValue | undefined;
  if (!input?.expression) return undefined;
  return input.expression.type === 'Literal' ? (input.expression.value ?? undefined) : null;
}

const unique = (xs: string[]) => [...new Set(xs)];

/**
 * The outcomes one configured activity has, as the server's activities compute them from their configuration
 * (IDynamicOutcomes): a FlowFork's branches, a FlowSwitch's case labels and Default, a RunJavaScript's Done and possible
 * outcomes. Every other activity has its descriptor's, a workflow used as an activity the child's declared ones. When
 * the configuration is an expression the outcomes are known only at run time: none is listed (stored connections still
 * show theirs).
 */
export function outcomesOf(activity: Activity, descriptor: ActivityDescriptor | undefined): string[] {
  switch (activity.type) {
    case 'Elsa.FlowFork': {
      const branches = literalOf(activity, 'branches');
      return branches === null ? [] : unique(stringList(branches));
    }
    case 'Elsa.FlowSwitch': {
      const cases = activity[inputKey(activity, 'cases')];
      const labels = Array.isArray(cases)
        ? cases.map((c) => {
          const o = c && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, unknown>) : {};
          return textOf(o[Object.keys(o).find((k) => k.toLowerCase() === 'label') ?? 'label']);
        }).filter((l) => l !== '')
        : [];
      return unique([...labels, 'Default']);
    }
    case 'Elsa.RunJavaScript': {
      const possible = literalOf(activity, 'possibleOutcomes');
      return unique(['Done', ...(possible === null ? [] : stringList(possible))]);
    }
    default:
      return [...(descriptor?.outcomes ?? [])];
  }
}

/** Outcome ports of a node: the activity's outcomes, plus any port a connection from it uses (so no connection is dropped). */
export function portsOf(activity: Activity, descriptor: ActivityDescriptor | undefined, used: string[]): string[] {
  return unique([...outcomesOf(activity, descriptor), ...used]);
}

/** The ports the stored connections use from one activity. */
export const usedPorts = (id: string, connections: Connection[]) =>
  connections.filter((c) => c.source?.activity === id).map(sourcePort);

function autoPosition(i: number) {
  return { x: (i % 5) * 260, y: Math.floor(i / 5) * 200 };
}

let edgeSeq = 0;
export const newEdgeId = () => `edge-${++edgeSeq}`;

/** What a screen reader says for a node: its name and its type. */
export const nodeAria = (a: Activity, d?: ActivityDescriptor) =>
  t('node.aria', { name: a.name || a.id, type: d ? local(d.displayName, d.type) : t('unknownType', { type: a.type }) });

export const edgeAria = (source: string, port: string, target: string, descriptor?: ActivityDescriptor) =>
  t('connections.aria', { source, port: outcomeLabel(port, descriptor), target });

export function toGraph(def: Definition, descriptors: Map<string, ActivityDescriptor>): Graph {
  const activities = def.root?.activities ?? [];
  const connections = def.root?.connections ?? [];
  const ids = new Set(activities.map((a) => a.id));
  const nodes: ActivityNode[] = activities.map((a, i) => {
    const descriptor = descriptors.get(a.type);
    const p = a.metadata?.designer?.position;
    return {
      id: a.id,
      type: 'activity',
      position: p && typeof p.x === 'number' && typeof p.y === 'number' ? { x: p.x, y: p.y } : autoPosition(i),
      ariaLabel: nodeAria(a, descriptor),
      data: { activity: a, descriptor, ports: portsOf(a, descriptor, usedPorts(a.id, connections)), errors: [] },
    };
  });
  const edges: ConnectionEdge[] = [];
  const orphans: Connection[] = [];
  for (const c of connections) {
    if (!ids.has(c.source?.activity) || !ids.has(c.target?.activity)) {
      orphans.push(c);
      continue;
    }
    edges.push({
      id: newEdgeId(),
      source: c.source.activity,
      sourceHandle: sourcePort(c),
      target: c.target.activity,
      targetHandle: IN_PORT,
      ariaLabel: edgeAria(c.source.activity, sourcePort(c), c.target.activity, descriptors.get(activities.find((a) => a.id === c.source.activity)!.type)),
      data: { connection: c },
    });
  }
  return { nodes, edges, orphans };
}

/** The definition with the canvas's activities, positions and connections; everything else as loaded. */
export function fromGraph(def: Definition, nodes: ActivityNode[], edges: ConnectionEdge[], orphans: Connection[]): Definition {
  const activities = nodes.map((n) => {
    const a: Activity = structuredClone(n.data.activity);
    const old = a.metadata?.designer?.position;
    if (!old || old.x !== n.position.x || old.y !== n.position.y) {
      const position = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
      a.metadata = { ...(a.metadata ?? {}), designer: { ...(a.metadata?.designer ?? {}), position } };
    }
    return a;
  });
  const connections = edges.map((e) => {
    const c: Connection = structuredClone(e.data?.connection ?? ({} as Connection));
    const port = e.sourceHandle ?? 'Done';
    c.source = { ...(c.source ?? {}), activity: e.source, port };
    c.target = { ...(c.target ?? {}), activity: e.target, port: c.target?.port ?? IN_PORT };
    return c;
  });
  return {
    ...structuredClone(def),
    root: { ...structuredClone(def.root), activities, connections: [...connections, ...structuredClone(orphans)] },
  };
}

/** A fresh activity id from the type's last segment: writeline-1, writeline-2, … */
export function freshId(type: string, taken: Set<string>): string {
  const base = (type.split('.').pop() || 'activity').replace(/[^A-Za-z0-9]+/g, '-').toLowerCase();
  for (let i = 1; ; i++) {
    const id = `${base}-${i}`;
    if (!taken.has(id)) return id;
  }
}

/**
 * A new activity of a palette type, with the descriptor's default values as Literal inputs. A workflow used as an
 * activity names its child as Elsa does: type and workflowDefinitionId are the child's definition id, pinned to the
 * version the palette offers (publishing the parent pins it again to the child's published version).
 */
export function newActivity(d: ActivityDescriptor, id: string, position: { x: number; y: number }): Activity {
  const a: Activity = {
    id,
    type: d.type,
    ...(d.workflowDefinitionId
      ? { workflowDefinitionId: d.workflowDefinitionId, workflowDefinitionVersionId: d.workflowDefinitionVersionId ?? null, version: d.version ?? null }
      : {}),
    name: d.displayName['zh-CN'],
    metadata: { designer: { position: { x: Math.round(position.x), y: Math.round(position.y) } } },
  };
  for (const input of d.inputs) {
    if (input.defaultValue !== null && input.defaultValue !== undefined && input.typeName !== 'Variable') {
      a[input.name] = { typeName: input.typeName, expression: { type: 'Literal', value: input.defaultValue } } satisfies InputValue;
    }
  }
  return a;
}

/** The key an input is stored under (matching case-insensitively, as the server reads it); a new one is camelCase, as Elsa writes it. */
export function inputKey(activity: Activity, name: string): string {
  const lower = name.toLowerCase();
  return Object.keys(activity).find((k) => k.toLowerCase() === lower) ?? name.charAt(0).toLowerCase() + name.slice(1);
}

/** The child workflow a node runs, when the designer can open it: a workflow used as an activity, or an Execute/Dispatch with a Literal id. */
export function childDefinitionId(activity: Activity): string | null {
  if (typeof activity.workflowDefinitionId === 'string' && activity.workflowDefinitionId) return activity.workflowDefinitionId;
  if (activity.type === 'Elsa.ExecuteWorkflow' || activity.type === 'Elsa.DispatchWorkflow') {
    const id = literalOf(activity, 'workflowDefinitionId');
    return typeof id === 'string' && id.trim() ? id.trim() : null;
  }
  return null;
}

const RESERVED = new Set(['id', 'type', 'name', 'metadata', 'customproperties', 'version', 'canstartworkflow', 'runasynchronously']);

/** Properties shaped like inputs ({expression: …}) that the descriptor does not declare: still editable. */
export function extraInputs(activity: Activity, descriptor?: ActivityDescriptor): string[] {
  const declared = new Set((descriptor?.inputs ?? []).map((i) => i.name.toLowerCase()));
  return Object.keys(activity).filter((k) => {
    const v = activity[k];
    return !RESERVED.has(k.toLowerCase()) && !declared.has(k.toLowerCase())
      && v !== null && typeof v === 'object' && !Array.isArray(v) && 'expression' in (v as object);
  });
}

/** Node width in styles.css (.act) and a close estimate of its height: title, type, then one 16px row per port. */
const NODE_WIDTH = 220;
const nodeHeight = (n: ActivityNode) => n.measured?.height ?? 44 + 16 * n.data.ports.length;

/** Below this zoom the activities' labels cannot be read. */
export const READABLE_ZOOM = 0.8;

/**
 * How a freshly opened workflow is shown in a canvas of the given size: the whole of it when it fits at a readable zoom
 * (`fit`), else zoom 1 with the start (Elsa.Start, or the leftmost activity) at the left edge, vertically centred, so
 * the flow reads from its beginning. The canvas's controls still zoom out or fit the whole workflow.
 */
export function initialView(
  nodes: ActivityNode[], width: number, height: number, focusId?: string,
): { fit: true } | { fit: false; viewport: Viewport } {
  if (nodes.length === 0 || width <= 0 || height <= 0) return { fit: true };
  const left = Math.min(...nodes.map((n) => n.position.x));
  const top = Math.min(...nodes.map((n) => n.position.y));
  const right = Math.max(...nodes.map((n) => n.position.x + NODE_WIDTH));
  const bottom = Math.max(...nodes.map((n) => n.position.y + nodeHeight(n)));
  const fitZoom = Math.min((width * 0.9) / (right - left), (height * 0.9) / (bottom - top));
  if (fitZoom >= READABLE_ZOOM) return { fit: true };
  // An activity to show (where an instance waits) is put in the middle; otherwise the start sits at the left.
  const focus = focusId ? nodes.find((n) => n.id === focusId) : undefined;
  if (focus) {
    return {
      fit: false,
      viewport: { x: width / 2 - (focus.position.x + NODE_WIDTH / 2), y: height / 2 - (focus.position.y + nodeHeight(focus) / 2), zoom: 1 },
    };
  }
  const start = nodes.find((n) => n.data.activity.type === 'Elsa.Start')
    ?? nodes.reduce((a, b) => (b.position.x < a.position.x ? b : a));
  return {
    fit: false,
    viewport: { x: 40 - start.position.x, y: height / 2 - (start.position.y + nodeHeight(start) / 2), zoom: 1 },
  };
}
