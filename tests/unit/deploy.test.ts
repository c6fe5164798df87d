import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { createConsumerCommand } from "../../cli/commands/consumer.ts";
import { loadOptions, OPTION_SPECS } from "../../config/options.ts";
import { parseTopology } from "../../config/topology.ts";

// deploy/ cannot run here (no Docker, no cluster), so it is kept honest by reading it: every
// consumer in topology.yaml has its Deployment and compose service, their commands are
// flags `ingest consumer run` accepts, the probes watch the file the consumer touches, and
// the topology they mount is the repository's.

const ROOT = join(import.meta.dirname, "../..");
const K8S = join(ROOT, "deploy/kubernetes");
const topologyText = readFileSync(join(ROOT, "topology.yaml"), "utf8");
const topology = parseTopology(topologyText, "topology.yaml");
const consumers = Object.keys(topology.consumers);
const defaults = loadOptions({});
const KNOWN_ENV = new Set(Object.values(OPTION_SPECS).map((spec) => spec.env));

interface K8sObject {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
}

const files = readdirSync(K8S).filter((file) => file.endsWith(".yaml"));
const objects: Array<K8sObject & { file: string }> = files
  .filter((file) => file !== "kustomization.yaml")
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(K8S, file), "utf8")).map((doc) => {
      expect(doc.errors, file).toEqual([]);
      return { ...(doc.toJS() as K8sObject), file };
    }),
  );

/** The long flags `ingest consumer run` accepts. */
const RUN_FLAGS = new Set(
  (createConsumerCommand().commands.find((c) => c.name() === "run") as Command).options.map((o) => o.long),
);

function flagValue(args: ReadonlyArray<string>, flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at < 0 ? undefined : args[at + 1];
}

/** Checks `args` is `consumer run NAME` followed by flags that command knows. */
function expectConsumerArgs(args: ReadonlyArray<string>, name: string): void {
  expect(args.slice(0, 3)).toEqual(["consumer", "run", name]);
  for (const arg of args.slice(3)) {
    if (arg.startsWith("--")) expect(RUN_FLAGS, `${name}: ${arg}`).toContain(arg);
  }
}

function expectKnownSettings(env: Readonly<Record<string, unknown>>, where: string): void {
  const strings: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith("INGEST_")) continue;
    expect(KNOWN_ENV, `${where}: ${key}`).toContain(key);
    strings[key] = String(value);
  }
  // Every value parses as its option's type.
  expect(() => loadOptions(strings), where).not.toThrow();
}

