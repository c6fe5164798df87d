// Written by scripts/build.mjs: compiled workers need no TypeScript loader.
export { default } from "./entry.js";
