// ApiServer: Kubernetes REST over HTTP(S) in front of the Api, so the real
// kubectl drives kubeterm. It authenticates (admin and ServiceAccount bearer
// tokens), authorizes by RBAC (access.ts), routes
// (discovery, OpenAPI, resources, subresources, watch, logs, exec,
// port-forward), and turns
// every failure into a metav1.Status. It holds no cluster state of its own.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Api } from '../api/api.js';
import { badRequest, methodNotAllowed } from '../api/errors.js';
import { ServiceAccountTokens } from '../api/auth/sa-token.js';
import { AccessControl } from './access.js';
import { DEFAULT_MAX_BODY_BYTES } from './body.js';
import { KUBE_VERSION, apiGroup, apiGroupList, apiResourceList, apiVersions, servesSubresource } from './discovery.js';
import { sendAggregated, wantsAggregated } from './discovery-aggregated.js';
import { ExecHandler, type ExecFn } from './exec.js';
import { handleLogs, type LogsFn } from './logs.js';
import { boolParam, intParam, wantsTable, includeObject, selectorPredicate } from './negotiate.js';
import { serveOpenApi } from './openapi.js';
import { PortForwardHandler, type PodDialFn } from './portforward.js';
import { parsePath, type ResourceRequest } from './request-info.js';
import { isAccessApi, serveAccessApi } from './reviews.js';
import { METRICS_GROUP, serveMetrics, type MetricsSource } from './metrics.js';
import {
  handleCreate,
  handleDelete,
  handleDeleteCollection,
  handleGet,
  handlePatch,
  handleUpdate,
  type ResourceContext,
} from './resources.js';
import { handleList } from './list.js';
import { notFoundPath, sendError, sendJson, sendText, toStatusError } from './respond.js';
import { handleScale } from './scale.js';
import { handleEviction } from './eviction.js';
import { serveWatch } from './watch.js';
import { addWarning, deprecationWarning } from './warnings.js';

export interface ApiServerConfig {
  api: Api;
  /** Address to bind; default 127.0.0.1 (loopback only). */
  host?: string;
  /** 0 picks a free port. Default 6443. */
  port?: number;
  /** PEM certificate and key; without them the server speaks plain HTTP (tests). */
  tls?: { cert: string; key: string };
  /** The admin bearer token (user `kubernetes-admin` in `system:masters`). */
  token: string;
  /**
   * Signs and checks ServiceAccount tokens (TokenRequest, TokenReview, requests
   * with a ServiceAccount token); share the engine's so mounted tokens work.
   * Default: an in-memory key (tokens die with the server).
   */
  serviceAccountTokens?: ServiceAccountTokens;
  logs?: LogsFn;
  exec?: ExecFn;
  /** Opens a connection to a pod's port (pods/portforward); without it port-forward answers 503. */
  portForward?: PodDialFn;
  /** Node and pod usage for metrics.k8s.io (`kubectl top`); without it the group answers 503. */
  metrics?: MetricsSource;
  /** Request body cap; default 3 MiB like Kubernetes. Larger bodies get 413. */
  maxBodyBytes?: number;
  /** Interval of BOOKMARK events on watches that allow them; default 60 s. */
  bookmarkIntervalMs?: number;
  /** Longest watch without timeoutSeconds; default 30 min. */
  watchTimeoutMs?: number;
  /** Milliseconds since the epoch (table AGE columns, managedFields times). */
  now?: () => number;
  /** Where request failures of the server itself (500s) are reported; never gets tokens. */
  onError?: (e: unknown) => void;
}

export class ApiServer {
  private readonly api: Api;
  private readonly host: string;
  private readonly port: number;
  private readonly access: AccessControl;
  private readonly maxBodyBytes: number;
  private readonly now: () => number;
  private readonly execHandler: ExecHandler;
  private readonly portForwardHandler: PortForwardHandler;
  private readonly watches = new Set<() => void>();
  private server?: Server;
  private address = '';

  constructor(private readonly config: ApiServerConfig) {
    if (!config.api) throw new Error('ApiServer needs an api');
    this.api = config.api;
    this.host = config.host ?? '127.0.0.1';
    this.port = config.port ?? 6443;
    if (!Number.isInteger(this.port) || this.port < 0 || this.port > 65535) throw new Error(`ApiServer port must be 0..65535, got ${config.port}`);
    if (!config.token) throw new Error('ApiServer needs a non-empty bearer token');
    this.access = new AccessControl(this.api, config.token, config.serviceAccountTokens ?? new ServiceAccountTokens(), config.now);
    this.maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.now = config.now ?? Date.now;
    this.execHandler = new ExecHandler(this.api, config.exec);
    this.portForwardHandler = new PortForwardHandler(this.api, config.portForward);
  }

