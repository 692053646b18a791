import type { ActivityDescriptor } from './types';

export const DRAG_TYPE = 'application/x-liaison-activity';

const CATEGORY_NAMES: Record<string, string> = {
  Primitives: '基础 Primitives',
  Flow: '流程 Flow',
  Branching: '分支 Branching',
  Scheduling: '定时 Scheduling',
  Email: '邮件 Email',
  Liaison: '事项流转 Liaison',
};

/** The activity types from the server's descriptors, grouped by category: drag onto the canvas, or click to add. */
export default function Palette({ descriptors, onAdd }: { descriptors: ActivityDescriptor[]; onAdd: (d: ActivityDescriptor) => void }) {
  const groups = new Map<string, ActivityDescriptor[]>();
  for (const d of descriptors) {
    if (!groups.has(d.category)) groups.set(d.category, []);
    groups.get(d.category)!.push(d);
  }
  return (
    <div className="palette">
      <h3>活动 Palette</h3>
      <div className="hint">拖到画布或点击添加 Drag onto the canvas or click to add</div>
      {[...groups.entries()].map(([category, items]) => (
        <details key={category} open>
          <summary>{CATEGORY_NAMES[category] ?? category}</summary>
          {items.map((d) => (
            <div key={d.type} className="palette-item" draggable title={`${d.type}\n${d.description}`}
              data-type={d.type}
              onDragStart={(e) => {
                e.dataTransfer.setData(DRAG_TYPE, d.type);
                e.dataTransfer.effectAllowed = 'move';
              }}
              onClick={() => onAdd(d)}>
              {d.displayName['zh-CN']} <span className="en">{d.displayName.en}</span>
            </div>
          ))}
        </details>
      ))}
    </div>
  );
}
