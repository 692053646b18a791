import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import {
  Background, Controls, MarkerType, MiniMap, ReactFlow, addEdge, useEdgesState, useNodesState, useReactFlow,
  type Connection as FlowConnection, type EdgeChange, type NodeChange,
} from '@xyflow/react';
import { ApiError, api } from './api';
import ActivityNodeView, { TraceContext } from './ActivityNode';
import Inspector from './Inspector';
import Palette, { DRAG_TYPE } from './Palette';
import InstanceView from './InstanceView';
import TryIt, { sampleCaseText } from './TryIt';
import {
  IN_PORT, childDefinitionId, edgeAria, freshId, fromGraph, initialView, newActivity, newEdgeId, nodeAria, portsOf, toGraph, traceOf,
  type ActivityNode, type ConnectionEdge, type Marks,
} from './graph';
import { capitalized, choiceLabel, flowAriaLabels, lang, outcomeLabel, problemText, statusText, t, when, type Key } from './i18n';
import type {
  Activity, ActivityDescriptor, CaseJson, Connection, Definition, DefinitionSummary, TestRunResult, ValidationError, VersionInfo,
  WorkflowInstance,
} from './types';

const nodeTypes = { activity: ActivityNodeView };
const marker = { type: MarkerType.ArrowClosed, width: 16, height: 16 };

type Tab = 'inspector' | 'problems' | 'run' | 'versions' | 'instance';
const TABS: { id: Tab; label: Key }[] = [
  { id: 'inspector', label: 'tab.inspector' },
  { id: 'problems', label: 'tab.problems' },
  { id: 'run', label: 'tab.run' },
  { id: 'versions', label: 'tab.versions' },
];
/** With an instance on view (#instance=<id>), a fifth tab shows where it stands. */
const INSTANCE_TAB: { id: Tab; label: Key } = { id: 'instance', label: 'tab.instance' };
const INSTANCE_HASH = 'instance=';
type Message = { kind: 'ok' | 'error' | 'info'; text: string };

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * When a version was last saved, published and discarded, each time once: a publish is also the version's last change,
 * so a publish alone reads "published <time>", not the same time twice.
 */
function versionTimes(v: VersionInfo): string {
  const updated = when(v.updatedAt);
  const published = when(v.publishedAt);
  const discarded = when(v.discardedAt);
  const parts = [
    ...(updated !== published && updated !== discarded ? [updated] : []),
    ...(published ? [t('versions.publishedAt', { when: published })] : []),
    ...(discarded ? [t('versions.discardedAt', { when: discarded })] : []),
  ];
  return capitalized(parts.join(' · '));
}

/** A JSON object typed into a try-it box, or null when it is not one. */
function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = text.trim() ? JSON.parse(text) : {};
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The marks a run leaves on the canvas: its journal, where it waits and where it faulted. */
const marksOf = (r: Pick<TestRunResult, 'journal' | 'bookmarks' | 'incidents'>) =>
  traceOf(r.journal, r.bookmarks.map((b) => b.activityId), r.incidents.flatMap((x) => (x.activityId ? [x.activityId] : [])));

