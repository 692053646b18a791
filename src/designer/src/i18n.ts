// The designer speaks the reader's language, once, in the order the other pages choose it: the reader's choice on the
// pages (the `liaison.lang` cookie, zh-CN or en), else the account's language (asked of the server before the app
// renders), else the browser's. Chinese by default.
import type { ActivityDescriptor, InputDescriptor, Localized, ValidationError } from './types';

export type Lang = 'zh-CN' | 'en';

export const LANG_COOKIE = 'liaison.lang';

const chosen = (cookie: string): Lang | null => {
  const m = cookie.match(/(?:^|;\s*)liaison\.lang=([^;]*)/);
  return m ? (decodeURIComponent(m[1]).trim() === 'en' ? 'en' : 'zh-CN') : null;
};

export function detectLang(cookie = document.cookie, browser = navigator.language): Lang {
  return chosen(cookie) ?? ((browser || '').toLowerCase().startsWith('en') ? 'en' : 'zh-CN');
}

export let lang: Lang = detectLang();

/** The zone times are shown in: the server's `Liaison:TimeZone`, as GET /api/auth/me names it; Asia/Shanghai until then. */
export let timeZone = 'Asia/Shanghai';

const knownZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/**
 * Asks the server (GET /api/auth/me) once, before the app renders, for the zone times are shown in and, without a choice
 * on the pages, the account's language, which goes before the browser's. Both stay as they are when the server cannot
 * say (signed out, offline).
 */
export async function settle(me: () => Promise<Response> = () => fetch('/api/auth/me', { headers: { Accept: 'application/json' } })): Promise<void> {
  try {
    const res = await me();
    if (!res.ok) return;
    const account = (await res.json()) as { culture?: string; timeZone?: string };
    if (!chosen(document.cookie) && (account.culture === 'en' || account.culture === 'zh-CN')) lang = account.culture;
    if (account.timeZone && knownZone(account.timeZone)) timeZone = account.timeZone;
  } catch {
    // The browser's language and Asia/Shanghai stand.
  }
}

