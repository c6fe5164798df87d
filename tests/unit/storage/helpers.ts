import { loadOptions } from "../../../config/options.ts";
import { type RowMappingConfig, rowMappingConfig } from "../../../consumers/storage/error-row.ts";
import type { EventData, InsertBody } from "../../../consumers/storage/insert-body.ts";

export const defaultConfig: RowMappingConfig = rowMappingConfig(loadOptions({}));

export const KAFKA = { partition: 3, offset: 42, timestampMs: 1_700_000_000_999 };

/** A minimal valid insert body; tests override what they pin. */
export function insertBody(overrides: Partial<InsertBody> = {}, data: EventData = {}): InsertBody {
  return {
    event_id: "9cdc4c32dff14fbbb012b0aa9e908126",
    project_id: 1,
    group_id: 2,
    primary_hash: "061cf02b26374d108694d6643a7a2f4e",
    message: "hello",
    platform: "python",
    datetime: "2023-02-27T15:40:12.223000Z",
    ...overrides,
    data: { type: "error", received: 1677512412.5, ...data },
  };
}
