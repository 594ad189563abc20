// kubeterm's terminal UI. src/cli.tsx mounts <App client={…} sync={…} version={…} />.
// app.tsx composes hooks/ (one piece of state or effect each), views/ (what
// the top of the view stack shows), widgets/ (header, dialogs, prompt, flash,
// events pane) and actions/ (each area's key-binding table beside its
// actions); logic/ is pure, render/ draws each kind's table rows.
export { App, type AppProps } from './app.js';
export type { SyncSource, SyncStatusLike } from './types.js';
export { defaultRenderers, type Renderer, type RendererRegistry } from './render/index.js';
export { BINDINGS } from './actions/index.js';
export type { Binding } from './keys.js';
