// The version kubeterm reports (`--version`, the UI header, ClusterInfo.serverVersion),
// read from package.json so there is one place to bump it.
import { readFileSync } from 'node:fs';
import { KUBE_GIT_VERSION, KUBE_MAJOR, KUBE_MINOR } from './api/version.js';

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const VERSION = readVersion();

/** The Kubernetes release the embedded engine follows. */
export const KUBERNETES_COMPAT = `v${KUBE_MAJOR}.${KUBE_MINOR}.0`;

/** The embedded engine's server version: the gitVersion its API server's /version reports, so the header and kubectl agree. */
export const SERVER_VERSION = KUBE_GIT_VERSION;