const zh = {
  'app.title': '流程设计器 · Liaison',
  'brand': '流程设计器',
  'version': '第 {v} 版',
  'badge.published': '已发布',
  'badge.draft': '草稿',
  'badge.discarded': '已放弃',
  'badge.old': '旧版本',
  'badge.unsaved': '● 未保存',
  'badge.latest': '最新',
  'action.save': '保存草稿',
  'action.validate': '校验',
  'action.publish': '发布',
  'action.discardDraft': '放弃草稿',
  'action.tryIt': '试运行',
  'action.export': '导出',
  'action.close': '关闭消息',
  'nav.admin': '← 返回管理',
  'action.new': '新建流程',
  'action.open': '打开第 {v} 版',
  'action.deleteActivity': '删除活动',
  'action.deleteConnection': '删除连接',
  'actions': '流程操作',
  'workflows': '流程',
  'workflows.region': '流程与活动',
  'palette': '活动',
  'palette.hint': '拖到画布上，或按下按钮添加',
  'palette.add': '添加活动：{name}',
  'palette.inputs': '输入：{list}',
  'palette.outcomes': '结果：{list}',
  'canvas': '画布',
  'canvas.empty': '从左侧选择一个流程',
  'side': '属性与试运行',
  'tab.inspector': '属性',
  'tab.problems': '问题',
  'tab.run': '试运行',
  'tab.versions': '版本',
  'tab.instance': '实例',
  'hint.select': '选择一个活动以编辑（Tab 键可逐个选中画布上的活动，Enter 选定，方向键移动）；拖动端口或在属性里添加连接；按 Delete 删除。',
  'problems.notYet': '点击“校验”检查流程',
  'problems.none': '没有问题',
  'problems.workflow': '流程',
  'run.input': '输入（JSON）',
  'run.case': '事项（getCase() 看到的字段，JSON）',
  'run.case.hint': '默认是示例事项；可以修改，也可以只写要改的字段。',
  'run.case.reset': '恢复示例事项',
  'run.hint': '不存储任何内容，也不发邮件：定时、延时和事件立即继续；等待人员决定的活动（部门联络人、园区工作人员）停在那里。',
  'run.status': '状态',
  'run.sample': '使用示例事项运行',
  'run.edited': '使用修改后的事项运行',
  'run.writeLines': '输出（WriteLine）',
  'run.effects': '效果（试运行中未执行）',
  'run.incidents': '故障',
  'run.waiting': '仍在等待',
  'run.waitingPerson': '等待人员决定',
  'run.journal': '日志',
  'run.caseAfter': '运行后的事项',
  'run.output': '流程输出（SetOutput）',
  'run.children': '子流程',
  'run.child.from': '由 {activity} 启动',
  'run.child.body': '{activity} 的循环体 {path}',
  'run.child.outcomes': '结果：{list}',
  'run.result': '试运行结果：{status}',
  'status.Finished': '已完成',
  'status.Suspended': '等待中',
  'status.Faulted': '故障',
  'status.Cancelled': '已取消',
  'status.Running': '运行中',
  'status.Completed': '完成',
  'trace.completed': '已执行 {n} 次 → {outcomes}',
  'trace.waiting': '等待中',
  'trace.faulted': '故障',
  'instance.id': '实例',
  'instance.version': '流程版本',
  'instance.correlation': '关联编号',
  'instance.created': '创建',
  'instance.updated': '更新',
  'instance.finished': '结束',
  'instance.parent': '上级实例',
  'instance.body': '此实例运行 {path} 的循环体 / 容器体，画布上是它所在的流程。',
  'instance.hint': '画布上标出了此实例执行过的活动（次数与最后的结果）、正在等待的活动和故障，走过的连接加粗显示。点击活动编号可在画布上选中它。',
  'instance.resumeAt': '定时 {when}',
  'message.instance': '正在查看流程实例 {id}（第 {v} 版）的运行轨迹',
  'message.instanceClosed': '已离开实例视图',
  'action.closeInstance': '退出实例视图',
  'none': '（无）',
  'versions.notSaved': '（尚未保存）',
  'versions.changeLog': '修改记录：谁在何时保存、发布',
  'versions.publishedAt': '发布于 {when}',
  'versions.discardedAt': '放弃于 {when}',
  'versions.running': '{n} 个实例仍在此版本上运行（不受之后发布的版本影响）',
  'message.saved': '已保存草稿（第 {v} 版）',
  'message.valid': '校验通过',
  'message.problems': '发现 {n} 个问题',
  'message.published': '已发布第 {v} 版',
  'message.draftDiscarded': '已放弃第 {v} 版草稿',
  'confirm.discardDraft': '放弃第 {v} 版草稿？此操作不能撤销，已发布的版本不受影响。',
  'message.viewing': '正在查看第 {v} 版；保存后成为新草稿',
  'message.newWorkflow': '新流程：保存草稿后才会存储',
  'message.openFirst': '请先打开一个流程',
  'message.badInput': '试运行输入不是有效的 JSON 对象',
  'message.badCase': '试运行事项不是有效的 JSON 对象',
  'message.signIn': '需要重新登录',
  'message.forbidden': '无权限',
  'confirm.discard': '有未保存的修改，确定放弃吗？',
  'prompt.newId': '新流程的编号（字母、数字、.、_、-）',
  'message.badId': '编号无效',
  'message.exists': '已有流程 {id}',
  'def.published': '已发布 v{v}',
  'def.unpublished': '未发布',
  'connection': '连接',
  'connections': '连接',
  'connections.none': '（此活动没有向外的连接）',
  'connections.from': '从 {port} 连接到',
  'connections.add': '添加连接',
  'connections.pick': '（选择活动）',
  'connections.aria': '{source} 的 {port} 连到 {target}',
  'inspector.activity': '活动',
  'inspector.name': '名称',
  'inspector.id': '编号',
  'inspector.type': '类型',
  'inspector.unknown': '未知',
  'inspector.inputs': '输入',
  'inspector.required': '必填',
  'inspector.exprType': '{name}：表达式类型',
  'inspector.noVariable': '（未选择）',
  'inspector.undeclared': '（未声明）',
  'inspector.default': '默认：{v}',
  'inspector.choices': '可用的值：',
  'inspector.choicesSeveral': '可用的值（可填多个，用逗号分隔）：',
  'inspector.defaultOption': '（默认）',
  'inspector.defaultOptionValue': '（默认：{v}）',
  'inspector.true': '是',
  'inspector.false': '否',
  'inspector.notInPalette': '（不在活动面板中）',
  'inspector.json.hint': '按原样保存的 JSON；清空则删除此项。',
  'inspector.json.invalid': 'JSON 无效，尚未应用：{message}',
  'inspector.json.object': '应为一个 JSON 对象（一个活动），尚未应用',
  'inspector.json.array': '应为 JSON 数组，尚未应用',
  'inspector.child': '子流程',
  'inspector.pinned': '固定为第 {v} 版（发布本流程时更新为子流程已发布的版本）',
  'inspector.latest': '每次运行使用子流程最新发布的版本',
  'inspector.openChild': '打开子流程 {id}',
  'unknownType': '未知类型 {type}',
  'node.aria': '{name}，{type}',
  'node.openChild': '双击打开子流程 {id}',
  'category.Primitives': '基础',
  'category.Flow': '流程结构',
  'category.Composition': '组合',
  'category.Looping': '循环',
  'category.Scripting': '脚本',
  'category.Workflows': '子流程',
  'category.Branching': '分支',
  'category.Scheduling': '定时',
  'category.Email': '邮件',
  'category.Liaison': '事项流转',
  'effect.CaseDispatched': '派单给 {department}（{handler}），第 {round} 轮；签收时限 {acceptBy}，办结时限 {dueAt}（{days} 个工作日）',
  'effect.CaseStatusSet': '事项状态改为 {status}',
  'effect.CaseNotification': '邮件“{template}”发给 {audience}',
  'effect.CaseEscalated': '督办（{level}）：邮件“{template}”发给 {audience}',
  'effect.DeadlineReached': '到时：{kind}（{deadline}）',
  'effect.CaseDeadlineChanged': '办结时限改为 {dueAt}（{reason}）',
  'effect.OutboxEmail': '邮件“{subject}”发给 {to}',
  'rf.nodeMove': '按 Enter 或空格选中活动，用方向键移动，按 Delete 删除，按 Esc 取消。',
  'rf.nodeSelect': '按 Enter 或空格选中活动，按 Delete 删除，按 Esc 取消。',
  'rf.moved': '已将选中的活动向{direction}移动，新位置 x：{x}，y：{y}',
  'rf.edge': '按 Enter 或空格选中连接，按 Delete 删除，按 Esc 取消。',
  'rf.controls': '画布控制',
  'rf.zoomIn': '放大',
  'rf.zoomOut': '缩小',
  'rf.fitView': '显示整个流程',
  'rf.interactive': '锁定或解锁画布',
  'rf.minimap': '缩略图',
  'rf.handle': '端口',
} as const;

