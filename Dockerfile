# The crawler worker (crawler + alert processor after each pass) as a container image.
# The web app runs on Vercel (see docs/deploy.md); this image never builds Next.js.
#
#   docker build -t peerscope-worker .
#   docker run --env-file worker.env peerscope-worker
#
# Needs DATABASE_URL (Supabase direct or session-pooler URL); see docs/deploy.md for the rest.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY lib ./lib
COPY crawler ./crawler
COPY supabase/migrations ./supabase/migrations

USER node
# SIGTERM (docker stop) aborts the pass in progress after writing what it found.
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "crawler/index.ts"]
