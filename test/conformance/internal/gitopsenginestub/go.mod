// Stand-in for github.com/argoproj/argo-cd/gitops-engine, which the Go module
// proxy cannot serve (Argo CD builds it from a directory inside its own
// repository). util/rbac imports no package from it; Go only needs a go.mod to
// complete Argo CD's module graph.
module github.com/argoproj/argo-cd/gitops-engine

go 1.26.0
