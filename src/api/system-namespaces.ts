// The namespaces every cluster has from the start (kube-apiserver's
// system namespaces controller plus `default`): the engine creates them, the
// API server tolerates objects in them before they exist, and the namespace
// controller recreates them if deleted.
export const SYSTEM_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
