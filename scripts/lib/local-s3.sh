# shellcheck shell=bash
# Sourced by scripts: start_local_s3 PORT STORE_DIR [LOG] starts S3Mock (the local S3 stand-in) on
# 127.0.0.1:PORT with a "models" bucket, waits until it answers, and sets s3_pid and s3_endpoint.
# The caller stops it (stop_local_s3), typically from an EXIT trap.
start_local_s3() {
  local port="$1" store="$2" log="${3:-$2.log}"
  mkdir -p "$store"
  java -Xmx256m -XX:TieredStopAtLevel=1 -jar target/s3mock/s3mock.jar \
    --server.address=127.0.0.1 --server.port=0 \
    --com.adobe.testing.s3mock.http-port="$port" \
    --com.adobe.testing.s3mock.store.root="$store" \
    --com.adobe.testing.s3mock.store.retain-files-on-exit=true \
    --com.adobe.testing.s3mock.store.initial-buckets=models \
    --logging.level.root=WARN >"$log" 2>&1 &
  s3_pid=$!
  s3_endpoint="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do
    curl -s -o /dev/null "$s3_endpoint/" && return 0
    kill -0 "$s3_pid" 2>/dev/null || { echo "S3Mock failed to start; see $log" >&2; return 1; }
    sleep 0.5
  done
  echo "S3Mock did not answer on $s3_endpoint within a minute; see $log" >&2
  return 1
}

stop_local_s3() {
  if [[ -n "${s3_pid:-}" ]]; then
    kill "$s3_pid" 2>/dev/null || true
    wait "$s3_pid" 2>/dev/null || true
  fi
}