export default function App() {
  const flow = useReactFlow<ActivityNode, ConnectionEdge>();
  const [descriptors, setDescriptors] = useState<ActivityDescriptor[]>([]);
  const byType = useRef(new Map<string, ActivityDescriptor>());
  const labelOutcome = useCallback((type: string, port: string) => outcomeLabel(port, byType.current.get(type)), []);
  const labelChoice = useCallback((type: string, input: string, value: string) => {
    const i = byType.current.get(type)?.inputs.find((x) => x.name === input);
    return i ? choiceLabel(value, i) : '';
  }, []);
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
  const [sampleCase, setSampleCase] = useState<CaseJson | null>(null);
  const [caseText, setCaseText] = useState('');
  const [versions, setVersions] = useState<VersionInfo[] | null>(null);
  const [tab, setTab] = useState<Tab>('inspector');
  const [instance, setInstance] = useState<WorkflowInstance | null>(null);
  // What the instance on view or the last try-it run did, drawn on the canvas until the workflow's shape changes.
  const [marks, setMarks] = useState<Marks | null>(null);
  const shownEdges = useMemo(() => (marks
    ? edges.map((e) => (marks.taken.has(`${e.source}\n${e.sourceHandle ?? 'Done'}`) ? { ...e, className: 'taken' } : e))
    : edges), [edges, marks]);
  const tabs = instance ? [...TABS, INSTANCE_TAB] : TABS;
  const [canvasKey, setCanvasKey] = useState(0);
  const [view, setView] = useState<ReturnType<typeof initialView>>({ fit: true });
  const wrapper = useRef<HTMLDivElement>(null);
  const sampleText = useMemo(() => sampleCaseText(sampleCase), [sampleCase]);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t('app.title');
  }, []);

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

  /**
   * Shows a definition; `refit` re-centres the canvas (a new definition), otherwise the view and selection stay. A
   * `focus` activity is put in the middle when the whole workflow does not fit at a readable zoom.
   */
  const show = useCallback((d: Definition, refit: boolean, focus?: string) => {
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
      // A new canvas (remounted by its key) opens at a readable zoom; see initialView.
      const r = wrapper.current?.getBoundingClientRect();
      setView(initialView(g.nodes, r?.width ?? 0, r?.height ?? 0, focus));
      setCanvasKey((k) => k + 1);
      setProblems(null);
      setRun(null);
      setInstance(null);
      setMarks(null);
      setTab((x) => (x === 'instance' ? 'inspector' : x));
    }
    if (window.location.hash !== `#${d.definitionId}`) history.replaceState(null, '', `#${d.definitionId}`);
  }, [flow, setNodes, setEdges]);

  /**
   * The instance view: the version a stored instance runs, with what its journal, bookmarks and incidents say drawn on
   * the nodes and the connections it took drawn bold. The address (#instance=<id>) reopens it.
   */
  const showInstance = useCallback(async (id: string) => {
    const i = await api.instance(id);
    const d = await api.get(i.definitionId, i.definitionVersion);
    // Opened where it stands: the first activity it waits on, or where it faulted.
    show(d, true, i.bookmarks[0]?.activityId ?? i.incidents.find((x) => x.activityId)?.activityId ?? undefined);
    setMarks(marksOf(i));
    setInstance(i);
    setTab('instance');
    setMessage({ kind: 'info', text: t('message.instance', { id: i.id, v: i.definitionVersion }) });
    refreshVersions(i.definitionId);
    history.replaceState(null, '', `#${INSTANCE_HASH}${i.id}`);
  }, [show, refreshVersions]);

  const openInstance = useCallback(async (id: string) => {
    if (dirty && !window.confirm(t('confirm.discard'))) return;
    setBusy(true);
    try {
      await showInstance(id);
    } catch (e) {
      setMessage({ kind: 'error', text: errorText(e) });
    } finally {
      setBusy(false);
    }
  }, [dirty, showInstance]);

  /** Back to plain editing of the same version: the marks go, the canvas stays. */
  const closeInstance = useCallback(() => {
    setMarks(null);
    setInstance(null);
    setTab('inspector');
    setMessage({ kind: 'info', text: t('message.instanceClosed') });
    if (def) history.replaceState(null, '', `#${def.definitionId}`);
  }, [def]);

  /** Selects an activity on the canvas and brings it into view (from the problems list or an instance's journal). */
  const focusActivity = useCallback((activityId: string) => {
    setNodes((ns) => ns.map((n) => ({ ...n, selected: n.id === activityId })));
    const n = flow.getNode(activityId);
    if (n) flow.setCenter(n.position.x + 90, n.position.y + 40, { zoom: 1, duration: 300 });
  }, [flow, setNodes]);

  const open = useCallback(async (definitionId: string, version?: number) => {
    if (dirty && !window.confirm(t('confirm.discard'))) return;
    setBusy(true);
    try {
      const d = await api.get(definitionId, version);
      show(d, true);
      setMessage(version ? { kind: 'info', text: t('message.viewing', { v: version }) } : null);
      setTab('inspector');
      refreshVersions(definitionId);
    } catch (e) {
      setMessage({ kind: 'error', text: errorText(e) });
    } finally {
      setBusy(false);
    }
  }, [dirty, show, refreshVersions]);

  // First load: the palette, the list, then the definition named in the address (#definitionId or #definitionId@version).
  useEffect(() => {
    (async () => {
      try {
        const [ds, ls] = await Promise.all([api.descriptors(), api.list()]);
        byType.current = new Map(ds.map((d) => [d.type, d]));
        setDescriptors(ds);
        setList(ls);
        // The try-it case starts as the server's sample; without it, try-it still runs (the server uses the sample).
        api.sampleCase().then((c) => {
          setSampleCase(c);
          setCaseText((text) => text || sampleCaseText(c));
        }).catch(() => setSampleCase(null));
        // #instance=<id> opens an instance's view (the admin's instance page links there).
        const hash = decodeURIComponent(window.location.hash.slice(1));
        if (hash.startsWith(INSTANCE_HASH)) {
          await showInstance(hash.slice(INSTANCE_HASH.length));
          return;
        }
        // #definitionId opens its latest version, #definitionId@3 its version 3.
        const [wanted, at] = hash.split('@');
        const version = /^\d+$/.test(at ?? '') ? Number(at) : undefined;
        if (wanted) {
          const d = await api.get(wanted, version);
          show(d, true);
          if (version) setMessage({ kind: 'info', text: t('message.viewing', { v: version }) });
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
    // Moving a node keeps the marks; adding, removing or replacing one changes what ran.
    if (changes.some((c) => c.type === 'remove' || c.type === 'add' || c.type === 'replace')) setMarks(null);
  }, [onNodesChange]);

  const handleEdgesChange = useCallback((changes: EdgeChange<ConnectionEdge>[]) => {
    onEdgesChange(changes);
    if (changes.some((c) => c.type === 'remove' || c.type === 'add' || c.type === 'replace')) {
      setDirty(true);
      setMarks(null);
    }
  }, [onEdgesChange]);

  const onConnect = useCallback((c: FlowConnection) => {
    if (!c.sourceHandle) return;
    const connection: Connection = { source: { activity: c.source, port: c.sourceHandle }, target: { activity: c.target, port: IN_PORT } };
    setEdges((es) => addEdge({
      ...c, id: newEdgeId(), targetHandle: IN_PORT, markerEnd: marker, ariaLabel: edgeAria(c.source, c.sourceHandle!, c.target, (flow.getNode(c.source) as ActivityNode | undefined)?.data.descriptor),
      data: { connection },
    }, es));
    setDirty(true);
    setMarks(null);
  }, [setEdges, flow]);

  const addActivity = useCallback((d: ActivityDescriptor, at?: { x: number; y: number }) => {
    if (!def) {
      setMessage({ kind: 'error', text: t('message.openFirst') });
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
    const activity = newActivity(d, id, position);
    const node: ActivityNode = {
      id,
      type: 'activity',
      position,
      selected: true,
      ariaLabel: nodeAria(activity, d),
      data: { activity, descriptor: d, ports: portsOf(activity, d, []), errors: [] },
    };
    setNodes((ns) => [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), node]);
    setEdges((es) => es.map((e) => (e.selected ? { ...e, selected: false } : e)));
    setDirty(true);
    setMarks(null);
    setTab('inspector');
  }, [def, flow, setNodes, setEdges]);

  const onDrop = useCallback((e: DragEvent) => {
    const type = e.dataTransfer.getData(DRAG_TYPE);
    const d = byType.current.get(type);
    if (!d) return;
    e.preventDefault();
    addActivity(d, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  }, [addActivity, flow]);

  // An edit may change the ports too (a fork's branches, a switch's cases, a script's possible outcomes).
  const updateActivity = useCallback((a: Activity) => {
    const used = flow.getEdges().filter((e) => e.source === a.id).map((e) => e.sourceHandle ?? 'Done');
    setNodes((ns) => ns.map((n) => (n.id === a.id
      ? { ...n, ariaLabel: nodeAria(a, n.data.descriptor), data: { ...n.data, activity: a, ports: portsOf(a, n.data.descriptor, used) } }
      : n)));
    setDirty(true);
    setMarks(null);
  }, [flow, setNodes]);

  /** A node that runs a child workflow opens the child, as choosing it in the list would (asking first about unsaved changes). */
  const openChild = useCallback((node: ActivityNode) => {
    const child = childDefinitionId(node.data.activity);
    if (child) open(child);
  }, [open]);

  const showProblems = useCallback((errors: ValidationError[]) => {
    setProblems(errors);
    setNodes((ns) => ns.map((n) => {
      const mine = errors.filter((e) => e.activityId === n.id).map(problemText);
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
    setMessage({ kind: 'ok', text: t('message.saved', { v: saved.version ?? '' }) });
  });

  const onValidate = () => act(async () => {
    const r = await api.validate(current());
    showProblems(r.errors);
    setTab('problems');
    setMessage(r.valid
      ? { kind: 'ok', text: t('message.valid') }
      : { kind: 'error', text: t('message.problems', { n: r.errors.length }) });
  });

  const onPublish = () => act(async () => {
    if (dirty || !def!.isLatest) await saveDraft();
    const v = await api.publish(def!.definitionId);
    showProblems([]);
    show(await api.get(def!.definitionId), false);
    refreshList();
    refreshVersions(def!.definitionId);
    setMessage({ kind: 'ok', text: t('message.published', { v: v.version }) });
  });

  const onDiscardDraft = () => {
    const v = def!.version ?? 0;
    if (!window.confirm(t('confirm.discardDraft', { v }))) return;
    act(async () => {
      const id = def!.definitionId;
      await api.discardDraft(id);
      const remaining = await api.list();
      setList(remaining);
      if (remaining.some((s) => s.definitionId === id)) {
        show(await api.get(id), false);
        refreshVersions(id);
      } else {
        // A workflow never published went with its only version.
        setDef(null);
        setNodes([]);
        setEdges([]);
        setVersions(null);
        setDirty(false);
        history.replaceState(null, '', window.location.pathname);
      }
      showProblems([]);
      setMessage({ kind: 'ok', text: t('message.draftDiscarded', { v }) });
    });
  };

  const onTryIt = () => act(async () => {
    const input = parseObject(runInput);
    // The unchanged sample is left to the server, which then marks the run as a sample run.
    const edited = caseText.trim() !== '' && caseText !== sampleText;
    const kase = edited ? parseObject(caseText) : null;
    if (!input || (edited && !kase)) {
      setTab('run');
      throw new Error(t(input ? 'message.badCase' : 'message.badInput'));
    }
    const r = await api.testRun(current(), input, kase);
    setRun(r);
    setMarks(marksOf(r));
    setTab('run');
    const status = statusText(r.status);
    setMessage({ kind: r.status === 'Faulted' ? 'error' : 'ok', text: t('run.result', { status }) });
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
    if (dirty && !window.confirm(t('confirm.discard'))) return;
    const id = window.prompt(t('prompt.newId'));
    if (!id) return;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(id)) {
      setMessage({ kind: 'error', text: t('message.badId') });
      return;
    }
    if (list.some((s) => s.definitionId === id)) {
      setMessage({ kind: 'error', text: t('message.exists', { id }) });
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
    setMessage({ kind: 'info', text: t('message.newWorkflow') });
  };

  const problemCount = problems?.length ?? 0;
  const status = useMemo(() => {
    if (!def) return null;
    const tags = [];
    if (def.isPublished) tags.push(<span key="p" className="badge published">{t('badge.published')}</span>);
    else tags.push(<span key="d" className="badge draft">{t('badge.draft')}</span>);
    if (def.isLatest === false) tags.push(<span key="o" className="badge old">{t('badge.old')}</span>);
    if (dirty) tags.push(<span key="u" className="badge unsaved">{t('badge.unsaved')}</span>);
    return tags;
  }, [def, dirty]);

  /** Shows a tab; the versions tab asks for the history afresh (instances may have finished on a version meanwhile). */
  const chooseTab = (id: Tab) => {
    setTab(id);
    if (id === 'versions' && def && (def.version ?? 0) > 0) refreshVersions(def.definitionId);
  };

  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    // Arrow keys move between the tabs, as in any tab list.
    const i = tabs.findIndex((x) => x.id === tab);
    const next = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i + tabs.length - 1) % tabs.length : -1;
    if (next < 0) return;
    e.preventDefault();
    chooseTab(tabs[next].id);
    document.getElementById(`tab-${tabs[next].id}`)?.focus();
  };

  const outgoing = selectedNode
    ? edges.filter((e) => e.source === selectedNode.id).map((e) => ({ edgeId: e.id, port: e.sourceHandle ?? 'Done', target: e.target }))
    : [];
  // Every activity, the selected one too: a port may loop back to its own activity.
  const targets = nodes.map((n) => ({ id: n.id, label: n.data.activity.name ? `${n.data.activity.name} (${n.id})` : n.id }));

  return (
    <div className="app">
      <header>
        <a className="home" href="/admin" data-testid="back-to-admin">{t('nav.admin')}</a>
        <h1 className="brand">{t('brand')}</h1>
        {def && (
          <div className="current" data-testid="current-definition" title={def.definitionId}>
            <div className="current-name">{def.name || def.definitionId}</div>
            <div className="current-meta"><code>{def.definitionId}</code> {t('version', { v: def.version ?? 0 })} {status}</div>
          </div>
        )}
        <div className="actions" role="group" aria-label={t('actions')}>
          <button type="button" disabled={!def || busy} onClick={onSave}>{t('action.save')}</button>
          <button type="button" disabled={!def || busy} onClick={onValidate}>{t('action.validate')}</button>
          <button type="button" disabled={!def || busy} onClick={onPublish}>{t('action.publish')}</button>
          {def && def.isLatest && !def.isPublished && (def.version ?? 0) > 0 && (
            <button type="button" disabled={busy} onClick={onDiscardDraft} data-testid="discard-draft">{t('action.discardDraft')}</button>
          )}
          <button type="button" disabled={!def || busy} onClick={onTryIt}>{t('action.tryIt')}</button>
          <button type="button" disabled={!def} onClick={onExport}>{t('action.export')}</button>
        </div>
      </header>
      {message && (
        <div className={`message ${message.kind}`} role="status" data-testid="message">
          <span className="message-text">{message.text}</span>
          <button type="button" className="link" onClick={() => setMessage(null)} aria-label={t('action.close')}>×</button>
        </div>
      )}
      <div className="body">
        <aside className="left" aria-label={t('workflows.region')}>
          <section className="definitions" aria-labelledby="workflows-heading">
            <div className="section-head">
              <h2 id="workflows-heading">{t('workflows')}</h2>
              <button type="button" className="small" onClick={onNew}>{t('action.new')}</button>
            </div>
            <ul>
              {list.map((s) => (
                <li key={s.definitionId}>
                  <button type="button" className={def?.definitionId === s.definitionId ? 'def active' : 'def'} onClick={() => open(s.definitionId)}
                    aria-current={def?.definitionId === s.definitionId ? 'true' : undefined} data-definition-id={s.definitionId}>
                    <span className="def-name">{s.name}</span>
                    <span className="def-meta">
                      {s.definitionId} · v{s.version} · {s.publishedVersion ? t('def.published', { v: s.publishedVersion }) : t('def.unpublished')}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
          <Palette descriptors={descriptors} onAdd={(d) => addActivity(d)} />
        </aside>
        <main className="canvas" ref={wrapper} aria-label={t('canvas')}
          onDragOver={(e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'move'; }} onDrop={onDrop}>
          {def ? (
            <TraceContext.Provider value={marks?.traces ?? null}>
              <ReactFlow<ActivityNode, ConnectionEdge>
                key={canvasKey}
                nodes={nodes}
                edges={shownEdges}
                nodeTypes={nodeTypes}
                onNodesChange={handleNodesChange}
                onEdgesChange={handleEdgesChange}
                onConnect={onConnect}
                onNodeClick={() => setTab('inspector')}
                onNodeDoubleClick={(_, node) => openChild(node)}
                onEdgeClick={() => setTab('inspector')}
                isValidConnection={(c) => !!c.sourceHandle && c.source !== undefined && c.target !== undefined}
                deleteKeyCode={['Backspace', 'Delete']}
                fitView={view.fit}
                fitViewOptions={{ padding: 0.1, maxZoom: 1 }}
                defaultViewport={view.fit ? undefined : view.viewport}
                minZoom={0.15}
                maxZoom={2}
                ariaLabelConfig={flowAriaLabels}
                proOptions={{ hideAttribution: true }}
              >
                <Background gap={20} />
                <Controls />
                <MiniMap pannable zoomable />
              </ReactFlow>
            </TraceContext.Provider>
          ) : (
            <div className="empty">{t('canvas.empty')}</div>
          )}
        </main>
        <aside className="right" aria-label={t('side')}>
          <div className="tabs" role="tablist" aria-label={t('side')}>
            {tabs.map((x) => (
              <button type="button" key={x.id} id={`tab-${x.id}`} role="tab" aria-selected={tab === x.id} aria-controls="side-panel"
                tabIndex={tab === x.id ? 0 : -1} className={tab === x.id ? 'active' : ''} onClick={() => chooseTab(x.id)} onKeyDown={onTabKey}>
                {t(x.label)}{x.id === 'problems' && problemCount ? ` (${problemCount})` : ''}
              </button>
            ))}
          </div>
          <div className="panel" id="side-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
            {tab === 'inspector' && (selectedNode ? (
              <Inspector key={selectedNode.id} activity={selectedNode.data.activity} descriptor={selectedNode.data.descriptor}
                variables={def?.variables ?? []} onChange={updateActivity}
                onDelete={() => flow.deleteElements({ nodes: [{ id: selectedNode.id }] })}
                ports={selectedNode.data.ports} outgoing={outgoing} targets={targets}
                onConnect={(port, target) => onConnect({ source: selectedNode.id, sourceHandle: port, target, targetHandle: IN_PORT })}
                onDeleteConnection={(id) => flow.deleteElements({ edges: [{ id }] })} onOpenChild={(id) => open(id)} />
            ) : selectedEdge ? (
              <div className="inspector">
                <h3>{t('connection')}</h3>
                <p><code>{selectedEdge.source}</code> · <span title={selectedEdge.sourceHandle ?? 'Done'}>{outcomeLabel(selectedEdge.sourceHandle ?? 'Done',
                  nodes.find((n) => n.id === selectedEdge.source)?.data.descriptor)}</span> → <code>{selectedEdge.target}</code></p>
                <button type="button" className="danger" onClick={() => flow.deleteElements({ edges: [{ id: selectedEdge.id }] })}>{t('action.deleteConnection')}</button>
              </div>
            ) : (
              <div className="hint">{t('hint.select')}</div>
            ))}
            {tab === 'problems' && (
              <div className="problems" data-testid="problems">
                {problems === null && <div className="hint">{t('problems.notYet')}</div>}
                {problems !== null && problems.length === 0 && <div className="ok">{t('problems.none')}</div>}
                {problems && problems.length > 0 && (
                  <ul>
                    {problems.map((p, i) => (
                      <li key={i}>
                        {p.activityId ? (
                          <button type="button" className="link" onClick={() => focusActivity(p.activityId!)}>{p.activityId}</button>
                        ) : <em>{t('problems.workflow')}</em>}
                        {' '}<code>{p.code}</code> {problemText(p)}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            )}
            {tab === 'run' && (
              <TryIt canRun={!!def} busy={busy} input={runInput} onInput={setRunInput} caseText={caseText} onCaseText={setCaseText}
                sampleText={sampleText} run={run} onRun={onTryIt} labelOutcome={labelOutcome} labelChoice={labelChoice} />
            )}
            {tab === 'instance' && instance && (
              <>
                <InstanceView instance={instance} onSelect={focusActivity} onOpenInstance={openInstance} labelOutcome={labelOutcome} />
                <button type="button" className="small" onClick={closeInstance}>{t('action.closeInstance')}</button>
              </>
            )}
            {tab === 'versions' && (
              <div className="versions" data-testid="versions">
                {def && (
                  <p className="hint">
                    <a href={`/admin/audit?area=workflow&subject=${encodeURIComponent(def.definitionId)}`} data-testid="audit-link">{t('versions.changeLog')}</a>
                  </p>
                )}
                {!versions && <div className="hint">{t('versions.notSaved')}</div>}
                {versions && (
                  <ul>
                    {versions.map((v) => (
                      <li key={v.version} className={def?.version === v.version ? 'current' : ''}>
                        <strong>{capitalized(t('version', { v: v.version }))}</strong>
                        {v.isPublished && <span className="badge published">{t('badge.published')}</span>}
                        {v.isDraft && !v.discardedAt && <span className="badge draft">{t('badge.draft')}</span>}
                        {v.discardedAt && <span className="badge old">{t('badge.discarded')}</span>}
                        {v.isLatest && <span className="badge">{t('badge.latest')}</span>}
                        <div className="hint" data-testid={`version-times-${v.version}`}>{versionTimes(v)}</div>
                        {(v.runningInstances ?? 0) > 0 && (
                          <div className="hint" data-testid={`running-${v.version}`}>{t('versions.running', { n: v.runningInstances! })}</div>
                        )}
                        <button type="button" className="small" disabled={busy} onClick={() => open(def!.definitionId, v.version)}>
                          {t('action.open', { v: v.version })}
                        </button>
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
