import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { IN_PORT, type ActivityNode } from './graph';
import { local, t } from './i18n';

/** One activity: its name and type, one input handle, one labelled handle per outcome port, and its validation errors. */
function ActivityNodeView({ data, selected }: NodeProps<ActivityNode>) {
  const { activity, descriptor, ports, errors } = data;
  const classes = ['act'];
  if (selected) classes.push('selected');
  if (errors.length > 0) classes.push('invalid');
  if (!descriptor) classes.push('unknown');
  return (
    <div className={classes.join(' ')} title={descriptor?.description ?? t('unknownType', { type: activity.type })}>
      <Handle type="target" position={Position.Left} id={IN_PORT} className="port-in" />
      <div className="act-title" title={activity.name || activity.id}>{activity.name || activity.id}</div>
      <div className="act-type">
        {descriptor ? local(descriptor.displayName, descriptor.type) : t('unknownType', { type: activity.type })}
        <span className="act-id">{activity.id}</span>
      </div>
      {ports.length > 0 && (
        <div className="act-ports">
          {ports.map((p) => (
            <div className="act-port" key={p}>
              <span>{p}</span>
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

export default memo(ActivityNodeView);
