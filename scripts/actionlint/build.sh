#!/usr/bin/env bash
# Builds rhysd/actionlint (the GitHub Actions workflow checker) from the Go module proxy into
# ~/.cache/tenantctl (once): the CI templates in examples/ci/ are checked with it.
# Prints the binary's path.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../go-install.sh" actionlint github.com/rhysd/actionlint/cmd/actionlint v1.7.12
