import { oneLanguage, t } from './i18n';
import type {
  ActivityDescriptor, CaseJson, Definition, DefinitionSummary, TestRunResult, ValidationError, ValidationResult, VersionInfo,
  WorkflowInstance,
} from './types';

/** A non-2xx answer: the problem-details message, and the validation errors of a refused publish. */
export class ApiError extends Error {
  constructor(public status: number, message: string, public errors: ValidationError[] = []) {
    super(message);
  }
}

/** The antiforgery request token the server put in a readable cookie with the page; every change sends it back. */
function antiforgeryToken(): string {
  const cookie = document.cookie.split('; ').find((c) => c.startsWith('liaison.xsrf='));
  return cookie ? decodeURIComponent(cookie.substring('liaison.xsrf='.length)) : '';
}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET') {
    headers['RequestVerificationToken'] = antiforgeryToken();
  }
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) {
    // The sign-in cookie expired: sign in again and come back.
    window.location.href = '/account/login?returnUrl=' + encodeURIComponent(window.location.pathname);
    throw new ApiError(401, t('message.signIn'));
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const p = (data ?? {}) as { detail?: string; title?: string; errors?: unknown };
    // A refused publish lists its validation errors; a refused request names its bad fields ({field: [messages]}).
    const errors = Array.isArray(p.errors) ? (p.errors as ValidationError[]) : [];
    const fields = p.errors && !Array.isArray(p.errors) && typeof p.errors === 'object'
      ? Object.entries(p.errors as Record<string, string[]>).map(([field, messages]) => `${field}: ${messages.map(oneLanguage).join('; ')}`)
      : [];
    const message = [p.detail ? oneLanguage(p.detail) : p.title || text || `HTTP ${res.status}`, ...fields].join('\n');
    throw new ApiError(res.status, res.status === 403 ? `${t('message.forbidden')} (${message})` : message, errors);
  }
  return data as T;
}

const base = '/api/workflow-definitions';
const enc = encodeURIComponent;

export const api = {
  descriptors: () => request<ActivityDescriptor[]>('GET', '/api/activity-descriptors'),
  list: () => request<DefinitionSummary[]>('GET', `${base}`),
  get: (definitionId: string, version?: number) =>
    request<Definition>('GET', `${base}/${enc(definitionId)}${version ? `?version=${version}` : ''}`),
  saveDraft: (def: Definition) => request<Definition>('PUT', `${base}/${enc(def.definitionId)}`, def),
  publish: (definitionId: string) => request<VersionInfo>('POST', `${base}/${enc(definitionId)}/publish`),
  /** Throws the draft (the unpublished latest version) away; the version before it is the latest again. */
  discardDraft: (definitionId: string) => request<null>('DELETE', `${base}/${enc(definitionId)}/draft`),
  versions: (definitionId: string) => request<VersionInfo[]>('GET', `${base}/${enc(definitionId)}/versions`),
  validate: (def: Definition) => request<ValidationResult>('POST', `${base}/validate`, def),
  /** Runs the definition without storing anything; `kase` is the case it routes (null: the server's sample case). */
  testRun: (def: Definition, input: Record<string, unknown>, kase: CaseJson | null) =>
    request<TestRunResult>('POST', `${base}/test-run`, { definition: def, input, resumeAll: true, ...(kase ? { case: kase } : {}) }),
  sampleCase: () => request<CaseJson>('GET', `${base}/test-run/sample-case`),
  /** A stored instance with its bookmarks, journal, incidents, parent and children. */
  instance: (id: string) => request<WorkflowInstance>('GET', `/api/workflow-instances/${enc(id)}`),
};