  /** Starts listening; resolves with the URL clients should use (https:// when TLS is configured). */
  async start(): Promise<{ url: string }> {
    if (this.server) throw new Error('ApiServer already started');
    this.access.start();
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    const server = this.config.tls ? createHttpsServer({ cert: this.config.tls.cert, key: this.config.tls.key }, handler) : createHttpServer(handler);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    server.on('clientError', (_e, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const addr = server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.address = `${host}:${addr.port}`;
    return { url: `${this.config.tls ? 'https' : 'http'}://${this.address}` };
  }

  /** Stops accepting, ends open watches and exec sessions, and closes idle connections. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.access.stop();
    for (const close of [...this.watches]) close();
    this.execHandler.close();
    this.portForwardHandler.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      await this.access.admit(req, url);
      await this.route(req, res, url);
    } catch (e) {
      const err = toStatusError(e);
      if (err.code >= 500) this.config.onError?.(e);
      sendError(res, err);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    switch (path) {
      case '/version':
        return sendJson(res, 200, KUBE_VERSION);
      case '/healthz':
      case '/livez':
      case '/readyz':
        return sendText(res, 200, 'ok');
      case '/api':
      case '/apis': {
        const aggregated = method === 'GET' ? wantsAggregated(req) : undefined;
        if (aggregated) return sendAggregated(req, res, this.api.kinds, path === '/api', aggregated);
        return sendJson(res, 200, path === '/api' ? apiVersions(this.address) : apiGroupList(this.api.kinds));
      }
    }
    if (/^\/(healthz|livez|readyz)\//.test(path)) return sendText(res, 200, 'ok');
    if (path === '/openapi/v2' || path === '/openapi/v3' || path.startsWith('/openapi/v3/')) return serveOpenApi(this.api.kinds, req, res, path, url.searchParams);
    const groupOnly = /^\/apis\/([^/]+)$/.exec(path);
    if (groupOnly) {
      const g = apiGroup(this.api.kinds, groupOnly[1]);
      if (!g) throw notFoundPath();
      return sendJson(res, 200, g);
    }
    const parsed = parsePath(path, this.api.kinds);
    if (parsed.type === 'unknown') throw notFoundPath();
    if (parsed.type === 'groupVersion') {
      if (method !== 'GET') throw methodNotAllowed(`the server does not allow this method on the requested resource`);
      return sendJson(res, 200, apiResourceList(this.api.kinds, parsed.group, parsed.version));
    }
    return this.resource(req, res, parsed.req, url.searchParams);
  }

  private async resource(req: IncomingMessage, res: ServerResponse, rr: ResourceRequest, query: URLSearchParams): Promise<void> {
    const method = req.method ?? 'GET';
    const c: ResourceContext = { api: this.access.apiFor(req, rr), req, res, rr, query, maxBodyBytes: this.maxBodyBytes, now: this.now };
    if (rr.subresource && !servesSubresource(rr.info, rr.subresource)) throw notFoundPath();
    if (isAccessApi(c)) return serveAccessApi(c, this.access);
    if (rr.info.virtual && rr.info.group === METRICS_GROUP) return serveMetrics(c, this.config.metrics);
    const deprecated = deprecationWarning(rr.info);
    if (deprecated) addWarning(res, deprecated);
    const watching = rr.legacyWatch || (method === 'GET' && boolParam(query, 'watch'));
    if (watching) {
      if (rr.subresource) throw notFoundPath();
      // Checked before the stream's 200 goes out, so a bad value is a 400 and not an open watch.
      intParam(query, 'timeoutSeconds');
      boolParam(query, 'allowWatchBookmarks');
      serveWatch({
        api: this.api,
        res,
        rr,
        query,
        filter: selectorPredicate(query, rr.info.kind),
        table: wantsTable(req) ? { include: includeObject(query) } : undefined,
        now: this.now,
        bookmarkIntervalMs: this.config.bookmarkIntervalMs ?? 60_000,
        defaultTimeoutMs: this.config.watchTimeoutMs ?? 30 * 60_000,
        maxBufferedBytes: 64 * 1024 * 1024,
        track: (close) => {
          this.watches.add(close);
          return () => this.watches.delete(close);
        },
      });
      return;
    }
    if (rr.subresource === 'scale') {
      if (!['GET', 'PUT', 'PATCH'].includes(method)) throw methodNotAllowed(`${method} is not supported on ${rr.resource}/scale`);
      return handleScale(c);
    }
    if (rr.subresource === 'log') {
      if (method !== 'GET') throw methodNotAllowed(`${method} is not supported on pods/log`);
      return handleLogs(c, this.config.logs, this.api);
    }
    if (rr.subresource === 'eviction') {
      if (method !== 'POST') throw methodNotAllowed(`${method} is not supported on pods/eviction`);
      return handleEviction(c);
    }
    if (rr.subresource === 'exec') {
      throw methodNotAllowed('pods/exec needs a WebSocket upgrade (subprotocol v5.channel.k8s.io); SPDY is not supported by kubeterm');
    }
    if (rr.subresource === 'portforward') {
      // As the API server's upgrade-aware proxy answers a plain request.
      throw badRequest('Upgrade request required');
    }
    switch (method) {
      case 'GET':
        return rr.name ? handleGet(c) : handleList(c);
      case 'POST':
        if (rr.name) throw methodNotAllowed(`POST is not supported on a named ${rr.info.kind}`);
        return handleCreate(c);
      case 'PUT':
        if (!rr.name) throw methodNotAllowed(`PUT needs an object name`);
        return handleUpdate(c);
      case 'PATCH':
        if (!rr.name) throw methodNotAllowed(`PATCH needs an object name`);
        return handlePatch(c);
      case 'DELETE':
        return rr.name ? handleDelete(c) : handleDeleteCollection(c);
      default:
        throw methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    void this.upgradeAdmitted(req, socket, head);
  }

  private async upgradeAdmitted(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      await this.access.admit(req, url, { upgrade: true });
      const parsed = parsePath(url.pathname, this.api.kinds);
      if (parsed.type !== 'resource' || parsed.req.info.kind !== 'Pod' || !parsed.req.name) throw notFoundPath();
      if (parsed.req.subresource === 'portforward') this.portForwardHandler.upgrade(req, socket, head, parsed.req, url.searchParams);
      else this.execHandler.upgrade(req, socket, head, parsed.req, url.searchParams);
    } catch (e) {
      const err = toStatusError(e);
      const body = JSON.stringify(err.toStatus());
      socket.end(`HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    }
  }
}
