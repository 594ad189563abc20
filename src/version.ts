// The version kubeterm reports (`--version`, the UI header, ClusterInfo.serverVersion),
// read from package.json so there is one place to bump it.
import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const VERSION = readVersion();

/** The Kubernetes API version the embedded engine follows, shown as the server version. */
export const KUBERNETES_COMPAT = 'v1.31.0';

export const SERVER_VERSION = `${KUBERNETES_COMPAT}+kubeterm-${VERSION}`;
