import { local, t, tryT } from './i18n';
import type { ActivityDescriptor } from './types';

export const DRAG_TYPE = 'application/x-liaison-activity';

/**
 * The activity types from the server's descriptors, grouped by category: drag one onto the canvas, or press it (mouse
 * or keyboard) to add it to the middle of the canvas.
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
        <details key={category} open>
          <summary>{tryT(`category.${category}`) ?? category}</summary>
          {items.map((d) => (
            <button key={d.type} type="button" className="palette-item" draggable title={`${d.type}\n${d.description}`}
              data-type={d.type} aria-label={t('palette.add', { name: local(d.displayName, d.type) })}
              onDragStart={(e) => {
                e.dataTransfer.setData(DRAG_TYPE, d.type);
                e.dataTransfer.effectAllowed = 'move';
              }}
              onClick={() => onAdd(d)}>
              {local(d.displayName, d.type)}
            </button>
          ))}
        </details>
      ))}
    </section>
  );
}
