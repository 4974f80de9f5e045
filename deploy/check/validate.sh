#!/usr/bin/env bash
# Offline checks of openmede's deployment files; no Docker engine, no cluster.
#
#   deploy/check/validate.sh            (from anywhere; paths are relative to the repository)
#
# 1. Compose: `docker-compose config -q` (Debian's docker-compose 1.29, which rejects unknown
#    keys and wrong types) on deploy/compose.yaml, alone and with deploy/compose.gpu.yaml.
# 2. Kubernetes: every kustomization under deploy/kubernetes rendered and checked against the
#    Kubernetes schemas, unknown fields refused (deploy/check/validate-kubernetes.mjs).
# 3. Self-tests: the files in deploy/check/testdata/*-invalid must each be refused with the
#    expected message, and deploy/check/testdata/kubernetes-valid accepted; a check that
#    cannot fail proves nothing.
# 4. Where `kubectl` is installed, its own kustomize render of each kustomization is checked
#    too (a cross-check of the renderer in step 2); skipped otherwise.
#
# Needs: docker-compose (apt-get install -y docker-compose), node and the packages of
# deploy/check (npm ci --prefix deploy/check). Exit status 0 when everything is valid, 1 when
# something is invalid, 2 when a tool is missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

# docker-compose interpolates ${OPENMEDE_*} from the environment; keep checks reproducible.
unset OPENMEDE_IMAGE OPENMEDE_GPU_IMAGE OPENMEDE_VIDEO_DIR OPENMEDE_KAFKA_CLUSTER_ID || true

missing() {
  echo "validate.sh: $1" >&2
  exit 2
}

command -v docker-compose > /dev/null \
  || missing "docker-compose not found; install it with: apt-get update && apt-get install -y docker-compose (it needs no Docker engine)"
command -v node > /dev/null \
  || missing "node not found; install it with: apt-get install -y nodejs npm"
[ -d "$here/node_modules/kubernetes-models" ] && [ -d "$here/node_modules/yaml" ] \
  || missing "the Kubernetes schema packages are not installed; run: npm ci --prefix deploy/check"

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

echo "== compose ($(docker-compose version --short 2> /dev/null || echo '?'))"
compose_check() {
  local out
  if out="$(docker-compose "$@" config -q 2>&1)"; then
    echo "  ok  docker-compose $* config"
  else
    fail "docker-compose $* config:"
    echo "$out" | sed 's/^/    /' >&2
  fi
}
compose_check -f deploy/compose.yaml
compose_check -f deploy/compose.yaml -f deploy/compose.gpu.yaml
# Every service the product needs is in the file (a deleted service would still validate).
services="$(docker-compose -f deploy/compose.yaml --profile file --profile tools config --services 2> /dev/null | sort | tr '\n' ' ' || true)"
for s in kafka-1 kafka-2 kafka-3 registry ingest recognizer recognizer-2 trainer events labeler; do
  [ -n "${services// /}" ] || break # the file did not parse: reported above
  case " $services " in
    *" $s "*) ;;
    *) fail "deploy/compose.yaml has no service '$s' (services: $services)" ;;
  esac
done
echo "  services: $services"

echo "== compose self-test: invalid files must be refused"
for f in "$here"/testdata/compose-invalid/*.yaml; do
  name="${f#"$root"/}"
  expect="$(sed -n '1s/^# expect: //p' "$f")"
  [ -n "$expect" ] || { fail "$name: first line must be '# expect: <message regex>'"; continue; }
  if out="$(docker-compose -f "$f" config -q 2>&1)"; then
    fail "$name was accepted; docker-compose must refuse it"
  elif ! grep -Eq -- "$expect" <<< "$out"; then
    fail "$name was refused, but not with /$expect/: $out"
  else
    echo "  refused as expected: $name: $(grep -E -m1 -- "$expect" <<< "$out")"
  fi
done

echo "== kubernetes self-test"
if ! node "$here/validate-kubernetes.mjs" --self-test; then
  fail "the Kubernetes check's self-test"
fi

echo "== kubernetes (deploy/kubernetes)"
if ! node "$here/validate-kubernetes.mjs" deploy/kubernetes; then
  fail "Kubernetes manifests under deploy/kubernetes"
fi

echo "== kubernetes, rendered by kubectl kustomize (cross-check)"
if command -v kubectl > /dev/null && kubectl kustomize --help > /dev/null 2>&1; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  while IFS= read -r k; do
    dir="$(dirname "$k")"
    out="$tmp/$(echo "$dir" | tr '/' '_').yaml"
    if kubectl kustomize "$dir" > "$out" 2> "$tmp/err"; then
      if node "$here/validate-kubernetes.mjs" "$out" > "$tmp/log" 2>&1; then
        echo "  ok  kubectl kustomize $dir: $(grep -c '^  ok ' "$tmp/log") documents"
      else
        fail "kubectl kustomize $dir renders invalid manifests:"
        grep -v -e '^  ok ' -e '^$' -e ' documents)$' "$tmp/log" | sed 's/^/    /' >&2
      fi
    else
      fail "kubectl kustomize $dir: $(cat "$tmp/err")"
    fi
  done < <(find deploy/kubernetes -name kustomization.yaml | sort)
else
  echo "  skipped: kubectl is not installed (the check above renders kustomizations itself)"
fi

if [ "$failures" -gt 0 ]; then
  echo "validate.sh: $failures check(s) FAILED" >&2
  exit 1
fi
echo "validate.sh: deployment files valid (compose, Kubernetes, self-tests)"
