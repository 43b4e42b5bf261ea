#!/usr/bin/env bash
# Starts the test control plane on loopback and prints the path of its env file, which sets
# KUBECONFIG (admin) and TESTENV_DIR. Usage: start.sh STATE_DIR
#   etcd; kube-apiserver with RBAC, admission (PodSecurity, ResourceQuota, LimitRanger,
#   ValidatingAdmissionPolicy, …), a service-account signing key and static token users
#   (an admin and tenant admins with their groups, from $STATE_DIR/tokens.csv if present);
#   kube-controller-manager; kube-scheduler; KWOK for fake nodes and pod status.
# Stop it with stop.sh STATE_DIR. Binaries come from build.sh (cache outside the repo).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${1:?usage: start.sh STATE_DIR}"
BIN="$(bash "$here/build.sh")"
mkdir -p "$STATE/pki" "$STATE/logs"
STATE="$(cd "$STATE" && pwd)"
started=$(date +%s%N)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
ETCD_PORT=$(free_port); ETCD_PEER=$(free_port); API_PORT=$(free_port)

# Keys and certificates: a CA, the API server's serving certificate, the service-account key.
pki="$STATE/pki"
if [ ! -f "$pki/ca.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=tenantctl-testenv-ca" \
    -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout "$pki/apiserver.key" -out "$pki/apiserver.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.96.0.1\n' > "$pki/san.ext"
  openssl x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 3650 \
    -extfile "$pki/san.ext" -out "$pki/apiserver.crt" 2>/dev/null
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
fi

# Static token users: token,user,uid,"group,…". The admin is system:masters; tests add tenant admins.
ADMIN_TOKEN="$(openssl rand -hex 24)"
tokens="$STATE/tokens.csv"
{
  echo "$ADMIN_TOKEN,testenv-admin,testenv-admin,\"system:masters\""
  [ -f "$STATE/extra-tokens.csv" ] && cat "$STATE/extra-tokens.csv"
} > "$tokens"
chmod 600 "$tokens"

kubeconfig() { # name token
  cat > "$STATE/$1.kubeconfig" <<KCFG
apiVersion: v1
kind: Config
clusters:
- name: testenv
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority: $pki/ca.crt
users:
- name: $1
  user:
    token: $2
contexts:
- name: testenv
  context: { cluster: testenv, user: $1 }
current-context: testenv
KCFG
  chmod 600 "$STATE/$1.kubeconfig"
}
kubeconfig admin "$ADMIN_TOKEN"
if [ -f "$STATE/extra-tokens.csv" ]; then
  while IFS=, read -r token user _; do [ -n "$user" ] && kubeconfig "$user" "$token"; done < "$STATE/extra-tokens.csv"
fi

launch() { # name cmd...
  local name=$1; shift
  "$@" >"$STATE/logs/$name.log" 2>&1 &
  echo $! > "$STATE/$name.pid"
}

launch etcd "$BIN/etcd" --data-dir "$STATE/etcd" --name testenv \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
  --initial-cluster "testenv=http://127.0.0.1:$ETCD_PEER" --unsafe-no-fsync --quota-backend-bytes 4294967296 \
  --log-level error

launch kube-apiserver "$BIN/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" \
  --token-auth-file "$tokens" \
  --authorization-mode RBAC \
  --enable-admission-plugins NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,ResourceQuota,DefaultStorageClass,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-cluster-ip-range 10.96.0.0/16 \
  --allow-privileged=true \
  --profiling="${K8S_TESTENV_PROFILING:-false}" --v=1

# Wait for the API server to be ready before the controllers connect.
for i in $(seq 1 200); do
  if curl -sf --cacert "$pki/ca.crt" -H "Authorization: Bearer $ADMIN_TOKEN" "https://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$(cat "$STATE/kube-apiserver.pid")" 2>/dev/null; then
    echo "kube-apiserver exited; last lines of $STATE/logs/kube-apiserver.log:" >&2
    tail -20 "$STATE/logs/kube-apiserver.log" >&2
    exit 1
  fi
  sleep 0.1
done

launch kube-controller-manager "$BIN/kube-controller-manager" \
  --kubeconfig "$STATE/admin.kubeconfig" --authentication-kubeconfig "$STATE/admin.kubeconfig" \
  --authorization-kubeconfig "$STATE/admin.kubeconfig" \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
  --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false \
  --controllers '*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-route' \
  --concurrent-deployment-syncs 10 --concurrent-replicaset-syncs 10 --v=1

launch kube-scheduler "$BIN/kube-scheduler" \
  --kubeconfig "$STATE/admin.kubeconfig" --authentication-kubeconfig "$STATE/admin.kubeconfig" \
  --authorization-kubeconfig "$STATE/admin.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false --v=1

launch kwok "$BIN/kwok" --kubeconfig "$STATE/admin.kubeconfig" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --node-lease-duration-seconds=40 --cidr=10.244.0.0/16 --node-ip=10.0.0.1 \
  --server-address 127.0.0.1:0

cat > "$STATE/env" <<ENV
export KUBECONFIG=$STATE/admin.kubeconfig
export TESTENV_DIR=$STATE
export TESTENV_SERVER=https://127.0.0.1:$API_PORT
ENV
echo "control plane ready in $(( ($(date +%s%N) - started) / 1000000 )) ms" >&2
echo "$STATE/env"
