import { lang, statusText, t } from './i18n';
import type { CaseJson, Effect, TestRunChild, TestRunResult } from './types';

/** The case fields worth editing in a try-it run; the server lays whatever is sent over its sample case. */
const EDITABLE = ['number', 'title', 'category', 'priority', 'status', 'departmentCode', 'isKeyEnterprise', 'enterpriseName', 'pendingExtensionDays'];

/** The sample case as the editor shows it: the editable fields only, pretty-printed. */
export function sampleCaseText(sample: CaseJson | null): string {
  if (!sample) return '';
  const shown: CaseJson = {};
  for (const k of EDITABLE) if (k in sample) shown[k] = sample[k];
  return JSON.stringify(shown, null, 2);
}

/** Bookmark kinds of the human tasks: a try-it run leaves them waiting instead of inventing a decision. */
const PERSON_KINDS = new Set(['Liaison.WaitForLiaison', 'Liaison.WaitForOfficer']);

/** "2026-12-02T18:00:00+08:00" as "2026-12-02 18:00": the server's local time, without guessing a zone. */
const at = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v) ? v.slice(0, 16).replace('T', ' ') : String(v ?? ''));

/** A value of an activity type's input as the reader names it (the descriptor's label), or '' when it has none. */
export type LabelChoice = (activityType: string, input: string, value: string) => string;

/** An effect's audiences (handler, officer, …), named as the activity's `to` input names them. */
const audience = (v: unknown, activityType: string, labelChoice: LabelChoice) => (Array.isArray(v) ? v : [])
  .map((a) => labelChoice(activityType, 'to', String(a)) || String(a))
  .join(lang === 'en' ? ', ' : '、');

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});

/** One effect as a sentence in the reader's language; unknown types show their name and JSON. */
export function effectText(e: Effect, labelChoice: LabelChoice): string {
  switch (e.type) {
    case 'CaseDispatched': {
      const d = obj(e.department);
      return t('effect.CaseDispatched', {
        department: String(d.name ?? d.code ?? ''),
        handler: String(obj(d.handler).name ?? ''),
        round: String(e.round ?? ''),
        acceptBy: at(obj(e.acceptBy).due),
        dueAt: at(obj(e.dueAt).due),
        days: String(obj(e.dueAt).workingDays ?? ''),
      });
    }
    case 'CaseStatusSet':
      return t('effect.CaseStatusSet', { status: String(e.status ?? '') });
    case 'CaseNotification':
      return t('effect.CaseNotification', { template: String(e.template ?? ''), audience: audience(e.audience, 'Liaison.Notify', labelChoice) });
    case 'CaseEscalated':
      return t('effect.CaseEscalated', { level: String(e.level ?? ''), template: String(e.template ?? ''), audience: audience(e.audience, 'Liaison.Escalate', labelChoice) });
    case 'DeadlineReached':
      return t('effect.DeadlineReached', { kind: String(e.kind ?? ''), deadline: at(e.deadline) });
    case 'CaseDeadlineChanged':
      return t('effect.CaseDeadlineChanged', { dueAt: at(obj(e.dueAt).due), reason: String(e.reason ?? '') });
    case 'OutboxEmail':
      return t('effect.OutboxEmail', { subject: String(e.subject ?? ''), to: (Array.isArray(e.to) ? e.to : []).join(', ') });
    default: {
      const { type, activityId, ...rest } = e;
      void activityId;
      return `${type} ${JSON.stringify(rest)}`;
    }
  }
}

const hasKeys = (o: Record<string, unknown> | null | undefined): o is Record<string, unknown> => !!o && Object.keys(o).length > 0;

/** A run's or an instance's status as a coloured badge. */
export const statusBadge = (status: string, testId?: string) => (
  <span className={`badge status-${status.toLowerCase()}`} data-testid={testId} data-status={status}>{statusText(status)}</span>
);

/** One child instance of the run: which workflow (or which body), who started it, how it ended, what it wrote. */
function ChildRun({ child }: { child: TestRunChild }) {
  return (
    <li data-definition-id={child.definitionId} data-status={child.status}>
      <div>
        <code>{child.definitionId}</code> {t('version', { v: child.version })}{' '}
        <span className="hint">
          {child.bodyPath
            ? t('run.child.body', { activity: child.parentActivityId, path: child.bodyPath })
            : t('run.child.from', { activity: child.parentActivityId })}
        </span>{' '}
        {statusBadge(child.status)}
      </div>
      {child.outcomes.length > 0 && (
        <div className="hint">{t('run.child.outcomes', { list: child.outcomes.join(lang === 'en' ? ', ' : '、') })}</div>
      )}
      {child.writeLines.length > 0 && (
        <ul className="writelines">{child.writeLines.map((l, i) => <li key={i}><code>{l}</code></li>)}</ul>
      )}
      {hasKeys(child.output) && <pre className="case-after">{JSON.stringify(child.output, null, 2)}</pre>}
    </li>
  );
}

