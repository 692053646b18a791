import { lang, local, outcomeLabel, t, tryT } from './i18n';
import type { ActivityDescriptor } from './types';

export const DRAG_TYPE = 'application/x-liaison-activity';

const list = (xs: string[]) => xs.join(lang === 'en' ? ', ' : '、');

/** What a workflow usable as an activity takes and how it can end, as its palette entry shows it. */
export function workflowSummary(d: ActivityDescriptor): { inputs: string; outcomes: string } {
  return {
    inputs: t('palette.inputs', {
      list: d.inputs.length === 0 ? t('none') : list(d.inputs.map((i) => `${local(i.displayName, i.name)} (${i.typeName})`)),
    }),
    outcomes: t('palette.outcomes', { list: list(d.outcomes.map((o) => outcomeLabel(o, d))) }),
  };
}

/**
 * The activity types from the server's descriptors, grouped by category: drag one onto the canvas, or press it (mouse
 * or keyboard) to add it to the middle of the canvas. Workflows usable as activities show their inputs and outcomes.
 */
export default function Palette({ descriptors, onAdd }: { descriptors: ActivityDescriptor[]; onAdd: (d: ActivityDescriptor) => void }) {
  const groups = new Map<string, ActivityDescriptor[]>();
  for (const d of descriptors) {
    if (!groups.has(d.category)) groups.set(d.category, []);
    groups.get(d.category)!.push(d);
  }
  return (
    <section className="palette" aria-labelledby="palette-heading">
      <h2 id="palette-heading">{t('palette')}</h2>
      <div className="hint">{t('palette.hint')}</div>
      {[...groups.entries()].map(([category, items]) => (
        <details key={category} open data-category={category}>
          <summary>{tryT(`category.${category}`) ?? category}</summary>
          {items.map((d) => {
            const name = local(d.displayName, d.type);
            const workflow = d.workflowDefinitionId ? workflowSummary(d) : null;
            const detailId = `palette-detail-${d.type}`;
            const about = local(d.description);
            const title = workflow
              ? [`${d.type} · ${t('version', { v: d.version ?? '' })}`, about, workflow.inputs, workflow.outcomes].filter(Boolean).join('\n')
              : `${d.type}\n${about}`;
            return (
              <button key={d.type} type="button" className={workflow ? 'palette-item workflow' : 'palette-item'} draggable title={title}
                data-type={d.type} aria-label={t('palette.add', { name })} aria-describedby={workflow ? detailId : undefined}
                onDragStart={(e) => {
                  e.dataTransfer.setData(DRAG_TYPE, d.type);
                  e.dataTransfer.effectAllowed = 'move';
                }}
                onClick={() => onAdd(d)}>
                {name}
                {workflow && (
                  <span className="palette-detail" id={detailId}>
                    <span>{workflow.inputs}</span>
                    <span>{workflow.outcomes}</span>
                  </span>
                )}
              </button>
            );
          })}
        </details>
      ))}
    </section>
  );
}
