#!/usr/bin/env bash
# Creates or updates the Binance liquidations connector on a Kafka Connect worker and waits until
# the connector and every one of its tasks is RUNNING.
#
#   docker/deploy-connector.sh [--dry-run] [CONFIG_JSON]
#
# CONFIG_JSON is a file shaped like config/binance-liquidations.json, {"name": ..., "config": {...}}
# (default: config/binance-liquidations.json next to this directory). Its "config" object is PUT to
# $CONNECT_URL/connectors/<name>/config, which creates the connector or replaces its config.
# --dry-run prints the connector name and the extracted config object and contacts nothing.
#
# Environment:
#   CONNECT_URL              worker REST endpoint      (default http://localhost:8083)
#   DEPLOY_TIMEOUT_SECONDS   how long to wait in total (default 180)
#   POLL_INTERVAL_SECONDS    pause between polls       (default 2)
#
# Needs bash, curl and awk only (no jq, no python).
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
connect_url="${CONNECT_URL:-http://localhost:8083}"
connect_url="${connect_url%/}"
timeout_seconds="${DEPLOY_TIMEOUT_SECONDS:-180}"
poll_seconds="${POLL_INTERVAL_SECONDS:-2}"

dry_run=false
if [[ "${1:-}" == "--dry-run" ]]; then
  dry_run=true
  shift
fi
config_file="${1:-${script_dir}/../config/binance-liquidations.json}"

fail() {
  echo "deploy-connector: $*" >&2
  exit 1
}

[[ -r "$config_file" ]] || fail "cannot read config file '$config_file'"

# Both helpers read a whole JSON document on stdin and look only at members of the top-level
# object. They follow strings (with their escapes), so braces, commas or quotes inside values do
# not confuse them. They exit non-zero when the member is absent or has another type.

# Prints the object value, braces included, of the top-level member called $1.
json_object_member() {
  awk -v key="$1" '
    BEGIN { RS = "\001"; ORS = ""; found = 0 }
    {
      doc = $0; n = length(doc)
      depth = 0; in_str = 0; esc = 0; str = ""; last = ""; want = 0; start = 0
      for (i = 1; i <= n; i++) {
        c = substr(doc, i, 1)
        if (in_str) {
          if (esc) { esc = 0 } else if (c == "\\") { esc = 1 } else if (c == "\"") { in_str = 0; last = str; continue }
          str = str c
          continue
        }
        if (want) {
          if (c ~ /[ \t\r\n]/) continue
          want = 0
          if (c == "{") { start = i; open_depth = depth + 1 }
        }
        if (c == "\"") { in_str = 1; str = ""; continue }
        if (c == ":") { if (depth == 1 && last == key && start == 0) want = 1; continue }
        if (c == ",") { last = ""; continue }
        if (c == "{" || c == "[") { depth++; continue }
        if (c == "}" || c == "]") {
          if (start && depth == open_depth) { print substr(doc, start, i - start + 1); found = 1; exit }
          depth--
        }
      }
    }
    END { exit (found ? 0 : 1) }'
}

# Prints the string value of the top-level member called $1.
json_string_member() {
  awk -v key="$1" '
    BEGIN { RS = "\001"; ORS = ""; found = 0 }
    {
      doc = $0; n = length(doc)
      depth = 0; in_str = 0; esc = 0; str = ""; last = ""; want = 0
      for (i = 1; i <= n; i++) {
        c = substr(doc, i, 1)
        if (in_str) {
          if (esc) { esc = 0 } else if (c == "\\") { esc = 1 } else if (c == "\"") {
            in_str = 0
            if (want) { print str; found = 1; exit }
            last = str
            continue
          }
          str = str c
          continue
        }
        if (want) {
          if (c ~ /[ \t\r\n]/) continue
          if (c != "\"") want = 0
        }
        if (c == "\"") { in_str = 1; str = ""; continue }
        if (c == ":") { if (depth == 1 && last == key) want = 1; continue }
        if (c == ",") { last = ""; continue }
        if (c == "{" || c == "[") { depth++; continue }
        if (c == "}" || c == "]") { depth-- }
      }
    }
    END { exit (found ? 0 : 1) }'
}

name="$(json_string_member name < "$config_file")" \
  || fail "'$config_file' has no top-level \"name\" string"
config_json="$(json_object_member config < "$config_file")" \
  || fail "'$config_file' has no top-level \"config\" object"
[[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] \
  || fail "connector name '$name' has characters this script will not put in a URL"

if $dry_run; then
  printf 'name=%s\n%s\n' "$name" "$config_json"
  exit 0
fi

command -v curl > /dev/null || fail "curl is required"

deadline=$(( $(date +%s) + timeout_seconds ))
body_file="$(mktemp)"
trap 'rm -f "$body_file"' EXIT

# The worker's REST API answers once the worker has joined its group; wait for it.
echo "Waiting for Kafka Connect at ${connect_url} ..."
until curl -fsS -o /dev/null "${connect_url}/connectors" 2> /dev/null; do
  (( $(date +%s) < deadline )) \
    || fail "Kafka Connect did not answer at ${connect_url} within ${timeout_seconds}s (is the stack up? docker compose -f docker/docker-compose.yml ps)"
  sleep "$poll_seconds"
done

echo "Putting the config of connector '${name}' from ${config_file} ..."
http_code="$(curl -sS -o "$body_file" -w '%{http_code}' -X PUT \
  -H 'Content-Type: application/json' -H 'Accept: application/json' \
  --data-binary "$config_json" "${connect_url}/connectors/${name}/config")" \
  || fail "PUT ${connect_url}/connectors/${name}/config did not complete"
case "$http_code" in
  200|201) ;;
  *) fail "PUT ${connect_url}/connectors/${name}/config answered HTTP ${http_code}: $(cat "$body_file")" ;;
esac

# Status JSON: {"name":..,"connector":{"state":"RUNNING",..},"tasks":[{"id":0,"state":"RUNNING",..}],..}
# The first "state" is the connector's, the others are the tasks'.
echo "Waiting for connector '${name}' and its tasks to be RUNNING ..."
status=""
while :; do
  if status="$(curl -fsS "${connect_url}/connectors/${name}/status" 2> /dev/null)"; then
    states="$(printf '%s' "$status" | grep -oE '"state"[[:space:]]*:[[:space:]]*"[A-Z_]+"' \
      | sed -E 's/.*"([A-Z_]+)"$/\1/' || true)"
    connector_state="$(printf '%s\n' "$states" | sed -n 1p)"
    task_states="$(printf '%s\n' "$states" | sed -n '2,$p')"
    if printf '%s\n' "$states" | grep -qx 'FAILED'; then
      echo "deploy-connector: connector '${name}' or one of its tasks FAILED. Status:" >&2
      printf '%s\n' "$status" >&2
      exit 1
    fi
    if [[ "$connector_state" == "RUNNING" && -n "$task_states" ]] \
        && ! printf '%s\n' "$task_states" | grep -qvx 'RUNNING'; then
      echo "Connector '${name}' is RUNNING with $(printf '%s\n' "$task_states" | wc -l | tr -d ' ') task(s)."
      exit 0
    fi
  fi
  if (( $(date +%s) >= deadline )); then
    echo "deploy-connector: connector '${name}' was not RUNNING with all tasks RUNNING within ${timeout_seconds}s. Last status:" >&2
    printf '%s\n' "${status:-<no status answer>}" >&2
    exit 1
  fi
  sleep "$poll_seconds"
done