type Container = {
  args: string[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  livenessProbe?: { exec?: { command: string[] }; periodSeconds?: number };
  startupProbe?: { exec?: { command: string[] } };
  ports?: Array<{ name: string; containerPort: number }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  securityContext?: { readOnlyRootFilesystem?: boolean };
};
type PodSpec = {
  containers: Container[];
  volumes?: Array<{ name: string; configMap?: { name: string }; emptyDir?: unknown }>;
  terminationGracePeriodSeconds?: number;
};
type Deployment = K8sObject & {
  spec: { replicas: number; template: { metadata: { annotations?: Record<string, string> }; spec: PodSpec } };
};

function deployments(): Array<Deployment & { file: string }> {
  return objects.filter((o) => o.kind === "Deployment") as Array<Deployment & { file: string }>;
}

function consumerOf(deployment: Deployment): string {
  return deployment.spec.template.spec.containers[0]?.args[2] ?? "";
}

describe("deploy/kubernetes", () => {
  it("has exactly one Deployment per consumer in topology.yaml, running `ingest consumer run NAME`", () => {
    expect(deployments().map(consumerOf).sort()).toEqual([...consumers].sort());
    for (const deployment of deployments()) {
      const [container] = deployment.spec.template.spec.containers;
      expectConsumerArgs(container?.args ?? [], consumerOf(deployment));
    }
  });

  it("probes liveness by deleting the very file the consumer touches, in a writable volume", () => {
    for (const deployment of deployments()) {
      const pod = deployment.spec.template.spec;
      const container = pod.containers[0] as Container;
      const file = flagValue(container.args, "--healthcheck-file");
      expect(file, deployment.metadata.name).toBeDefined();
      expect(container.livenessProbe?.exec?.command).toEqual(["rm", file]);
      expect(container.startupProbe?.exec?.command).toEqual(["test", "-f", file]);
      // A probe that ran more often than the loop touches would fail a healthy consumer.
      expect(container.livenessProbe?.periodSeconds ?? 10).toBeGreaterThanOrEqual(5);
      if (container.securityContext?.readOnlyRootFilesystem) {
        const mount = (container.volumeMounts ?? []).find((m) => file?.startsWith(`${m.mountPath}/`));
        expect(mount, `${deployment.metadata.name}: ${file} must be on a mounted volume`).toBeDefined();
        expect(pod.volumes?.find((v) => v.name === mount?.name)?.emptyDir).toBeDefined();
      }
    }
  });

  it("exposes /metrics where the scrape annotations say, and gives SIGTERM time to drain", () => {
    for (const deployment of deployments()) {
      const template = deployment.spec.template;
      const container = template.spec.containers[0] as Container;
      const port = flagValue(container.args, "--metrics-port");
      expect(container.ports).toContainEqual({ name: "metrics", containerPort: Number(port) });
      expect(template.metadata.annotations?.["prometheus.io/port"]).toBe(port);
      expect((template.spec.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(
        defaults.joinTimeoutMs + defaults.kafkaSessionTimeoutMs,
      );
    }
  });

  it("runs no more replicas than the input topics have partitions", () => {
    for (const deployment of deployments()) {
      const spec = topology.consumers[consumerOf(deployment)];
      const partitions = Math.min(...(spec?.inputs ?? []).map((t) => topology.topics[t]?.partitions ?? 0));
      expect(deployment.spec.replicas).toBeLessThanOrEqual(partitions);
    }
  });

  it("mounts the repository's topology.yaml, byte for byte, where INGEST_TOPOLOGY points", () => {
    const configMap = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "ingest-topology");
    expect(configMap?.data?.["topology.yaml"]).toBe(topologyText);
    const settings = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "ingest-settings");
    const path = settings?.data?.INGEST_TOPOLOGY ?? "";
    for (const deployment of deployments()) {
      const pod = deployment.spec.template.spec;
      const volume = pod.volumes?.find((v) => v.configMap?.name === "ingest-topology");
      const mount = pod.containers[0]?.volumeMounts?.find((m) => m.name === volume?.name);
      expect(mount && `${mount.mountPath}/topology.yaml`, deployment.metadata.name).toBe(path);
    }
  });

  it("sets only known INGEST_* options, with values of the right type, from ConfigMaps it defines", () => {
    const configMaps = new Set(objects.filter((o) => o.kind === "ConfigMap").map((o) => o.metadata.name));
    const settings = objects.find((o) => o.metadata.name === "ingest-settings");
    expectKnownSettings(settings?.data ?? {}, "ingest-settings");
    expect(settings?.data?.INGEST_METRICS_HOST).toBe("0.0.0.0");
    for (const deployment of deployments()) {
      for (const source of deployment.spec.template.spec.containers[0]?.envFrom ?? []) {
        if (source.configMapRef) expect(configMaps).toContain(source.configMapRef.name);
      }
    }
  });

  it("lists every manifest in kustomization.yaml", () => {
    const kustomization = parse(readFileSync(join(K8S, "kustomization.yaml"), "utf8")) as {
      resources: string[];
    };
    expect([...kustomization.resources].sort()).toEqual(
      files.filter((f) => f !== "kustomization.yaml").sort(),
    );
  });

  it("creates the topics and the ClickHouse schema in Jobs", () => {
    const jobs = objects.filter((o) => o.kind === "Job") as unknown as Array<{
      spec: { template: { spec: PodSpec } };
    }>;
    expect(jobs.map((job) => job.spec.template.spec.containers[0]?.args)).toEqual(
      expect.arrayContaining([
        ["topology", "apply", "--yes"],
        ["storage", "migrate"],
      ]),
    );
  });
});

describe("deploy/docker-compose.yml", () => {
  const compose = parse(readFileSync(join(ROOT, "deploy/docker-compose.yml"), "utf8"), { merge: true }) as {
    services: Record<
      string,
      {
        command?: string[];
        environment?: Record<string, string>;
        depends_on?: Record<string, { condition: string }>;
        build?: { context: string; dockerfile: string };
      }
    >;
  };
  const services = compose.services;

  it("has a service per consumer in topology.yaml, running `ingest consumer run NAME` after the topics exist", () => {
    const running = Object.values(services)
      .filter((service) => service.command?.[0] === "consumer")
      .map((service) => service.command?.[2]);
    expect(running.sort()).toEqual([...consumers].sort());
    for (const name of consumers) {
      const service = services[name];
      expectConsumerArgs(service?.command ?? [], name);
      expect(flagValue(service?.command ?? [], "--healthcheck-file")).toBe("/tmp/health.txt");
      expect(service?.depends_on?.topology).toEqual({ condition: "service_completed_successfully" });
    }
    expect(services.storage?.depends_on?.migrate).toEqual({ condition: "service_completed_successfully" });
  });

  it("builds the repository's Dockerfile and points every ingest service at the compose servers", () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build === undefined) continue;
      expect(service.build, name).toEqual({ context: "..", dockerfile: "Dockerfile" });
      expectKnownSettings(service.environment ?? {}, name);
      expect(service.environment?.INGEST_KAFKA_BROKERS).toBe("kafka:9092");
      expect(service.environment?.INGEST_CLICKHOUSE_URL).toBe("http://clickhouse:8123");
      expect(service.environment?.INGEST_REDIS_URL).toBe("redis://redis:6379/0");
    }
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(["kafka", "clickhouse", "redis", "topology", "migrate"]),
    );
    expect(services.topology?.command).toEqual(["topology", "apply", "--yes"]);
  });
});
