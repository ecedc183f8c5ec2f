#!/usr/bin/env bash
# Builds the benchmark jar and runs the decision engine benchmark report.
#   porte-bench/run-engine-bench.sh            full run (a few minutes on 2 cores)
#   porte-bench/run-engine-bench.sh --quick    rough run
#   porte-bench/run-engine-bench.sh --verbose  with JMH's own progress output
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl porte-bench -am package -DskipTests
exec java -jar porte-bench/target/porte-benchmarks.jar "$@"
