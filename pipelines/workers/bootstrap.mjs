// Worker threads do not inherit a TypeScript loader from vitest (and may not from the
// parent): register tsx here, then load the real entry.
import { register } from "tsx/esm/api";

register();
const entry = await import("./entry.ts");

export default entry.default;
