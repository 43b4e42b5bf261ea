# Pinned versions of the test control plane (Kubernetes 1.34) and its peers. One place.
K8S_VERSION=v1.34.4
K8S_STAGING_VERSION=v0.34.4
KWOK_VERSION=v0.7.0
