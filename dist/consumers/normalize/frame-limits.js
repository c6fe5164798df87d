// consumers/normalize/frame-limits.ts
import { isObject } from "./json.js";
var MAX_FRAMES = 250;
var FRAME_ALLOWANCE = 50;
function enforceFrameLimit(stacktrace, meta, path) {
  const frames = stacktrace.frames;
  if (!Array.isArray(frames) || frames.length <= MAX_FRAMES) return;
  const removed = frames.length - MAX_FRAMES;
  const framesPath = [...path, "frames"];
  meta.at(framesPath).setLength(frames.length);
  const mapping = frames.map((_, index) => index < removed ? -1 : index - removed);
  meta.reindexArray(framesPath, mapping);
  stacktrace.frames = frames.slice(removed);
}
function slimFrameData(stacktrace) {
  const frames = stacktrace.frames;
  if (!Array.isArray(frames) || frames.length <= FRAME_ALLOWANCE) return;
  const app = [];
  const system = [];
  frames.forEach((frame, index) => {
    if (!isObject(frame)) return;
    if (frame.in_app === true) app.push(index);
    else system.push(index);
  });
  const systemHalf = Math.floor(Math.max(0, FRAME_ALLOWANCE - app.length) / 2);
  const systemRemoved = systemHalf <= system.length - systemHalf ? system.slice(systemHalf, system.length - systemHalf) : [];
  const remaining = Math.max(0, frames.length - FRAME_ALLOWANCE - systemRemoved.length);
  const appHalf = Math.floor(Math.max(0, app.length - remaining) / 2);
  const appRemoved = appHalf <= app.length - appHalf ? app.slice(appHalf, app.length - appHalf) : [];
  for (const index of [...systemRemoved, ...appRemoved]) {
    const frame = frames[index];
    if (!isObject(frame)) continue;
    frame.vars = void 0;
    frame.pre_context = void 0;
    frame.post_context = void 0;
  }
}
export {
  FRAME_ALLOWANCE,
  MAX_FRAMES,
  enforceFrameLimit,
  slimFrameData
};
//# sourceMappingURL=frame-limits.js.map
