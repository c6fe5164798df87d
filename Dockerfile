# syntax=docker/dockerfile:1
# One image for every consumer and the CLI; one process per container, e.g.
#   docker run --rm IMAGE consumer run normalize
#   docker run --rm IMAGE topology plan
# Configuration comes from INGEST_* variables (see `ingest options` / README).
ARG NODE_IMAGE=node:20-slim

# --- dependencies -------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# better-sqlite3 and zstd-napi compile from source when no prebuilt binary fits the
# platform; the toolchain stays in this stage and never reaches the runtime image.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Dependencies only: dist/ is compiled in the runtime stage, once the sources are there
# (esbuild comes with tsx, a runtime dependency: bin/ingest.mjs falls back to it).
RUN npm pkg delete scripts.prepare \
  && npm ci --omit=dev \
  && npm cache clean --force

# --- runtime ------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
  INGEST_HEALTHCHECK_FILE=/tmp/health.txt
WORKDIR /app
RUN groupadd --system --gid 10001 ingest \
  && useradd --system --uid 10001 --gid ingest --home-dir /app --shell /usr/sbin/nologin ingest
COPY --from=deps /app/node_modules ./node_modules
# What is left out (tests, benchmarks, docs, scripts, git) is listed in .dockerignore.
COPY . .
# Sources and dist/ stay root-owned and read-only for the service user; only .cache
# (embedded SQLite, attachment files) is writable. `ingest` runs dist/ (no TypeScript
# loader in the process) as long as it matches the sources, which nothing changes here.
RUN node scripts/build.mjs \
  && chmod 0755 bin/ingest.mjs \
  && ln -s /app/bin/ingest.mjs /usr/local/bin/ingest \
  && mkdir -p /app/.cache \
  && chown ingest:ingest /app/.cache
USER ingest

# Healthy only while a consumer's processing loop keeps touching the health file (at most
# once a second). No file yet, or no touch for 30 s (the default max poll interval), means
# unhealthy; nothing in the image creates the file.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "const s = require('node:fs').statSync(process.env.INGEST_HEALTHCHECK_FILE); process.exit(Date.now() - s.mtimeMs < 30000 ? 0 : 1)"]

ENTRYPOINT ["ingest"]
CMD ["--help"]