export type Key = keyof typeof zh;

const en: Record<Key, string> = {
  'app.title': 'Workflow designer · Liaison',
  'brand': 'Workflow designer',
  'version': 'version {v}',
  'badge.published': 'Published',
  'badge.draft': 'Draft',
  'badge.discarded': 'Discarded',
  'badge.old': 'Old version',
  'badge.unsaved': '● Unsaved',
  'badge.latest': 'Latest',
  'action.save': 'Save draft',
  'action.validate': 'Validate',
  'action.publish': 'Publish',
  'action.discardDraft': 'Discard draft',
  'action.tryIt': 'Try it',
  'action.export': 'Export',
  'action.close': 'Close the message',
  'nav.admin': '← Back to admin',
  'action.new': 'New workflow',
  'action.open': 'Open version {v}',
  'action.deleteActivity': 'Delete activity',
  'action.deleteConnection': 'Delete connection',
  'actions': 'Workflow actions',
  'workflows': 'Workflows',
  'workflows.region': 'Workflows and activities',
  'palette': 'Activities',
  'palette.hint': 'Drag onto the canvas, or press to add',
  'palette.add': 'Add activity: {name}',
  'palette.inputs': 'Inputs: {list}',
  'palette.outcomes': 'Outcomes: {list}',
  'canvas': 'Canvas',
  'canvas.empty': 'Choose a workflow on the left',
  'side': 'Properties and try-it',
  'tab.inspector': 'Properties',
  'tab.problems': 'Problems',
  'tab.run': 'Try it',
  'tab.versions': 'Versions',
  'tab.instance': 'Instance',
  'hint.select': 'Select an activity to edit it (Tab walks through the activities on the canvas, Enter selects, arrow keys move); drag from a port or add connections in the properties; press Delete to remove.',
  'problems.notYet': 'Press Validate to check the workflow',
  'problems.none': 'No problems',
  'problems.workflow': 'workflow',
  'run.input': 'Input (JSON)',
  'run.case': 'Case (the fields getCase() shows, JSON)',
  'run.case.hint': 'A sample case by default; edit it, or keep only the fields you change.',
  'run.case.reset': 'Reset to the sample case',
  'run.hint': "Stores nothing and sends no mail: timers, delays and events resume at once; waits for a person's decision (the department liaison, the park officer) stay waiting.",
  'run.status': 'Status',
  'run.sample': 'Ran with the sample case',
  'run.edited': 'Ran with the edited case',
  'run.writeLines': 'Output (WriteLine)',
  'run.effects': 'Effects (not carried out in a try-it run)',
  'run.incidents': 'Incidents',
  'run.waiting': 'Still waiting',
  'run.waitingPerson': "waits for a person's decision",
  'run.journal': 'Journal',
  'run.caseAfter': 'The case after the run',
  'run.output': 'Workflow output (SetOutput)',
  'run.children': 'Child workflows',
  'run.child.from': 'started by {activity}',
  'run.child.body': 'body {path} of {activity}',
  'run.child.outcomes': 'outcomes: {list}',
  'run.result': 'Try-it result: {status}',
  'status.Finished': 'Finished',
  'status.Suspended': 'Suspended',
  'status.Faulted': 'Faulted',
  'status.Cancelled': 'Cancelled',
  'status.Running': 'Running',
  'status.Completed': 'completed',
  'trace.completed': 'ran {n}× → {outcomes}',
  'trace.waiting': 'waiting',
  'trace.faulted': 'faulted',
  'instance.id': 'Instance',
  'instance.version': 'Workflow version',
  'instance.correlation': 'Correlation id',
  'instance.created': 'Created',
  'instance.updated': 'Updated',
  'instance.finished': 'Finished',
  'instance.parent': 'Parent instance',
  'instance.body': 'This instance runs the body {path}; the canvas shows the workflow it belongs to.',
  'instance.hint': 'The canvas marks the activities this instance ran (how often, and their last outcome), the ones it waits on and any fault; the connections it took are drawn bold. Press an activity id to select it on the canvas.',
  'instance.resumeAt': 'timer at {when}',
  'message.instance': 'Viewing workflow instance {id} (version {v}) and the path it took',
  'message.instanceClosed': 'Left the instance view',
  'action.closeInstance': 'Leave the instance view',
  'none': '(none)',
  'versions.notSaved': '(not saved yet)',
  'versions.changeLog': 'Change history: who saved and published, and when',
  'versions.publishedAt': 'published {when}',
  'versions.discardedAt': 'discarded {when}',
  'versions.running': '{n} {n:instance still runs|instances still run} on this version (later versions do not change them)',
  'message.saved': 'Draft saved (version {v})',
  'message.valid': 'Valid',
  'message.problems': '{n} {n:problem|problems} found',
  'message.published': 'Published version {v}',
  'message.draftDiscarded': 'Draft version {v} discarded',
  'confirm.discardDraft': 'Discard draft version {v}? This cannot be undone; the published version stays.',
  'message.viewing': 'Viewing version {v}; saving makes it the new draft',
  'message.newWorkflow': 'New workflow: stored when you save the draft',
  'message.openFirst': 'Open a workflow first',
  'message.badInput': 'The try-it input is not a valid JSON object',
  'message.badCase': 'The try-it case is not a valid JSON object',
  'message.signIn': 'Sign in again',
  'message.forbidden': 'Forbidden',
  'confirm.discard': 'Discard the unsaved changes?',
  'prompt.newId': 'Id of the new workflow (letters, digits, . _ -)',
  'message.badId': 'Invalid id',
  'message.exists': 'A workflow {id} already exists',
  'def.published': 'published v{v}',
  'def.unpublished': 'unpublished',
  'connection': 'Connection',
  'connections': 'Connections',
  'connections.none': '(no outgoing connections)',
  'connections.from': 'Connect {port} to',
  'connections.add': 'Add connection',
  'connections.pick': '(choose an activity)',
  'connections.aria': '{port} of {source} to {target}',
  'inspector.activity': 'Activity',
  'inspector.name': 'Name',
  'inspector.id': 'Id',
  'inspector.type': 'Type',
  'inspector.unknown': 'unknown',
  'inspector.inputs': 'Inputs',
  'inspector.required': 'required',
  'inspector.exprType': '{name}: expression type',
  'inspector.noVariable': '(none)',
  'inspector.undeclared': '(undeclared)',
  'inspector.default': 'default: {v}',
  'inspector.choices': 'Values:',
  'inspector.choicesSeveral': 'Values (one or several, separated by commas):',
  'inspector.defaultOption': '(default)',
  'inspector.defaultOptionValue': '(default: {v})',
  'inspector.true': 'true',
  'inspector.false': 'false',
  'inspector.notInPalette': '(not in the palette)',
  'inspector.json.hint': 'Stored as this JSON; empty removes it.',
  'inspector.json.invalid': 'Not valid JSON, not applied: {message}',
  'inspector.json.object': 'Must be one JSON object (an activity); not applied',
  'inspector.json.array': 'Must be a JSON array; not applied',
  'inspector.child': 'Child workflow',
  'inspector.pinned': "Pinned to version {v} (publishing this workflow pins it to the child's published version)",
  'inspector.latest': "Runs the child's latest published version each time",
  'inspector.openChild': 'Open the workflow {id}',
  'unknownType': 'Unknown type {type}',
  'node.aria': '{name}, {type}',
  'node.openChild': 'Double-click to open the workflow {id}',
  'category.Primitives': 'Primitives',
  'category.Flow': 'Flow',
  'category.Composition': 'Composition',
  'category.Looping': 'Looping',
  'category.Scripting': 'Scripting',
  'category.Workflows': 'Workflows',
  'category.Branching': 'Branching',
  'category.Scheduling': 'Scheduling',
  'category.Email': 'Email',
  'category.Liaison': 'Case routing',
  'effect.CaseDispatched': 'Dispatched to {department} ({handler}), round {round}; accept by {acceptBy}, resolve by {dueAt} ({days} {days:working day|working days})',
  'effect.CaseStatusSet': 'Case status set to {status}',
  'effect.CaseNotification': 'Mail "{template}" to {audience}',
  'effect.CaseEscalated': 'Escalation ({level}): mail "{template}" to {audience}',
  'effect.DeadlineReached': 'Deadline reached: {kind} ({deadline})',
  'effect.CaseDeadlineChanged': 'Resolve deadline moved to {dueAt} ({reason})',
  'effect.OutboxEmail': 'Mail "{subject}" to {to}',
  'rf.nodeMove': 'Press Enter or Space to select an activity, the arrow keys to move it, Delete to remove it and Escape to cancel.',
  'rf.nodeSelect': 'Press Enter or Space to select an activity, Delete to remove it and Escape to cancel.',
  'rf.moved': 'Moved the selected activity {direction}. New position x: {x}, y: {y}',
  'rf.edge': 'Press Enter or Space to select a connection, Delete to remove it and Escape to cancel.',
  'rf.controls': 'Canvas controls',
  'rf.zoomIn': 'Zoom in',
  'rf.zoomOut': 'Zoom out',
  'rf.fitView': 'Show the whole workflow',
  'rf.interactive': 'Lock or unlock the canvas',
  'rf.minimap': 'Mini map',
  'rf.handle': 'Port',
};

