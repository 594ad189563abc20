// A view the user may not list (RBAC, through a limited kubeconfig) says
// "forbidden" with the server's reason instead of an empty table or the
// connection banner; it is not retried on a timer, only when the user opens
// the view again or switches namespace. A kind refused across all namespaces
// but allowed in one (a RoleBinding) is listed in that namespace.
import { afterEach, describe, expect, it } from 'vitest';
import { StatusError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { WatchEvent } from '../../src/api/store-types.js';
import type { ClientListOptions, ClientWatchOptions, Subscription } from '../../src/client/types.js';
import { FakeClusterClient } from './fake-client.js';
import { ago, HOUR, pod } from './fixtures.js';
import { KEYS, mount, type Harness } from './harness.js';

const USER = 'system:serviceaccount:team:reader';
const PLURALS: Record<string, string> = { Pod: 'pods', Secret: 'secrets', Node: 'nodes', Event: 'events', Namespace: 'namespaces' };

/** What kube-apiserver's RBAC authorizer answers a refused list, in its words. */
function refusal(kind: string, namespace: string | undefined): string {
  const r = PLURALS[kind] ?? kind.toLowerCase();
  return `${r} is forbidden: User "${USER}" cannot list resource "${r}" in API group "" ${namespace ? `in the namespace "${namespace}"` : 'at the cluster scope'}`;
}

/** A fake whose list and watch reject with 403 where `allowed` says no, counting every attempt. */
class LimitedClient extends FakeClusterClient {
  attempts: { kind: string; namespace: string }[] = [];
  constructor(
    seed: KubeObject[],
    public allowed: (kind: string, namespace: string) => boolean,
  ) {
    super(seed);
  }
  tries(kind: string, namespace?: string): number {
    return this.attempts.filter((a) => a.kind === kind && (namespace === undefined || a.namespace === namespace)).length;
  }
  override async list(kind: string, opts: ClientListOptions = {}) {
    if (!this.allowed(kind, opts.namespace ?? '')) throw new StatusError(403, 'Forbidden', refusal(kind, opts.namespace));
    return super.list(kind, opts);
  }
  override watch(kind: string, opts: ClientWatchOptions, onEvent: (ev: WatchEvent) => void, onError?: (err: Error) => void): Subscription {
    const ns = opts.namespace ?? '';
    this.attempts.push({ kind, namespace: ns });
    if (this.allowed(kind, ns)) return super.watch(kind, opts, onEvent, onError);
    let stopped = false;
    // As KubeClient: the list fails after the call returns.
    queueMicrotask(() => {
      if (!stopped) onError?.(new StatusError(403, 'Forbidden', refusal(kind, opts.namespace)));
    });
    return { stop: () => (stopped = true) };
  }
}

/** The screen's text with wrapped lines joined (a long reason wraps in the table area). */
const flat = (screen: string) => screen.split('\n').map((l) => l.trim()).join(' ');

const secret = (name: string, ns: string): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns, creationTimestamp: ago(HOUR) }, type: 'Opaque', data: { k: 'dg==' } });

let h: Harness | undefined;
afterEach(() => {
  h?.unmount();
  h = undefined;
});

describe('a view the user may not list', () => {
  it('says forbidden with the server’s reason, not an empty table nor a lost connection, and does not retry by itself', async () => {
    // May list pods in "team" only; secrets nowhere.
    const client = new LimitedClient([pod('web-1', { ns: 'team' }), secret('db-pass', 'team')], (kind, ns) => (kind === 'Pod' ? ns === 'team' : kind !== 'Secret'));
    h = await mount(client, { initialView: 'secrets' });
    let screen = await h.flush();
    expect(flat(screen)).toContain(`forbidden: ${refusal('Secret', undefined)}`);
    expect(screen).not.toContain('No resources found');
    expect(screen).not.toContain('connection lost');
    expect(screen).not.toContain('db-pass');

    // Minutes pass: the refusal stands, and nothing asks the server again.
    const before = client.tries('Secret');
    for (let i = 0; i < 20; i++) {
      h.clock.advance(30_000);
      await h.flush();
    }
    expect(client.tries('Secret')).toBe(before);

    // Pods: refused across namespaces (the header's watch too), listed in the namespace the Role allows.
    screen = await h.type(':pods', KEYS.enter);
    expect(flat(screen)).toContain(`forbidden: ${refusal('Pod', undefined)}`);
    screen = await h.type(':pods team', KEYS.enter);
    await h.flush();
    screen = await h.flush();
    expect(screen).toMatch(/Pods\(team\)\[1\]/);
    expect(screen).toContain('web-1');
    expect(screen).not.toContain('forbidden');

    // Secrets in team: the namespace's own refusal, asked for once more since the view changed.
    screen = await h.type(':secrets', KEYS.enter);
    await h.flush();
    screen = await h.flush();
    expect(flat(screen)).toContain(`forbidden: ${refusal('Secret', 'team')}`);
    expect(client.tries('Secret', 'team')).toBe(1);
  });

  it('asks again when the user switches view or namespace, and shows the objects once allowed', async () => {
    let secretsAllowed = false;
    const client = new LimitedClient([secret('db-pass', 'team')], (kind) => kind !== 'Secret' || secretsAllowed);
    h = await mount(client, { initialView: 'secrets' });
    let screen = await h.flush();
    expect(screen).toContain('forbidden: secrets is forbidden');
    expect(client.tries('Secret', '')).toBe(1);

    // Another view and back: one more attempt, still refused.
    await h.type(':pods', KEYS.enter);
    screen = await h.type(':secrets', KEYS.enter);
    screen = await h.flush();
    expect(client.tries('Secret', '')).toBe(2);
    expect(screen).toContain('forbidden: secrets is forbidden');

    // An admin binds a Role meanwhile: the next switch lists.
    secretsAllowed = true;
    await h.type(':pods', KEYS.enter);
    await h.type(':secrets', KEYS.enter);
    screen = await h.flush();
    expect(screen).toContain('db-pass');
    expect(screen).not.toContain('forbidden');
  });

  it('a lost connection is still the banner, not a refusal', async () => {
    const client = new LimitedClient([secret('db-pass', 'team')], () => true);
    h = await mount(client, { initialView: 'secrets' });
    client.breakWatch('Secret', 'connect ECONNREFUSED 127.0.0.1:6443');
    const screen = await h.flush();
    expect(screen).toContain('connection lost (Secret)');
    expect(screen).toContain('db-pass');
    expect(screen).not.toContain('forbidden');
  });
});
