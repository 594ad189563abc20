// The Kubernetes version the embedded engine speaks, in one place: what the API
// server's /version reports (kubectl's "Server Version") and what the UI header
// shows as the server's version (ClusterInfo.serverVersion of the embedded engine).
// In attach mode the header shows the real server's /version gitVersion instead.

export const KUBE_MAJOR = '1';
export const KUBE_MINOR = '32';
/** `/version` gitVersion: the release followed, marked as kubeterm's build of it. */
export const KUBE_GIT_VERSION = `v${KUBE_MAJOR}.${KUBE_MINOR}.0-kubeterm`;
