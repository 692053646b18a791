import type { Activity, ActivityDescriptor, InputDescriptor, InputValue, Variable } from './types';
import { extraInputs, inputKey } from './graph';

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

interface Props {
  activity: Activity;
  descriptor?: ActivityDescriptor;
  variables: Variable[];
  onChange: (activity: Activity) => void;
  onDelete: () => void;
}

/** The side panel for the selected activity: its name and its inputs (expression type + value). */
export default function Inspector({ activity, descriptor, variables, onChange, onDelete }: Props) {
  const inputs: InputDescriptor[] = [
    ...(descriptor?.inputs ?? []),
    ...extraInputs(activity, descriptor).map((name) => ({
      name,
      typeName: (activity[name] as InputValue)?.typeName ?? 'Object',
      required: false,
      displayName: { 'zh-CN': name, en: '(not in the palette)' },
      description: '',
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
      <h3>活动 Activity</h3>
      <div className="field">
        <label htmlFor="activity-name">名称 Name</label>
        <input id="activity-name" value={activity.name ?? ''} onChange={(e) => onChange({ ...activity, name: e.target.value })} />
      </div>
      <div className="meta">
        <div>编号 Id: <code>{activity.id}</code></div>
        <div>类型 Type: {descriptor ? `${descriptor.displayName['zh-CN']} ${descriptor.displayName.en}` : '未知 unknown'} <code>{activity.type}</code></div>
      </div>
      {inputs.length > 0 && <h4>输入 Inputs</h4>}
      {inputs.map((input) => {
        const key = inputKey(activity, input.name);
        const domId = `input-${input.name}`;
        const label = (
          <label htmlFor={domId} title={input.description}>
            {input.displayName['zh-CN']} <span className="en">{input.displayName.en}</span>
            {input.required && <span className="required" title="必填 required"> *</span>}
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
                <option value="">（未选择 none）</option>
                {variables.map((v) => <option key={v.id ?? v.name} value={v.id ?? v.name}>{v.name ?? v.id}</option>)}
                {currentId && !variables.some((x) => (x.id ?? x.name) === currentId) && <option value={currentId}>{currentId}（未声明 undeclared）</option>}
              </select>
            </div>
          );
        }

        const current = activity[key] as InputValue | undefined;
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
        const placeholder = input.defaultValue !== null && input.defaultValue !== undefined ? `默认 default: ${textOf(input.defaultValue)}` : '';
        return (
          <div className="field" key={input.name}>
            {label}
            <div className="expr">
              <select aria-label={`${input.name} 表达式类型 expression type`} data-testid={`${domId}-type`} value={exprType}
                onChange={(e) => write(e.target.value, text)}>
                {EXPRESSION_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
                {!(EXPRESSION_TYPES as readonly string[]).includes(exprType) && <option value={exprType}>{exprType}</option>}
              </select>
              {exprType === 'Literal' && input.typeName === 'Boolean' ? (
                <select id={domId} value={text} onChange={(e) => write(exprType, e.target.value)}>
                  <option value="">（默认 default{placeholder ? `: ${textOf(input.defaultValue)}` : ''}）</option>
                  <option value="true">true 是</option>
                  <option value="false">false 否</option>
                </select>
              ) : exprType === 'Literal' && !text.includes('\n') ? (
                <input id={domId} value={text} placeholder={placeholder} onChange={(e) => write(exprType, e.target.value)} />
              ) : (
                <textarea id={domId} value={text} rows={3} spellCheck={false} placeholder={placeholder}
                  onChange={(e) => write(exprType, e.target.value)} />
              )}
            </div>
            {input.description && <div className="hint">{input.description}</div>}
          </div>
        );
      })}
      <button className="danger" onClick={onDelete}>删除活动 Delete activity</button>
    </div>
  );
}
