#!/usr/bin/env node
// Launcher: registers tsx so the TypeScript sources run as they are, then hands over to src/cli.tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.tsx');
