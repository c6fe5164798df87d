// Stack trace limits of trimming: Relay's hard frame limit (the newest frames stay) and Sentry's
// `slim_frame_data` (middle frames of long traces lose their heavy data).

import { isObject, type JsonObject } from "./json.ts";
import type { MetaTree, PathSegment } from "./meta.ts";

/** Relay keeps the newest frames of a stack trace beyond this count. */
export const MAX_FRAMES = 250;
/** Beyond this many frames, middle frames lose vars and context lines. */
export const FRAME_ALLOWANCE = 50;

/** Keeps the newest `MAX_FRAMES` frames; their meta moves with them. */
export function enforceFrameLimit(
  stacktrace: JsonObject,
  meta: MetaTree,
  path: readonly PathSegment[],
): void {
  const frames = stacktrace.frames;
  if (!Array.isArray(frames) || frames.length <= MAX_FRAMES) return;
  const removed = frames.length - MAX_FRAMES;
  const framesPath = [...path, "frames"];
  meta.at(framesPath).setLength(frames.length);
  const mapping = frames.map((_, index) => (index < removed ? -1 : index - removed));
  meta.reindexArray(framesPath, mapping);
  stacktrace.frames = frames.slice(removed);
}

/** Sentry's `slim_frame_data`: beyond the allowance, middle frames lose their heavy data. */
export function slimFrameData(stacktrace: JsonObject): void {
  const frames = stacktrace.frames;
  if (!Array.isArray(frames) || frames.length <= FRAME_ALLOWANCE) return;
  const app: number[] = [];
  const system: number[] = [];
  frames.forEach((frame, index) => {
    if (!isObject(frame)) return;
    if (frame.in_app === true) app.push(index);
    else system.push(index);
  });
  const systemHalf = Math.floor(Math.max(0, FRAME_ALLOWANCE - app.length) / 2);
  const systemRemoved =
    systemHalf <= system.length - systemHalf ? system.slice(systemHalf, system.length - systemHalf) : [];
  const remaining = Math.max(0, frames.length - FRAME_ALLOWANCE - systemRemoved.length);
  const appHalf = Math.floor(Math.max(0, app.length - remaining) / 2);
  const appRemoved = appHalf <= app.length - appHalf ? app.slice(appHalf, app.length - appHalf) : [];
  for (const index of [...systemRemoved, ...appRemoved]) {
    const frame = frames[index];
    if (!isObject(frame)) continue;
    frame.vars = undefined;
    frame.pre_context = undefined;
    frame.post_context = undefined;
  }
}
