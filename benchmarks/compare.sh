#!/usr/bin/env bash
# The performance targets of issue 18, one line each: the figure measured, the bound, met or missed.
# Usage: benchmarks/compare.sh [class ...]   (PageBenchmarks WholeTreeBenchmarks ChainBenchmarks BulkImportBenchmarks;
# all of them when none is named). Each ratio comes from two rows of one BenchmarkDotNet run, measured side by side
# (the inheritance classes run every row in one process: docs/decisions.md, "Benchmarks compared in one process").
# Exit status: 0 when every measured target is met or within its honest bound (docs/benchmarks.md), 1 when one is
# missed, 2 for an unknown class.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
exec dotnet run -c Release --project "$root/benchmarks/Explo.Domain.Benchmarks" -- compare "$@"