const dictionaries: Record<Lang, Record<Key, string>> = { 'zh-CN': zh, en };

/**
 * The label in the reader's language with its parameters filled in: "{n}" is the value of n; "{n:one|other}" is "one" when n is 1, else "other"
 * (English plurals; Chinese needs none).
 */
export function t(key: Key, params: Record<string, string | number> = {}): string {
  return dictionaries[lang][key]
    .replace(/\{(\w+):([^|}]*)\|([^}]*)\}/g, (all, name: string, one: string, other: string) =>
      name in params ? (Number(params[name]) === 1 ? one : other) : all)
    .replace(/\{(\w+)\}/g, (all, name: string) => (name in params ? String(params[name]) : all));
}

/** A time as the server's pages show it (yyyy-MM-dd HH:mm:ss in its `Liaison:TimeZone`), whatever the browser's zone; else `none`. */
export const when = (iso?: string | null, none = ''): string =>
  iso ? new Date(iso).toLocaleString('sv-SE', { hour12: false, timeZone }) : none;

/** A phrase written to run on in a sentence ("version 3"), at the start of a label ("Version 3"). */
export const capitalized = (phrase: string): string => phrase.charAt(0).toLocaleUpperCase(lang) + phrase.slice(1);

/** A workflow status or journal kind (Finished, Suspended, Completed, …) in the reader's words, else as it is. */
export const statusText = (status: string): string => tryT(`status.${status}`) ?? status;

