import { describe, expect, it } from "vitest";
import { eventUserTag, saveEventTags } from "../../../consumers/grouping/save-event-tags.ts";
import { searchMessage } from "../../../consumers/grouping/search-message.ts";

describe("saveEventTags (save_event's tag changes)", () => {
  it("copies level, logger, environment and transaction into tags, each moved to the end", () => {
    const tags = saveEventTags({
      level: "warning",
      logger: "app.db",
      environment: "prod",
      transaction: "/checkout",
      tags: [
        ["environment", "client-env"],
        ["browser", "Firefox"],
        ["level", "info"],
      ],
    });
    expect(tags).toEqual([
      ["browser", "Firefox"],
      ["level", "warning"],
      ["logger", "app.db"],
      ["environment", "prod"],
      ["transaction", "/checkout"],
    ]);
  });

  it("leaves out an empty logger and a missing environment, and drops a level tag when the event has no level", () => {
    expect(
      saveEventTags({
        logger: "",
        tags: [
          ["level", "x"],
          ["a", "b"],
        ],
      }),
    ).toEqual([["a", "b"]]);
  });

  it("replaces client release, dist and user tags with sentry:release, sentry:dist and sentry:user", () => {
    const tags = saveEventTags({
      level: "error",
      release: "app@1.2",
      dist: "42",
      user: { id: "u-1", email: "a@b.c", ip_address: "10.0.0.1" },
      tags: [
        ["release", "client-release"],
        ["dist", "client-dist"],
        ["user", "client-user"],
        ["keep", "me"],
      ],
    });
    expect(tags).toEqual([
      ["keep", "me"],
      ["level", "error"],
      ["sentry:release", "app@1.2"],
      ["sentry:dist", "42"],
      ["sentry:user", "id:u-1"],
    ]);
  });

  it("keeps a client dist tag and writes no sentry:dist when the event has no release", () => {
    const tags = saveEventTags({ level: "error", dist: "42", tags: [["dist", "client"]] });
    expect(tags).toEqual([
      ["dist", "client"],
      ["level", "error"],
    ]);
  });

  it("names the user by id, then email, then username, then a valid IP address", () => {
    expect(eventUserTag({ id: "7", email: "e@x.io", username: "u", ip_address: "1.2.3.4" })).toBe("id:7");
    expect(eventUserTag({ email: "e@x.io", username: "u" })).toBe("email:e@x.io");
    expect(eventUserTag({ username: "u", ip_address: "::1" })).toBe("username:u");
    expect(eventUserTag({ ip_address: "2001:db8::1" })).toBe("ip:2001:db8::1");
    expect(eventUserTag({ id: 123 })).toBe("id:123");
    expect(eventUserTag({ ip_address: "not-an-ip", name: "Jane" })).toBeUndefined();
    expect(eventUserTag({ id: "" })).toBeUndefined();
    expect(eventUserTag(null)).toBeUndefined();
  });

  it("keeps a client user tag when the event user identifies nobody", () => {
    expect(saveEventTags({ level: "error", user: { name: "Jane" }, tags: [["user", "x"]] })).toEqual([
      ["user", "x"],
      ["level", "error"],
    ]);
  });

  it("adds the url tag from the request unless the client set one", () => {
    expect(saveEventTags({ level: "error", request: { url: "https://x.io/a" } })).toEqual([
      ["level", "error"],
      ["url", "https://x.io/a"],
    ]);
    expect(
      saveEventTags({ level: "error", request: { url: "https://x.io/a" }, tags: [["url", "mine"]] }),
    ).toEqual([
      ["url", "mine"],
      ["level", "error"],
    ]);
  });

  it("adds the first exception's mechanism tags, then the contexts' tags in context order", () => {
    const tags = saveEventTags({
      level: "error",
      exception: {
        values: [
          { type: "A", mechanism: { type: "onerror", handled: false } },
          { type: "B", mechanism: { type: "other", handled: true } },
        ],
      },
      contexts: {
        os: { type: "os", name: "Android", version: "13", rooted: false },
        device: { type: "device", model: "Pixel", family: "Pixel 7" },
        client_os: { type: "os", name: "Windows" },
        runtime: { name: "CPython", version: "3.11.1" },
        trace: { type: "trace", trace_id: "ab" },
        app: { type: "app", device_app_hash: "hash" },
        gpu: { type: "gpu", name: "Adreno", vendor_name: "Qualcomm" },
      },
      tags: [["os", "client-os"]],
    });
    expect(tags).toEqual([
      ["level", "error"],
      ["mechanism", "onerror"],
      ["handled", "no"],
      ["os", "Android 13"],
      ["os.name", "Android"],
      ["os.rooted", "no"],
      ["device", "Pixel"],
      ["device.family", "Pixel 7"],
      ["client_os.name", "Windows"],
      ["runtime", "CPython 3.11.1"],
      ["runtime.name", "CPython"],
      ["app.device", "hash"],
      ["gpu.name", "Adreno"],
      ["gpu.vendor", "Qualcomm"],
    ]);
  });

  it("keeps null entries and pairs with a null key, as pop_tag does", () => {
    expect(saveEventTags({ level: "fatal", tags: [null, [null, "redacted"]] })).toEqual([
      null,
      [null, "redacted"],
      ["level", "fatal"],
    ]);
  });

  it("turns an object of tags into pairs and cuts values to 200 characters", () => {
    const long = "x".repeat(250);
    expect(saveEventTags({ transaction: long, tags: { a: "1" } })).toEqual([
      ["a", "1"],
      ["transaction", `${"x".repeat(197)}...`],
    ]);
  });

  it("does not modify the event it reads", () => {
    const event = { level: "error", release: "r", tags: [["release", "c"]] };
    saveEventTags(event);
    expect(event.tags).toEqual([["release", "c"]]);
  });
});

describe("searchMessage (Sentry's search_message)", () => {
  it("joins the log message, the metadata values not yet contained and the culprit", () => {
    expect(
      searchMessage({
        logentry: { formatted: "Failed to load user 42", message: "Failed to load user %s" },
        metadata: {
          type: "KeyError",
          value: "user 42",
          filename: "app/models.py",
          display_title_with_tree_label: false,
          in_app_frame_mix: "mixed",
          depth: 3,
        },
        culprit: "app.models in load",
      }),
    ).toBe("Failed to load user 42 KeyError app/models.py app.models in load");
  });

  it("uses the unformatted message when there is no formatted one, and skips a culprit already contained", () => {
    expect(searchMessage({ logentry: { message: "hello world" }, culprit: "world" })).toBe("hello world");
  });

  it("is empty for an event without message, metadata or culprit", () => {
    expect(searchMessage({ culprit: "", metadata: {} })).toBe("");
  });

  it("cuts the message to 8192 characters", () => {
    const message = searchMessage({ logentry: { formatted: "y".repeat(9000) } });
    expect(Array.from(message)).toHaveLength(8192);
    expect(message.endsWith("...")).toBe(true);
  });
});
