#!/usr/bin/env bash
# Builds appset-template (main.go beside this script): Argo CD's ApplicationSet go templates
# (text/template with Sprig, as the ApplicationSet controller renders them) as a tiny command,
# so the tests can render the generated applications as Argo CD would. Prints the path.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../go-command.sh" appset-template github.com/Masterminds/sprig/v3 v3.3.0
