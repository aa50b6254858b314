#!/usr/bin/env bash
# Temporal's Java time-skipping test server, installed by `node scripts/setup.mjs --test` into
# .tools/temporal-test-server/lib (override with TEMPORAL_TEST_SERVER_LIB). Used by @temporalio/testing as
#   TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: <this file> } } })
# which passes the port (and other arguments) through.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LIB="${TEMPORAL_TEST_SERVER_LIB:-$here/../.tools/temporal-test-server/lib}"
if ! compgen -G "$LIB/*.jar" >/dev/null; then
  echo "temporal-test-server: no jars in $LIB; run: node scripts/setup.mjs --test" >&2
  exit 1
fi
# Quick start matters more than peak speed: the SDK gives the server 5 s to answer.
exec java ${TEMPORAL_TEST_SERVER_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto} -cp "$LIB/*" io.temporal.testserver.TestServer "$@"
