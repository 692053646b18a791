// Between the Elsa JSON and React Flow's nodes and edges. Each node carries its whole activity object and each edge its
// whole connection object, so a save writes back exactly what was loaded plus the user's edits.
import type { Edge, Node, Viewport } from '@xyflow/react';
import { local, t } from './i18n';
import type { Activity, ActivityDescriptor, Connection, Definition, InputValue } from './types';

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

export function portsOf(activity: Activity, descriptor: ActivityDescriptor | undefined, connections: Connection[]): string[] {
  const ports = [...(descriptor?.outcomes ?? [])];
  for (const c of connections) {
    if (c.source?.activity === activity.id && !ports.includes(sourcePort(c))) ports.push(sourcePort(c));
  }
  return ports;
}

function autoPosition(i: number) {
  return { x: (i % 5) * 260, y: Math.floor(i / 5) * 200 };
}

let edgeSeq = 0;
export const newEdgeId = () => `edge-${++edgeSeq}`;

/** What a screen reader says for a node: its name and its type. */
export const nodeAria = (a: Activity, d?: ActivityDescriptor) =>
  t('node.aria', { name: a.name || a.id, type: d ? local(d.displayName, d.type) : t('unknownType', { type: a.type }) });

export const edgeAria = (source: string, port: string, target: string) => t('connections.aria', { source, port, target });

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
      data: { activity: a, descriptor, ports: portsOf(a, descriptor, connections), errors: [] },
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
      ariaLabel: edgeAria(c.source.activity, sourcePort(c), c.target.activity),
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

/** A new activity of a palette type, with the descriptor's default values as Literal inputs. */
export function newActivity(d: ActivityDescriptor, id: string, position: { x: number; y: number }): Activity {
  const a: Activity = {
    id,
    type: d.type,
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

/** The key an input is stored under (matching case-insensitively, as the server reads it). */
export function inputKey(activity: Activity, name: string): string {
  const lower = name.toLowerCase();
  return Object.keys(activity).find((k) => k.toLowerCase() === lower) ?? name;
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
export function initialView(nodes: ActivityNode[], width: number, height: number): { fit: true } | { fit: false; viewport: Viewport } {
  if (nodes.length === 0 || width <= 0 || height <= 0) return { fit: true };
  const left = Math.min(...nodes.map((n) => n.position.x));
  const top = Math.min(...nodes.map((n) => n.position.y));
  const right = Math.max(...nodes.map((n) => n.position.x + NODE_WIDTH));
  const bottom = Math.max(...nodes.map((n) => n.position.y + nodeHeight(n)));
  const fitZoom = Math.min((width * 0.9) / (right - left), (height * 0.9) / (bottom - top));
  if (fitZoom >= READABLE_ZOOM) return { fit: true };
  const start = nodes.find((n) => n.data.activity.type === 'Elsa.Start')
    ?? nodes.reduce((a, b) => (b.position.x < a.position.x ? b : a));
  return {
    fit: false,
    viewport: { x: 40 - start.position.x, y: height / 2 - (start.position.y + nodeHeight(start) / 2), zoom: 1 },
  };
}
