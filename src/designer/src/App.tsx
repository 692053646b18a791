import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  Background, Controls, MarkerType, MiniMap, ReactFlow, addEdge, useEdgesState, useNodesState, useReactFlow,
  type Connection as FlowConnection, type EdgeChange, type NodeChange,
} from '@xyflow/react';
import { ApiError, api } from './api';
import ActivityNodeView from './ActivityNode';
import Inspector from './Inspector';
import Palette, { DRAG_TYPE } from './Palette';
import {
  IN_PORT, freshId, fromGraph, newActivity, newEdgeId, toGraph, type ActivityNode, type ConnectionEdge,
} from './graph';
import type {
  Activity, ActivityDescriptor, Connection, Definition, DefinitionSummary, TestRunResult, ValidationError, VersionInfo,
} from './types';

const nodeTypes = { activity: ActivityNodeView };
const marker = { type: MarkerType.ArrowClosed, width: 16, height: 16 };

type Tab = 'inspector' | 'problems' | 'run' | 'versions';
type Message = { kind: 'ok' | 'error' | 'info'; text: string };

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const when = (iso?: string | null) => (iso ? new Date(iso).toLocaleString('zh-CN', { hour12: false }) : '');

export default function App() {
  const flow = useReactFlow<ActivityNode, ConnectionEdge>();
  const [descriptors, setDescriptors] = useState<ActivityDescriptor[]>([]);
  const byType = useRef(new Map<string, ActivityDescriptor>());
  const [list, setList] = useState<DefinitionSummary[]>([]);
  const [def, setDef] = useState<Definition | null>(null);
  const [nodes, setNodes, onNodesChange] = useNodesState<ActivityNode>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<ConnectionEdge>([]);
  const orphans = useRef<Connection[]>([]);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const [problems, setProblems] = useState<ValidationError[] | null>(null);
  const [run, setRun] = useState<TestRunResult | null>(null);
  const [runInput, setRunInput] = useState('{}');
  const [versions, setVersions] = useState<VersionInfo[] | null>(null);
  const [tab, setTab] = useState<Tab>('inspector');
  const [canvasKey, setCanvasKey] = useState(0);
  const wrapper = useRef<HTMLDivElement>(null);

  const selectedNode = nodes.find((n) => n.selected);
  const selectedEdge = selectedNode ? undefined : edges.find((e) => e.selected);

  // Leaving with unsaved changes asks first.
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (dirty) e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const refreshList = useCallback(() => api.list().then(setList).catch((e) => setMessage({ kind: 'error', text: errorText(e) })), []);
  const refreshVersions = useCallback((id: string) => api.versions(id).then(setVersions).catch(() => setVersions(null)), []);

  /** Shows a definition; `refit` re-centres the canvas (a new definition), otherwise the view and selection stay. */
  const show = useCallback((d: Definition, refit: boolean) => {
    const g = toGraph(d, byType.current);
    const selected = new Set(flow.getNodes().filter((n) => n.selected).map((n) => n.id));
    if (!refit) g.nodes.forEach((n) => { n.selected = selected.has(n.id); });
    g.edges.forEach((e) => { e.markerEnd = marker; });
    setDef(d);
    setNodes(g.nodes);
    setEdges(g.edges);
    orphans.current = g.orphans;
    setDirty(false);
    if (refit) {
      setCanvasKey((k) => k + 1);
      setProblems(null);
      setRun(null);
    }
    if (window.location.hash !== `#${d.definitionId}`) history.replaceState(null, '', `#${d.definitionId}`);
  }, [flow, setNodes, setEdges]);

  const open = useCallback(async (definitionId: string, version?: number) => {
    if (dirty && !window.confirm('有未保存的修改，确定放弃吗？ Discard the unsaved changes?')) return;
    setBusy(true);
    try {
      const d = await api.get(definitionId, version);
      show(d, true);
      setMessage(version ? { kind: 'info', text: `正在查看第 ${version} 版；保存后成为新草稿 Viewing version ${version}; saving makes it the new draft` } : null);
      setTab('inspector');
      refreshVersions(definitionId);
    } catch (e) {
      setMessage({ kind: 'error', text: errorText(e) });
    } finally {
      setBusy(false);
    }
  }, [dirty, show, refreshVersions]);

  // First load: the palette, the list, then the definition named in the address (#definitionId).
  useEffect(() => {
    (async () => {
      try {
        const [ds, ls] = await Promise.all([api.descriptors(), api.list()]);
        byType.current = new Map(ds.map((d) => [d.type, d]));
        setDescriptors(ds);
        setList(ls);
        const wanted = decodeURIComponent(window.location.hash.slice(1));
        if (wanted) {
          const d = await api.get(wanted);
          show(d, true);
          refreshVersions(wanted);
        }
      } catch (e) {
        setMessage({ kind: 'error', text: errorText(e) });
      }
    })();
  }, []);

  const current = useCallback(() => fromGraph(def!, flow.getNodes(), flow.getEdges(), orphans.current), [def, flow]);

  const handleNodesChange = useCallback((changes: NodeChange<ActivityNode>[]) => {
    onNodesChange(changes);
    if (changes.some((c) => c.type === 'position' || c.type === 'remove' || c.type === 'add' || c.type === 'replace')) setDirty(true);
  }, [onNodesChange]);

  const handleEdgesChange = useCallback((changes: EdgeChange<ConnectionEdge>[]) => {
    onEdgesChange(changes);
    if (changes.some((c) => c.type === 'remove' || c.type === 'add' || c.type === 'replace')) setDirty(true);
  }, [onEdgesChange]);

  const onConnect = useCallback((c: FlowConnection) => {
    if (!c.sourceHandle) return;
    const connection: Connection = { source: { activity: c.source, port: c.sourceHandle }, target: { activity: c.target, port: IN_PORT } };
    setEdges((es) => addEdge({ ...c, id: newEdgeId(), targetHandle: IN_PORT, markerEnd: marker, data: { connection } }, es));
    setDirty(true);
  }, [setEdges]);

  const addActivity = useCallback((d: ActivityDescriptor, at?: { x: number; y: number }) => {
    if (!def) {
      setMessage({ kind: 'error', text: '请先打开一个流程 Open a workflow first' });
      return;
    }
    let position = at;
    if (!position) {
      const r = wrapper.current!.getBoundingClientRect();
      const centre = flow.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
      const k = flow.getNodes().length % 6;
      position = { x: centre.x - 90 + k * 24, y: centre.y - 40 + k * 24 };
    }
    const id = freshId(d.type, new Set(flow.getNodes().map((n) => n.id)));
    const node: ActivityNode = {
      id,
      type: 'activity',
      position,
      selected: true,
      data: { activity: newActivity(d, id, position), descriptor: d, ports: [...d.outcomes], errors: [] },
    };
    setNodes((ns) => [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), node]);
    setEdges((es) => es.map((e) => (e.selected ? { ...e, selected: false } : e)));
    setDirty(true);
    setTab('inspector');
  }, [def, flow, setNodes, setEdges]);

  const onDrop = useCallback((e: DragEvent) => {
    const type = e.dataTransfer.getData(DRAG_TYPE);
    const d = byType.current.get(type);
    if (!d) return;
    e.preventDefault();
    addActivity(d, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  }, [addActivity, flow]);

  const updateActivity = useCallback((a: Activity) => {
    setNodes((ns) => ns.map((n) => (n.id === a.id ? { ...n, data: { ...n.data, activity: a } } : n)));
    setDirty(true);
  }, [setNodes]);

  const showProblems = useCallback((errors: ValidationError[]) => {
    setProblems(errors);
    setNodes((ns) => ns.map((n) => {
      const mine = errors.filter((e) => e.activityId === n.id).map((e) => e.message);
      return mine.length === 0 && n.data.errors.length === 0 ? n : { ...n, data: { ...n.data, errors: mine } };
    }));
  }, [setNodes]);

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (e) {
      if (e instanceof ApiError && e.errors.length > 0) {
        showProblems(e.errors);
        setTab('problems');
      }
      setMessage({ kind: 'error', text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };

  const saveDraft = async (): Promise<Definition> => {
    const saved = await api.saveDraft(current());
    show(saved, false);
    refreshList();
    refreshVersions(saved.definitionId);
    return saved;
  };

  const onSave = () => act(async () => {
    const saved = await saveDraft();
    setMessage({ kind: 'ok', text: `已保存草稿（第 ${saved.version} 版） Draft saved (version ${saved.version})` });
  });

  const onValidate = () => act(async () => {
    const r = await api.validate(current());
    showProblems(r.errors);
    setTab('problems');
    setMessage(r.valid
      ? { kind: 'ok', text: '校验通过 Valid' }
      : { kind: 'error', text: `发现 ${r.errors.length} 个问题 ${r.errors.length} problem(s) found` });
  });

  const onPublish = () => act(async () => {
    if (dirty || !def!.isLatest) await saveDraft();
    const v = await api.publish(def!.definitionId);
    showProblems([]);
    show(await api.get(def!.definitionId), false);
    refreshList();
    refreshVersions(def!.definitionId);
    setMessage({ kind: 'ok', text: `已发布第 ${v.version} 版 Published version ${v.version}` });
  });

  const onTryIt = () => act(async () => {
    let input: Record<string, unknown>;
    try {
      input = runInput.trim() ? JSON.parse(runInput) : {};
    } catch {
      setTab('run');
      throw new Error('试运行输入不是有效的 JSON The try-it input is not valid JSON');
    }
    const r = await api.testRun(current(), input);
    setRun(r);
    setTab('run');
    setMessage({ kind: r.status === 'Faulted' ? 'error' : 'ok', text: `试运行结果 Run: ${r.status}` });
  });

  const onExport = () => {
    const blob = new Blob([JSON.stringify(current(), null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${def!.definitionId}.json`;
    a.click();
    URL.revokeObjectURL(a.href);
  };

  const onNew = () => {
    if (dirty && !window.confirm('有未保存的修改，确定放弃吗？ Discard the unsaved changes?')) return;
    const id = window.prompt('新流程的编号（字母、数字、.、_、-） Id of the new workflow (letters, digits, . _ -)');
    if (!id) return;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(id)) {
      setMessage({ kind: 'error', text: '编号无效 Invalid id' });
      return;
    }
    if (list.some((s) => s.definitionId === id)) {
      setMessage({ kind: 'error', text: `已有流程 ${id} A workflow ${id} already exists` });
      return;
    }
    const start = byType.current.get('Elsa.Start');
    const end = byType.current.get('Elsa.End');
    const activities = [
      ...(start ? [newActivity(start, 'start', { x: 0, y: 0 })] : []),
      ...(end ? [newActivity(end, 'end', { x: 320, y: 0 })] : []),
    ];
    const d: Definition = {
      definitionId: id, name: id, version: 0, isLatest: true, isPublished: false, variables: [],
      root: { id: 'flowchart', type: 'Elsa.Flowchart', activities, connections: [] },
    };
    show(d, true);
    setVersions(null);
    setDirty(true);
    setMessage({ kind: 'info', text: '新流程：保存草稿后才会存储 New workflow: stored when you save the draft' });
  };

  const problemCount = problems?.length ?? 0;
  const status = useMemo(() => {
    if (!def) return null;
    const tags = [];
    if (def.isPublished) tags.push(<span key="p" className="badge published">已发布 Published</span>);
    else tags.push(<span key="d" className="badge draft">草稿 Draft</span>);
    if (def.isLatest === false) tags.push(<span key="o" className="badge old">旧版本 Old version</span>);
    if (dirty) tags.push(<span key="u" className="badge unsaved">● 未保存 Unsaved</span>);
    return tags;
  }, [def, dirty]);

  return (
    <div className="app">
      <header>
        <div className="brand">流程设计器 <span className="en">Workflow designer</span></div>
        {def && (
          <div className="current" data-testid="current-definition" title={def.definitionId}>
            <div className="current-name">{def.name || def.definitionId}</div>
            <div className="current-meta"><code>{def.definitionId}</code> 第 {def.version} 版 v{def.version} {status}</div>
          </div>
        )}
        <div className="actions">
          <button disabled={!def || busy} onClick={onSave}>保存草稿 Save draft</button>
          <button disabled={!def || busy} onClick={onValidate}>校验 Validate</button>
          <button disabled={!def || busy} onClick={onPublish}>发布 Publish</button>
          <button disabled={!def || busy} onClick={onTryIt}>试运行 Try it</button>
          <button disabled={!def || busy} onClick={() => { setTab('versions'); if (def) refreshVersions(def.definitionId); }}>版本历史 History</button>
          <button disabled={!def} onClick={onExport}>导出 Export</button>
        </div>
      </header>
      {message && (
        <div className={`message ${message.kind}`} role="status" data-testid="message">
          {message.text}
          <button className="link" onClick={() => setMessage(null)} aria-label="关闭 Close">×</button>
        </div>
      )}
      <div className="body">
        <aside className="left">
          <div className="definitions">
            <h3>流程 Workflows <button className="small" onClick={onNew}>新建 New</button></h3>
            <ul>
              {list.map((s) => (
                <li key={s.definitionId}>
                  <button className={def?.definitionId === s.definitionId ? 'def active' : 'def'} onClick={() => open(s.definitionId)}
                    data-definition-id={s.definitionId}>
                    <span className="def-name">{s.name}</span>
                    <span className="def-meta">
                      {s.definitionId} · v{s.version}
                      {s.publishedVersion ? ` · 已发布 v${s.publishedVersion}` : ' · 未发布 unpublished'}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
          <Palette descriptors={descriptors} onAdd={(d) => addActivity(d)} />
        </aside>
        <main className="canvas" ref={wrapper} onDragOver={(e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'move'; }} onDrop={onDrop}>
          {def ? (
            <ReactFlow<ActivityNode, ConnectionEdge>
              key={canvasKey}
              nodes={nodes}
              edges={edges}
              nodeTypes={nodeTypes}
              onNodesChange={handleNodesChange}
              onEdgesChange={handleEdgesChange}
              onConnect={onConnect}
              onNodeClick={() => setTab('inspector')}
              onEdgeClick={() => setTab('inspector')}
              isValidConnection={(c) => !!c.sourceHandle && c.source !== undefined && c.target !== undefined}
              deleteKeyCode={['Backspace', 'Delete']}
              fitView
              fitViewOptions={{ padding: 0.1 }}
              minZoom={0.15}
              maxZoom={2}
              proOptions={{ hideAttribution: true }}
            >
              <Background gap={20} />
              <Controls />
              <MiniMap pannable zoomable />
            </ReactFlow>
          ) : (
            <div className="empty">从左侧选择一个流程 Choose a workflow on the left</div>
          )}
        </main>
        <aside className="right">
          <nav className="tabs">
            <button className={tab === 'inspector' ? 'active' : ''} onClick={() => setTab('inspector')}>属性 Properties</button>
            <button className={tab === 'problems' ? 'active' : ''} onClick={() => setTab('problems')}>问题 Problems{problemCount ? ` (${problemCount})` : ''}</button>
            <button className={tab === 'run' ? 'active' : ''} onClick={() => setTab('run')}>试运行 Run</button>
            <button className={tab === 'versions' ? 'active' : ''} onClick={() => setTab('versions')}>版本 Versions</button>
          </nav>
          <div className="panel">
            {tab === 'inspector' && (selectedNode ? (
              <Inspector key={selectedNode.id} activity={selectedNode.data.activity} descriptor={selectedNode.data.descriptor}
                variables={def?.variables ?? []} onChange={updateActivity}
                onDelete={() => flow.deleteElements({ nodes: [{ id: selectedNode.id }] })} />
            ) : selectedEdge ? (
              <div className="inspector">
                <h3>连接 Connection</h3>
                <p><code>{selectedEdge.source}</code> · {selectedEdge.sourceHandle} → <code>{selectedEdge.target}</code></p>
                <button className="danger" onClick={() => flow.deleteElements({ edges: [{ id: selectedEdge.id }] })}>删除连接 Delete connection</button>
              </div>
            ) : (
              <div className="hint">选择一个活动以编辑；拖动端口以连接；按 Delete 删除。<br />Select an activity to edit it; drag from a port to connect; press Delete to remove.</div>
            ))}
            {tab === 'problems' && (
              <div className="problems" data-testid="problems">
                {problems === null && <div className="hint">点击“校验 Validate”检查流程 Press Validate to check the workflow</div>}
                {problems !== null && problems.length === 0 && <div className="ok">没有问题 No problems</div>}
                {problems && problems.length > 0 && (
                  <ul>
                    {problems.map((p, i) => (
                      <li key={i}>
                        {p.activityId ? (
                          <button className="link" onClick={() => {
                            setNodes((ns) => ns.map((n) => ({ ...n, selected: n.id === p.activityId })));
                            const n = flow.getNode(p.activityId!);
                            if (n) flow.setCenter(n.position.x + 90, n.position.y + 40, { zoom: 1, duration: 300 });
                          }}>{p.activityId}</button>
                        ) : <em>流程 workflow</em>}
                        {' '}<code>{p.code}</code> {p.message}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            )}
            {tab === 'run' && (
              <div className="run">
                <label htmlFor="run-input">输入 Input (JSON)</label>
                <textarea id="run-input" rows={3} value={runInput} spellCheck={false} onChange={(e) => setRunInput(e.target.value)} />
                <button disabled={!def || busy} onClick={onTryIt}>试运行 Try it</button>
                <div className="hint">不存储任何内容；等待、定时和事件都会立即继续。Stores nothing; every delay, timer and event is resumed at once.</div>
                {run && (
                  <div className="run-result" data-testid="run-result">
                    <div>状态 Status: <span className={`badge status-${run.status.toLowerCase()}`} data-testid="run-status">{run.status}</span></div>
                    <h4>输出 WriteLine</h4>
                    {run.writeLines.length === 0 ? <div className="hint">（无 none）</div> : (
                      <ul className="writelines" data-testid="run-writelines">{run.writeLines.map((l, i) => <li key={i}><code>{l}</code></li>)}</ul>
                    )}
                    <h4>故障 Incidents</h4>
                    {run.incidents.length === 0 ? <div className="hint">（无 none）</div> : (
                      <ul className="incidents">{run.incidents.map((x, i) => <li key={i}><code>{x.activityId}</code> {x.message}</li>)}</ul>
                    )}
                    {run.bookmarks.length > 0 && (
                      <>
                        <h4>仍在等待 Still waiting</h4>
                        <ul>{run.bookmarks.map((b) => <li key={b.id}><code>{b.activityId}</code> {b.kind} {b.key}</li>)}</ul>
                      </>
                    )}
                    <h4>日志 Journal</h4>
                    <ol className="journal">
                      {run.journal.map((j) => (
                        <li key={j.sequence}><code>{j.activityId}</code> {j.kind}{j.outcomes.length ? ` → ${j.outcomes.join(', ')}` : ''}</li>
                      ))}
                    </ol>
                  </div>
                )}
              </div>
            )}
            {tab === 'versions' && (
              <div className="versions" data-testid="versions">
                {!versions && <div className="hint">（尚未保存 not saved yet）</div>}
                {versions && (
                  <ul>
                    {versions.map((v) => (
                      <li key={v.version} className={def?.version === v.version ? 'current' : ''}>
                        <strong>第 {v.version} 版 v{v.version}</strong>
                        {v.isPublished && <span className="badge published">已发布 Published</span>}
                        {v.isDraft && <span className="badge draft">草稿 Draft</span>}
                        {v.isLatest && <span className="badge">最新 Latest</span>}
                        <div className="hint">{when(v.updatedAt)}{v.publishedAt ? ` · 发布于 published ${when(v.publishedAt)}` : ''}</div>
                        <button className="small" disabled={busy} onClick={() => open(def!.definitionId, v.version)}>打开 Open</button>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            )}
          </div>
        </aside>
      </div>
    </div>
  );
}
