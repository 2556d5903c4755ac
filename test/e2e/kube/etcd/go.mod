// Pins the etcd built for the e2e harness: the etcd server release that
// k8s.io/kubernetes v1.34 itself requires (see docs/e2e.md).
module kube-mcp-stack/e2e/kube/etcd

go 1.24.0

require go.etcd.io/etcd/server/v3 v3.6.4
