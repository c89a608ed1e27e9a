#!/usr/bin/env bash
# Builds the control plane that the end-to-end tests run (kube-apiserver and
# kubectl v1.37.2, etcd v3.7.0) from the Go module proxy, and caches the
# binaries under bin/k8s/<version>/. A second run with the binaries present
# does nothing. Prints the folder on its last line.
#
# Why not setup-envtest: it downloads prebuilt binaries, and this project's
# machines reach only package registries.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=v1.37.2
out="$root/bin/k8s/$version"
mkdir -p "$out"
if [[ -x "$out/kube-apiserver" && -x "$out/etcd" && -x "$out/kubectl" ]]; then
  echo "$out"
  exit 0
fi
cd "$root/hack/controlplane"
pkg=k8s.io/component-base/version
ldflags="-s -w -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=37 -X $pkg.gitTreeState=clean"
export CGO_ENABLED=0 GOFLAGS=-mod=mod
echo "building kube-apiserver, kubectl and etcd into $out (about 10 minutes on 2 cores, once)" >&2
go build -trimpath -ldflags "$ldflags" -o "$out/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
go build -trimpath -ldflags "$ldflags" -o "$out/kubectl.tmp" k8s.io/kubernetes/cmd/kubectl
go build -trimpath -ldflags "-s -w" -o "$out/etcd.tmp" ./etcd
for b in kube-apiserver kubectl etcd; do mv "$out/$b.tmp" "$out/$b"; done
echo "$out"
