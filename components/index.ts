// kubeterm's terminal UI. src/cli.tsx mounts <App client={…} sync={…} version={…} />.
export { App, type AppProps } from './app.js';
export type { SyncSource, SyncStatusLike } from './types.js';
export { defaultRenderers, type Renderer, type RendererRegistry } from './render/index.js';
export { BINDINGS, type Binding } from './keys.js';
