#!/usr/bin/env node
// The `ingest` command runs the TypeScript sources directly through tsx, so `npx ingest`
// works right after `npm ci` with no build step to remember.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
