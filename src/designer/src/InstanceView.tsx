import { capitalized, statusText, t, when as whenOr } from './i18n';
import { statusBadge } from './TryIt';
import type { WorkflowInstance } from './types';

const when = (iso?: string | null) => whenOr(iso, '—');

/**
 * The instance view's side panel: where a stored instance stands (status, what it waits for, what went wrong), its
 * journal in order, and its parent and children. Activity ids select their node on the canvas; a parent or child opens
 * that instance here.
 */
export default function InstanceView({ instance, onSelect, onOpenInstance, labelOutcome }: {
  instance: WorkflowInstance;
  onSelect: (activityId: string) => void;
  onOpenInstance: (id: string) => void;
  /** An activity type's outcome as the reader names it. */
  labelOutcome: (activityType: string, port: string) => string;
}) {
  const activity = (id?: string | null) => (id
    ? <button type="button" className="link mono" onClick={() => onSelect(id)} data-activity={id}>{id}</button>
    : <em>{t('problems.workflow')}</em>);
  const none = <p className="hint">{t('none')}</p>;
  return (
    <div className="instance" data-testid="instance">
      <dl className="facts">
        <dt>{t('instance.id')}</dt>
        <dd><a className="mono" href={`/admin/workflow-instances/${instance.id}`} data-testid="instance-admin-link">{instance.id}</a></dd>
        <dt>{t('run.status')}</dt>
        <dd>{statusBadge(instance.status, 'instance-status')}</dd>
        <dt>{t('instance.version')}</dt><dd>{capitalized(t('version', { v: instance.definitionVersion }))}</dd>
        {instance.correlationId && <><dt>{t('instance.correlation')}</dt><dd className="mono">{instance.correlationId}</dd></>}
        <dt>{t('instance.created')}</dt><dd>{when(instance.createdAt)}</dd>
        <dt>{t('instance.updated')}</dt><dd>{when(instance.updatedAt)}</dd>
        {instance.finishedAt && <><dt>{t('instance.finished')}</dt><dd>{when(instance.finishedAt)}</dd></>}
        {instance.parentInstanceId && (
          <>
            <dt>{t('instance.parent')}</dt>
            <dd>
              <button type="button" className="link mono" onClick={() => onOpenInstance(instance.parentInstanceId!)} data-testid="instance-parent">
                {instance.parentInstanceId}
              </button>
              {instance.parentActivityId && <> {t('run.child.from', { activity: instance.parentActivityId })}</>}
            </dd>
          </>
        )}
      </dl>
      {instance.bodyPath && <p className="hint">{t('instance.body', { path: instance.bodyPath })}</p>}
      <p className="hint">{t('instance.hint')}</p>

      <h3>{t('run.incidents')}</h3>
      {instance.incidents.length === 0 ? none : (
        <ul className="incidents" data-testid="instance-incidents">
          {instance.incidents.map((x, i) => <li key={i}>{activity(x.activityId)} {x.message} <span className="hint">{when(x.at)}</span></li>)}
        </ul>
      )}

      <h3>{t('run.waiting')}</h3>
      {instance.bookmarks.length === 0 ? none : (
        <ul data-testid="instance-waiting">
          {instance.bookmarks.map((b) => (
            <li key={b.id}>
              {activity(b.activityId)} {b.kind}{b.key ? ` ${b.key}` : ''}
              {b.resumeAt && <> · {t('instance.resumeAt', { when: when(b.resumeAt) })}</>}
            </li>
          ))}
        </ul>
      )}

      {instance.children.length > 0 && (
        <>
          <h3>{t('run.children')}</h3>
          <ul className="children" data-testid="instance-children">
            {instance.children.map((c) => (
              <li key={c.id}>
                <button type="button" className="link" onClick={() => onOpenInstance(c.id)} data-child-instance={c.id}>
                  {c.definitionId} · v{c.definitionVersion}
                </button>
                {' '}{statusText(c.status)}
                {c.parentActivityId && <> · {t('run.child.from', { activity: c.parentActivityId })}</>}
              </li>
            ))}
          </ul>
        </>
      )}

      <h3>{t('run.journal')}</h3>
      {instance.journal.length === 0 ? none : (
        <ol className="journal" data-testid="instance-journal">
          {instance.journal.map((j) => (
            <li key={j.sequence} data-kind={j.kind}>
              <span className="hint">{when(j.at)}</span> {activity(j.activityId)} {statusText(j.kind)}
              {j.outcomes.length ? ` → ${j.outcomes.map((o) => labelOutcome(j.activityType, o)).join(', ')}` : ''}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