interface Props {
  canRun: boolean;
  busy: boolean;
  input: string;
  onInput: (text: string) => void;
  caseText: string;
  onCaseText: (text: string) => void;
  sampleText: string;
  run: TestRunResult | null;
  onRun: () => void;
  /** An activity type's outcome as the reader names it. */
  labelOutcome: (activityType: string, port: string) => string;
  labelChoice: LabelChoice;
}

/** The try-it panel: the input and the case to route, and what the run did (nothing of it stored). */
export default function TryIt({ canRun, busy, input, onInput, caseText, onCaseText, sampleText, run, onRun, labelOutcome, labelChoice }: Props) {
  const none = <div className="hint">{t('none')}</div>;
  return (
    <div className="run">
      <div className="field">
        <label htmlFor="run-input">{t('run.input')}</label>
        <textarea id="run-input" rows={2} value={input} spellCheck={false} onChange={(e) => onInput(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="run-case">{t('run.case')}</label>
        <textarea id="run-case" rows={11} value={caseText} spellCheck={false} aria-describedby="run-case-hint"
          onChange={(e) => onCaseText(e.target.value)} />
        <div className="hint" id="run-case-hint">{t('run.case.hint')}</div>
        <button type="button" className="small" disabled={!sampleText || caseText === sampleText} onClick={() => onCaseText(sampleText)}>
          {t('run.case.reset')}
        </button>
      </div>
      <button type="button" className="primary" disabled={!canRun || busy} onClick={onRun}>{t('action.tryIt')}</button>
      <div className="hint">{t('run.hint')}</div>
      {run && (
        <div className="run-result" data-testid="run-result">
          <div>
            {t('run.status')}:{' '}
            {statusBadge(run.status, 'run-status')}
          </div>
          {run.case && <div className="hint" data-testid="run-case-kind">{run.sampleCase ? t('run.sample') : t('run.edited')}</div>}
          <h3>{t('run.effects')}</h3>
          {run.effects.length === 0 ? none : (
            <ul className="effects" data-testid="run-effects">
              {run.effects.map((e, i) => (
                <li key={i} data-effect-type={e.type}><code>{e.activityId}</code> {effectText(e, labelChoice)}</li>
              ))}
            </ul>
          )}
          <h3>{t('run.writeLines')}</h3>
          {run.writeLines.length === 0 ? none : (
            <ul className="writelines" data-testid="run-writelines">{run.writeLines.map((l, i) => <li key={i}><code>{l}</code></li>)}</ul>
          )}
          <h3>{t('run.output')}</h3>
          {hasKeys(run.output) ? <pre className="case-after" data-testid="run-output">{JSON.stringify(run.output, null, 2)}</pre> : none}
          {run.children && run.children.length > 0 && (
            <>
              <h3>{t('run.children')}</h3>
              <ul className="children" data-testid="run-children">
                {run.children.map((c) => <ChildRun key={c.instanceId} child={c} />)}
              </ul>
            </>
          )}
          <h3>{t('run.incidents')}</h3>
          {run.incidents.length === 0 ? none : (
            <ul className="incidents" data-testid="run-incidents">{run.incidents.map((x, i) => <li key={i}><code>{x.activityId}</code> {x.message}</li>)}</ul>
          )}
          {run.bookmarks.length > 0 && (
            <>
              <h3>{t('run.waiting')}</h3>
              <ul data-testid="run-waiting">
                {run.bookmarks.map((b) => (
                  <li key={b.id}>
                    <code>{b.activityId}</code> {b.kind}{b.key ? ` ${b.key}` : ''}
                    {PERSON_KINDS.has(b.kind) && <> — {t('run.waitingPerson')}</>}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>{t('run.journal')}</h3>
          <ol className="journal">
            {run.journal.map((j) => (
              <li key={j.sequence}><code>{j.activityId}</code> {j.kind}{j.outcomes.length ? ` → ${j.outcomes.map((o) => labelOutcome(j.activityType, o)).join(', ')}` : ''}</li>
            ))}
          </ol>
          {run.case && (
            <details>
              <summary>{t('run.caseAfter')}</summary>
              <pre className="case-after">{JSON.stringify(run.case, null, 2)}</pre>
            </details>
          )}
        </div>
      )}
    </div>
  );
}
