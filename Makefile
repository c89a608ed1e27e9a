# argoguard: see README.md. `make test` is what CI runs.
SHELL := /bin/bash
GO ?= go
BIN := $(CURDIR)/bin
K8S_BIN := $(BIN)/k8s/v1.37.2

.PHONY: all build controlplane test unit conformance e2e demo bench fuzz clean

all: build

build:
	$(GO) build -o $(BIN)/argoguard ./cmd/argoguard
	$(GO) build -o $(BIN)/webhook ./cmd/webhook

# kube-apiserver, etcd and kubectl for the end-to-end tests, built once from
# the Go module proxy and cached under bin/.
controlplane:
	bash hack/build-controlplane.sh

unit:
	$(GO) vet ./...
	$(GO) test -race ./...

conformance:
	cd test/conformance && $(GO) test -count=1 ./...
	cd test/wfconformance && $(GO) test -count=1 ./...

e2e: controlplane build
	KUBEBUILDER_ASSETS=$(K8S_BIN) ARGOGUARD_BIN=$(BIN) $(GO) test -count=1 -timeout 30m ./test/e2e/...

# The README's first command: a local control plane with argoguard
# registered (hack/demo); Ctrl-C stops it and cleans up.
demo: controlplane build
	$(GO) build -o $(BIN)/demo ./hack/demo
	$(BIN)/demo

test: controlplane build
	$(GO) vet ./...
	KUBEBUILDER_ASSETS=$(K8S_BIN) ARGOGUARD_BIN=$(BIN) $(GO) test -race -count=1 -timeout 45m ./...
	cd test/conformance && $(GO) test -count=1 ./...
	cd test/wfconformance && $(GO) test -count=1 ./...
	cd test/deploy && KUBEBUILDER_ASSETS=$(K8S_BIN) $(GO) test -count=1 ./...

# The Go benchmarks (policy checks, the webhook handler in-process), then
# the load test: argoguard's webhook binary and a no-op webhook with the same
# TLS on the same cores, driven by wrk; see docs/benchmarks.md.
bench: controlplane build
	$(GO) test -run '^$$' -bench . -benchmem ./policy/... ./test/load/
	$(GO) build -o $(BIN)/load-noop ./test/load/noop
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get install -y wrk; } || \
		{ echo "bench: the load generator wrk is missing (Debian: apt-get install -y wrk)"; exit 1; }
	$(GO) run ./test/load -webhook $(BIN)/webhook -noop $(BIN)/load-noop -assets $(K8S_BIN)

clean:
	rm -rf $(BIN) .demo
