# syntax=docker/dockerfile:1
# argoguard: the admission webhook (entrypoint) and the CLI, as static
# binaries on distroless/static, running as the image's non-root user.
#   docker build -t ghcr.io/argoguard/argoguard:v0.1.0 .
FROM --platform=$BUILDPLATFORM golang:1.26.8-bookworm AS build
# Set by BuildKit for each --platform; linux/amd64 without it.
ARG TARGETOS
ARG TARGETARCH
WORKDIR /src
# Dependencies first, so a source change does not re-download them.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
# The sources (.dockerignore keeps tests, docs, deploy/ and bin/ out).
COPY . .
# CGO off: fully static binaries, nothing needed from the base image.
ENV CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH:-amd64}
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags "-s -w" -o /out/webhook ./cmd/webhook && \
    go build -trimpath -ldflags "-s -w" -o /out/argoguard ./cmd/argoguard

# static: no shell, no libc, CA certificates and tzdata only. nonroot: uid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
LABEL org.opencontainers.image.source="https://github.com/argoguard/argoguard" \
      org.opencontainers.image.description="Admission webhook guarding Argo CD and Argo Workflows SSO and RBAC settings"
COPY --from=build /out/webhook /out/argoguard /usr/local/bin/
USER 65532:65532
EXPOSE 9443 8080 8081
ENTRYPOINT ["/usr/local/bin/webhook"]
