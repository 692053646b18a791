import { createContext, memo, useContext, useEffect, useRef } from 'react';
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { IN_PORT, childDefinitionId, type ActivityNode, type Trace } from './graph';
import { local, outcomeLabel, t } from './i18n';

/** The traces of the run on view (an instance, or the last try-it run), by activity id; null when none is shown. */
export const TraceContext = createContext<Map<string, Trace> | null>(null);

/**
 * One activity: its name and type, one input handle, one labelled handle per outcome port, and its validation errors.
 * A node that runs a child workflow says so, and opens the child on a double-click.
 */
function ActivityNodeView({ id, data, selected }: NodeProps<ActivityNode>) {
  const { activity, descriptor, ports, errors } = data;
  const trace = useContext(TraceContext)?.get(id);
  const child = childDefinitionId(activity);
  const updateNodeInternals = useUpdateNodeInternals();
  // Ports follow the configuration (a fork's branches, a switch's cases): React Flow must measure the new handles. Not
  // on mount, where React Flow measures the node itself (an early update there upsets the canvas's first fitView).
  const portKey = ports.join('\n');
  const measuredPorts = useRef(portKey);
  useEffect(() => {
    if (measuredPorts.current === portKey) return;
    measuredPorts.current = portKey;
    updateNodeInternals(id);
  }, [id, portKey, updateNodeInternals]);

  const classes = ['act'];
  if (selected) classes.push('selected');
  if (errors.length > 0) classes.push('invalid');
  if (!descriptor) classes.push('unknown');
  if (child) classes.push('child');
  if (trace) classes.push('traced');
  if (trace?.waiting) classes.push('waiting');
  if (trace?.faulted) classes.push('faulted');
  const about = descriptor ? local(descriptor.description) : t('unknownType', { type: activity.type });
  return (
    <div className={classes.join(' ')} title={child ? [about, t('node.openChild', { id: child })].filter(Boolean).join('\n') : about}
      data-child-definition={child ?? undefined} data-trace={trace ? traceState(trace) : undefined}>
      <Handle type="target" position={Position.Left} id={IN_PORT} className="port-in" />
      <div className="act-title" title={activity.name || activity.id}>{activity.name || activity.id}</div>
      {/* The type's name and the id side by side, each wrapping in its own column: a long English name never runs under the id. */}
      <div className="act-type">
        <span className="act-type-name">
          {descriptor ? local(descriptor.displayName, descriptor.type) : t('unknownType', { type: activity.type })}
          {typeof activity.version === 'number' && activity.workflowDefinitionId ? ` · v${activity.version}` : ''}
        </span>
        <span className="act-id">{activity.id}</span>
      </div>
      {trace && (
        <div className="act-trace" data-testid={`trace-${activity.id}`}>
          {trace.faulted ? t('trace.faulted') : trace.waiting ? t('trace.waiting') : null}
          {(trace.faulted || trace.waiting) && trace.completed > 0 ? ' · ' : null}
          {trace.completed > 0 ? t('trace.completed', { n: trace.completed, outcomes: trace.outcomes.map((o) => outcomeLabel(o, descriptor)).join(', ') || '—' }) : null}
        </div>
      )}
      {ports.length > 0 && (
        <div className="act-ports">
          {ports.map((p) => (
            <div className="act-port" key={p} data-port={p}>
              <span title={p}>{outcomeLabel(p, descriptor)}</span>
              <Handle type="source" position={Position.Right} id={p} className="port-out" />
            </div>
          ))}
        </div>
      )}
      {errors.length > 0 && (
        <ul className="act-errors">
          {errors.map((e, i) => <li key={i}>{e}</li>)}
        </ul>
      )}
    </div>
  );
}

/** The node's state in the instance on view: faulted, waiting now, or ran. */
const traceState = (x: Trace) => (x.faulted ? 'faulted' : x.waiting ? 'waiting' : 'ran');

export default memo(ActivityNodeView);
