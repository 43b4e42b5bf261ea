#!/usr/bin/env bash
# Builds yaml-oracle (main.go beside this script): Argo CD's manifest decoding
# (k8s.io/apimachinery's YAMLOrJSONDecoder, sigs.k8s.io/yaml) as a tiny command, so the tests
# can check verify's YAML reader against the real thing. Prints the path.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../go-command.sh" yaml-oracle k8s.io/apimachinery v0.34.4
