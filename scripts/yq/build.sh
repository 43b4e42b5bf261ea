#!/usr/bin/env bash
# Builds mikefarah/yq (the YAML editor people reach for to bump an image tag) from the Go
# module proxy into ~/.cache/tenantctl (once): `npm run bench` times tenantctl's in-place
# edits against it and counts the lines each leaves changed. Prints the binary's path.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../go-install.sh" yq github.com/mikefarah/yq/v4 v4.54.3