/** A server-side name (activity types and inputs carry both languages). */
export const local = (names: Localized | undefined, fallback = ''): string => names?.[lang] || names?.['zh-CN'] || fallback;

/**
 * The reader's half of a server message written "field: 中文 / English" (the API's problem details carry both
 * languages); a message without " / " is the same in both. The server's Text.FromBilingual reads it the same way.
 */
export function oneLanguage(message: string): string {
  const colon = message.indexOf(': ');
  const prefix = colon > 0 && message.indexOf(' / ') > colon ? message.substring(0, colon + 2) : '';
  const rest = message.substring(prefix.length);
  const slash = rest.indexOf(' / ');
  if (slash < 0) return message;
  return prefix + (lang === 'en' ? rest.substring(slash + 3) : rest.substring(0, slash));
}

/**
 * An outcome port as people read it: the descriptor's label in the reader's language, else the outcome itself (a fork's
 * branch, a switch's case). The outcome stays the identifier in the JSON; where a label is shown, it is its title.
 */
export const outcomeLabel = (port: string, descriptor?: ActivityDescriptor): string => local(descriptor?.outcomeLabels?.[port], port);

/**
 * What one of an input's values means (the server's label for it) in the reader's language; empty when the label only
 * repeats the value (in-progress: "in progress").
 */
