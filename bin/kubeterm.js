#!/usr/bin/env node
// Launcher: registers tsx so the TypeScript sources run as they are, then hands over to src/cli.tsx.
import { register } from 'tsx/esm/api';

// React's development build re-diffs every prop each frame; a terminal app wants the production build.
process.env.NODE_ENV ??= 'production';
register();
await import('../src/cli.tsx');
