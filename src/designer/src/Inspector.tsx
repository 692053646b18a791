import { useState } from 'react';
import type { Activity, ActivityDescriptor, InputDescriptor, InputValue, Variable } from './types';
import { childDefinitionId, extraInputs, inputKey } from './graph';
import { capitalized, choiceLabel, local, outcomeLabel, t } from './i18n';

export const EXPRESSION_TYPES = ['Literal', 'JavaScript', 'Liquid', 'Variable'] as const;

const NUMERIC = new Set(['Int32', 'Int64', 'Double', 'Decimal', 'Single', 'Number', 'Int16', 'Byte']);

/** A Literal's JSON value from the text box: numbers and booleans keep their JSON type, as in the shipped files. */
function literalFromText(typeName: string | undefined, text: string): unknown {
  const t = text.trim();
  if (typeName && NUMERIC.has(typeName) && /^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (typeName === 'Boolean' && (t === 'true' || t === 'false')) return t === 'true';
  return text;
}

function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Inputs the server binds from the node's raw JSON property rather than an {expression} wrapper: embedded activities
 * (a loop's body, a fork's branches) and a switch's cases. Edited as JSON, and kept exactly as loaded until edited.
 */
const RAW_TYPES: Record<string, 'object' | 'array'> = { Activity: 'object', 'Activity[]': 'array', 'SwitchCase[]': 'array' };

/** A stored input that is not an {expression} wrapper: a raw value, edited as JSON so it is never rewrapped. */
const isRawValue = (v: unknown) => v !== undefined && !(v !== null && typeof v === 'object' && !Array.isArray(v) && 'expression' in (v as object));

/**
 * A raw input as JSON text: each edit is parsed and applied only when it is valid JSON of the expected shape; otherwise
 * the message says why and the activity keeps its last valid value. Nothing is rewritten until the text is edited.
 */
function JsonInput({ id, value, expect, onApply }: {
  id: string;
  value: unknown;
  expect?: 'object' | 'array';
  onApply: (value: unknown) => void;
}) {
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [error, setError] = useState<string | null>(null);
  const edit = (next: string) => {
    setText(next);
    if (next.trim() === '') {
      setError(null);
      onApply(undefined);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(next);
    } catch (e) {
      setError(t('inspector.json.invalid', { message: e instanceof Error ? e.message : String(e) }));
      return;
    }
    if (expect === 'array' && !Array.isArray(parsed)) {
      setError(t('inspector.json.array'));
      return;
    }
    if (expect === 'object' && (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))) {
      setError(t('inspector.json.object'));
      return;
    }
    setError(null);
    onApply(parsed);
  };
  return (
    <>
      <textarea id={id} className="json" value={text} rows={Math.min(12, Math.max(3, text.split('\n').length))} spellCheck={false}
        aria-invalid={error ? true : undefined} aria-describedby={`${id}-hint`} onChange={(e) => edit(e.target.value)} />
      <div id={`${id}-hint`} className={error ? 'json-error' : 'hint'} aria-live="polite" data-testid={`${id}-message`}>
        {error ?? t('inspector.json.hint')}
      </div>
    </>
  );
}

/**
 * What an input is for, and the values it takes, each with its meaning (a mail kind's name, a status's words) when the
 * value alone does not say it.
 */
function InputHints({ domId, input }: { domId: string; input: InputDescriptor }) {
  const description = local(input.description);
  return (
    <>
      {description && <div className="hint" data-testid={`${domId}-description`}>{description}</div>}
      {input.choices && (
        <div className="hint" data-testid={`${domId}-choices-hint`}>
          {t(input.severalChoices ? 'inspector.choicesSeveral' : 'inspector.choices')}
          <ul className="choices">
            {input.choices.map((c) => {
              // A label of its own beside the value, capitalised as the UI's labels are (the server's runs on in sentences).
              const label = capitalized(choiceLabel(c, input));
              return <li key={c} data-value={c}><code>{c}</code>{label && <> {label}</>}</li>;
            })}
          </ul>
        </div>
      )}
    </>
  );
}

/** An outgoing connection of the selected activity, as the inspector lists it. */
export interface Outgoing {
  edgeId: string;
  port: string;
  target: string;
}

