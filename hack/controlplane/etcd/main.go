// Command etcd is the stock etcd server, built from the Go module proxy so the
// end-to-end tests need no download from outside (see hack/build-controlplane.sh).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
