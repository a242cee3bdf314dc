#!/usr/bin/env bash
# Certificates for mutual TLS between the Temporal frontend and its clients (README "Security"; docker-compose.yml).
# Makes, in $1 (default ./temporal-certs): a private CA (ca.pem / ca.key — keep the key offline), the frontend's
# certificate (server.pem / server.key, SAN "temporal"), and one client certificate per caller: worker, api, ui
# (<name>.pem / <name>.key), and internode.pem / internode.key (server AND client use, SAN "temporal": the Temporal
# services among themselves and the server's system worker towards the frontend). Only holders of a client certificate signed by this CA can open a connection to 7233.
# Renew by running it again into a new directory and rolling the services; never reuse the files of another city.
set -euo pipefail
dir=${1:-./temporal-certs}
days=${TEMPORAL_CERT_DAYS:-397}
mkdir -p "$dir" && cd "$dir"
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
  -subj '/CN=juki temporal CA' -keyout ca.key -out ca.pem 2>/dev/null
issue() { # name, subject CN, extended key usage, SAN
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\n%s\n' "$3" "$4" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days "$days" -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
issue server temporal serverAuth 'subjectAltName=DNS:temporal,DNS:localhost'
issue internode temporal serverAuth,clientAuth 'subjectAltName=DNS:temporal,DNS:localhost'
for c in worker api ui; do issue "$c" "juki-$c" clientAuth ''; done
echo "temporal-certs: CA, server, internode and client certificates (worker, api, ui) in $(pwd)" >&2
