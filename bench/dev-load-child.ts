// The child process of runLoader (dev-load.ts): one load spec in, its result out.
import { type LoadRequest, load } from "./dev-load.ts";

process.once("message", (spec) => {
  void load(spec as LoadRequest).then((result) => process.send?.(result));
});