interface Props {
  activity: Activity;
  descriptor?: ActivityDescriptor;
  variables: Variable[];
  onChange: (activity: Activity) => void;
  onDelete: () => void;
  /** The activity's outcome ports, its outgoing connections, and the activities it may connect to. */
  ports: string[];
  outgoing: Outgoing[];
  targets: { id: string; label: string }[];
  onConnect: (port: string, target: string) => void;
  onDeleteConnection: (edgeId: string) => void;
  /** Opens a child workflow in the designer (as choosing it in the list does). */
  onOpenChild: (definitionId: string) => void;
}

/**
 * The side panel for the selected activity: its name, its inputs (expression type + value) and its outgoing
 * connections, which can be added and removed here too, so the keyboard can do what dragging a port does.
 */
export default function Inspector({
  activity, descriptor, variables, onChange, onDelete, ports, outgoing, targets, onConnect, onDeleteConnection, onOpenChild,
}: Props) {
  const child = childDefinitionId(activity);
  const pinned = typeof activity.version === 'number' ? activity.version : null;
  const [pick, setPick] = useState<Record<string, string>>({});
  const inputs: InputDescriptor[] = [
    ...(descriptor?.inputs ?? []),
    ...extraInputs(activity, descriptor).map((name) => ({
      name,
      typeName: (activity[name] as InputValue)?.typeName ?? 'Object',
      required: false,
      displayName: { 'zh-CN': `${name} ${t('inspector.notInPalette')}`, en: `${name} ${t('inspector.notInPalette')}` },
      description: { 'zh-CN': '', en: '' },
      defaultValue: null,
    })),
  ];

  const set = (key: string, value: unknown) => {
    const next: Activity = { ...activity };
    if (value === undefined) delete next[key];
    else next[key] = value;
    onChange(next);
  };

  return (
    <div className="inspector" data-testid="inspector">
      <h3>{t('inspector.activity')}</h3>
      <div className="field">
        <label htmlFor="activity-name">{t('inspector.name')}</label>
        <input id="activity-name" value={activity.name ?? ''} onChange={(e) => onChange({ ...activity, name: e.target.value })} />
      </div>
      <div className="meta">
        <div>{t('inspector.id')}: <code>{activity.id}</code></div>
        <div>{t('inspector.type')}: {descriptor ? local(descriptor.displayName, descriptor.type) : t('inspector.unknown')} <code>{activity.type}</code></div>
        {typeof activity.workflowDefinitionId === 'string' && (
          <div data-testid="inspector-child">
            {t('inspector.child')}: <code>{activity.workflowDefinitionId}</code>{' '}
            {activity.useLatest === true ? t('inspector.latest') : pinned !== null ? t('inspector.pinned', { v: pinned }) : ''}
          </div>
        )}
      </div>
      {child && (
        <button type="button" className="small" onClick={() => onOpenChild(child)}>{t('inspector.openChild', { id: child })}</button>
      )}
      {inputs.length > 0 && <h4>{t('inspector.inputs')}</h4>}
      {inputs.map((input) => {
        const key = inputKey(activity, input.name);
        const domId = `input-${input.name}`;
        const label = (
          <label htmlFor={domId} title={local(input.description)}>
            {local(input.displayName, input.name)}
            {input.required && <span className="required" title={t('inspector.required')}> *</span>}
            <span className="typename">{input.typeName}</span>
          </label>
        );

        if (input.typeName === 'Variable') {
          // A raw reference to a declared variable (Elsa.SetVariable's `variable`): {id, name, typeName}.
          const current = activity[key] as Variable | string | undefined;
          const currentId = typeof current === 'string' ? current : current?.id ?? current?.name ?? '';
          return (
            <div className="field" key={input.name}>
              {label}
              <select id={domId} value={currentId} onChange={(e) => {
                const v = variables.find((x) => (x.id ?? x.name) === e.target.value);
                set(key, v ? { id: v.id, name: v.name, typeName: v.typeName } : undefined);
              }}>
                <option value="">{t('inspector.noVariable')}</option>
                {variables.map((v) => <option key={v.id ?? v.name} value={v.id ?? v.name}>{v.name ?? v.id}</option>)}
                {currentId && !variables.some((x) => (x.id ?? x.name) === currentId) && <option value={currentId}>{currentId} {t('inspector.undeclared')}</option>}
              </select>
            </div>
          );
        }

        const stored = activity[key];
        if (RAW_TYPES[input.typeName] || isRawValue(stored)) {
          return (
            <div className="field" key={input.name}>
              {label}
              <JsonInput id={domId} value={stored} expect={RAW_TYPES[input.typeName]} onApply={(v) => set(key, v)} />
              <InputHints domId={domId} input={input} />
            </div>
          );
        }

        const current = stored as InputValue | undefined;
        const exprType = current?.expression?.type ?? 'Literal';
        const text = textOf(current?.expression?.value);
        const write = (type: string, valueText: string) => {
          if (type === 'Literal' && valueText === '') {
            set(key, undefined); // empty Literal: the input is left out and its default applies
            return;
          }
          const typeName = current?.typeName ?? input.typeName;
          const value = type === 'Literal' ? literalFromText(typeName, valueText) : valueText;
          set(key, { ...(current ?? {}), typeName, expression: { ...(current?.expression ?? {}), type, value } });
        };
        // One value to pick: the browser suggests them; several (a list) only the hint below names them.
        const suggestions = input.severalChoices ? null : input.choices;
        const placeholder = input.defaultValue !== null && input.defaultValue !== undefined ? t('inspector.default', { v: textOf(input.defaultValue) }) : '';
        return (
          <div className="field" key={input.name}>
            {label}
            <div className="expr">
              <select aria-label={t('inspector.exprType', { name: local(input.displayName, input.name) })} data-testid={`${domId}-type`} value={exprType}
                onChange={(e) => write(e.target.value, text)}>
                {EXPRESSION_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
                {!(EXPRESSION_TYPES as readonly string[]).includes(exprType) && <option value={exprType}>{exprType}</option>}
              </select>
              {exprType === 'Literal' && input.typeName === 'Boolean' ? (
                <select id={domId} value={text} onChange={(e) => write(exprType, e.target.value)}>
                  <option value="">{placeholder ? t('inspector.defaultOptionValue', { v: textOf(input.defaultValue) }) : t('inspector.defaultOption')}</option>
                  <option value="true">{t('inspector.true')}</option>
                  <option value="false">{t('inspector.false')}</option>
                </select>
              ) : exprType === 'Literal' && !text.includes('\n') ? (
                <>
                  <input id={domId} value={text} placeholder={placeholder} onChange={(e) => write(exprType, e.target.value)}
                    list={suggestions ? `${domId}-choices` : undefined} />
                  {suggestions && (
                    <datalist id={`${domId}-choices`}>
                      {suggestions.map((c) => <option key={c} value={c} label={capitalized(choiceLabel(c, input)) || undefined} />)}
                    </datalist>
                  )}
                </>
              ) : (
                <textarea id={domId} value={text} rows={3} spellCheck={false} placeholder={placeholder}
                  onChange={(e) => write(exprType, e.target.value)} />
              )}
            </div>
            <InputHints domId={domId} input={input} />
          </div>
        );
      })}
      {ports.length > 0 && (
        <section className="connections" aria-labelledby="connections-heading">
          <h4 id="connections-heading">{t('connections')}</h4>
          {outgoing.length === 0 ? <div className="hint">{t('connections.none')}</div> : (
            <ul>
              {outgoing.map((o) => (
                <li key={o.edgeId}>
                  <span><span title={o.port}>{outcomeLabel(o.port, descriptor)}</span> → <code>{o.target}</code></span>
                  <button type="button" className="small" aria-label={`${t('action.deleteConnection')}: ${outcomeLabel(o.port, descriptor)} → ${o.target}`}
                    onClick={() => onDeleteConnection(o.edgeId)}>×</button>
                </li>
              ))}
            </ul>
          )}
          {ports.map((port) => {
            const id = `connect-${port}`;
            return (
              <div className="field connect" key={port}>
                <label htmlFor={id} title={port}>{t('connections.from', { port: outcomeLabel(port, descriptor) })}</label>
                <div className="expr">
                  <select id={id} value={pick[port] ?? ''} onChange={(e) => setPick({ ...pick, [port]: e.target.value })}>
                    <option value="">{t('connections.pick')}</option>
                    {targets.map((x) => <option key={x.id} value={x.id}>{x.label}</option>)}
                  </select>
                  <button type="button" className="small" disabled={!pick[port]}
                    onClick={() => { onConnect(port, pick[port]); setPick({ ...pick, [port]: '' }); }}>{t('connections.add')}</button>
                </div>
              </div>
            );
          })}
        </section>
      )}
      <button type="button" className="danger" onClick={onDelete}>{t('action.deleteActivity')}</button>
    </div>
  );
}
