#!/usr/bin/env bash
# Builds grafana-dashboard (main.go beside this script): Grafana's dashboard model from the
# Grafana Foundation SDK (Apache-2.0), decoding strictly, so the tests can check the dashboards
# tenantctl renders against it. Prints the path.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../go-command.sh" grafana-dashboard github.com/grafana/grafana-foundation-sdk/go v0.0.22