export function choiceLabel(value: string, input: Pick<InputDescriptor, 'choiceLabels'>): string {
  const label = local(input.choiceLabels?.[value]);
  const plain = (text: string) => text.toLocaleLowerCase().replace(/[-_\s]+/g, ' ').trim();
  return label && plain(label) !== plain(value) ? label : '';
}

/** A validation error in the reader's language (the server sends both; an older answer only "中文 / English"). */
export const problemText = (e: ValidationError): string => local(e.localizedMessage, e.message);

/** A known key, or null (e.g. an activity category the dictionary does not name). */
export function tryT(key: string, params: Record<string, string | number> = {}): string | null {
  return key in zh ? t(key as Key, params) : null;
}

/** React Flow's own labels (controls, minimap, keyboard help), in the reader's language. */
export const flowAriaLabels = {
  'node.a11yDescription.default': t('rf.nodeSelect'),
  'node.a11yDescription.keyboardDisabled': t('rf.nodeMove'),
  'node.a11yDescription.ariaLiveMessage': ({ direction, x, y }: { direction: string; x: number; y: number }) =>
    t('rf.moved', { direction: lang === 'en' ? direction : ({ up: '上', down: '下', left: '左', right: '右' }[direction] ?? direction), x, y }),
  'edge.a11yDescription.default': t('rf.edge'),
  'controls.ariaLabel': t('rf.controls'),
  'controls.zoomIn.ariaLabel': t('rf.zoomIn'),
  'controls.zoomOut.ariaLabel': t('rf.zoomOut'),
  'controls.fitView.ariaLabel': t('rf.fitView'),
  'controls.interactive.ariaLabel': t('rf.interactive'),
  'minimap.ariaLabel': t('rf.minimap'),
  'handle.ariaLabel': t('rf.handle'),
};
