#!/usr/bin/env node
// The nam-rig command line (see src/cli/main.ts). Runs the TypeScript sources through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = runCli(process.argv.slice(2));
